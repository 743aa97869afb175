/**
 * The embedded devnet chain: {@link io.peerwatt.settlement.devnet.DevnetBackend}, a BSV-rules
 * ledger (protocol's interpreter, double spends, fees, dust, lock-time finality, coinbase maturity)
 * persisted in PostgreSQL, mining real headers with about 2^16 hashes of proof of work per block
 * and answering BUMPs. Everything it shows is labelled {@code devnet}: its coins are not BSV money.
 */
package io.peerwatt.settlement.devnet;
