/**
 * The chain port: {@link io.peerwatt.settlement.chain.ChainBackend} (broadcast, status with BUMP,
 * headers, fee policy), devnet-only {@link io.peerwatt.settlement.chain.DevnetControl}, the values
 * they exchange, and {@link io.peerwatt.settlement.chain.RecordingChainBackend} for tests.
 */
package io.peerwatt.settlement.chain;
