/**
 * Reading ingestion: a device-signed upload batch checked reading by reading (signature, hash
 * chain, counters, plausibility, clock) and stored idempotently, refusals with their reasons, the
 * stored readings as their readers get them, and the monthly reading partitions.
 */
package io.peerwatt.trading.ingest;
