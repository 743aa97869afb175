/**
 * The platform's market: accounts, device enrolment, reading ingestion, order books and matching,
 * and their HTTP resources. This package holds the wiring ({@link io.peerwatt.trading.TradingApi}),
 * the settings, the platform keys and {@link io.peerwatt.trading.AccountAdmin}; the rest lives in:
 *
 * <ul>
 *   <li>{@code account}: accounts, Argon2id password hashes, failed-login limits.
 *   <li>{@code device}: metering points, devices, enrolment codes and certificates, revocation.
 *   <li>{@code ingest}: signed upload batches checked and stored, stored readings, reading
 *       partitions.
 *   <li>{@code calendar}: delivery slots, zone configuration, book opening and gate closure (pure).
 *   <li>{@code matching}: the order books and their command codec (pure).
 *   <li>{@code market}: zones, the books behind their PostgreSQL logs, orders, standing rules and
 *       their runs, the scheduler.
 *   <li>{@code api}: the HTTP resources, each built with the services it serves.
 * </ul>
 */
package io.peerwatt.trading;
