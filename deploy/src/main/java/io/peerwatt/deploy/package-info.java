/**
 * The composition root: the {@code peerwatt} command and the runnable jar.
 */
package io.peerwatt.deploy;
