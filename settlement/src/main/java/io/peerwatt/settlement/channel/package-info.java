/**
 * One-way (Spilman) payment channels for BSV after Genesis: funding to a bare 2-of-2 multisig, a
 * payee-signed refund with nLockTime = expiry before the funding goes out, commitments signed
 * SIGHASH_ALL|FORKID. {@link io.peerwatt.protocol.channel.PayerChannel} and {@link
 * io.peerwatt.protocol.channel.PayeeChannel} are the pure state machines (gateways use them
 * directly); {@link io.peerwatt.settlement.channel.PayerKeeper}, {@link
 * io.peerwatt.settlement.channel.PayeeKeeper} and {@link
 * io.peerwatt.settlement.channel.HubChannels} add persistence, the wallet and the chain.
 */
package io.peerwatt.settlement.channel;
