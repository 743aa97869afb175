/**
 * What a settlement statement says and how both ends read it: the statement with its canonical
 * encoding and hash, slot metering from cumulative readings (the interpolation both ends must
 * compute alike), the one money rounding rule, satoshi rates, and the check a buyer's gateway runs
 * before it signs a payment. Pure: no I/O, no clock.
 */
package io.peerwatt.protocol.statement;
