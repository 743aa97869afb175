/**
 * The one schema (Flyway migrations, generated jOOQ classes) and the runtime {@link
 * io.peerwatt.db.Database}.
 */
package io.peerwatt.db;
