/**
 * The one schema (Flyway migrations, generated jOOQ classes) and the runtime {@link
 * io.peerwatt.db.Database}; the few reads both the market and settlement make of the same tables
 * ({@link io.peerwatt.db.AnchoredItems}, {@link io.peerwatt.db.RestartGaps}).
 */
package io.peerwatt.db;
