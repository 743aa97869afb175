/**
 * The hub's on-chain money: {@link io.peerwatt.settlement.wallet.KeyVault} (keys sealed with
 * AES-GCM under an scrypt-derived key), {@link io.peerwatt.settlement.wallet.HubWallet} (UTXOs,
 * coin selection, change, policy fees, dust, unconfirmed chains) and the {@link
 * io.peerwatt.settlement.wallet.TransactionLog} behind the audit export.
 */
package io.peerwatt.settlement.wallet;
