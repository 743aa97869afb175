/**
 * Metered allocation, pure: energy per meter per slot from cumulative readings (interpolated at the
 * slot boundaries, counters rounded down), and the split of a slot's money between buyers, sellers,
 * the grid operator and the imbalance account. No I/O, no clock; integers only (Wh, milli-cent or
 * satoshi per kWh); the one money rounding rule is {@link io.peerwatt.protocol.statement.Rounding}.
 */
package io.peerwatt.settlement.allocation;
