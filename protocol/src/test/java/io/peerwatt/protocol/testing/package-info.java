/** Test helpers every module's tests share (protocol's test-jar): a clock tests move by hand. */
package io.peerwatt.protocol.testing;
