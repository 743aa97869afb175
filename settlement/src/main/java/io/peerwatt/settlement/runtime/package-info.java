/**
 * Settlement as the platform runs it: {@link io.peerwatt.settlement.runtime.Settlement} wires the
 * wallets, channels, gateways' side, settlement service, anchoring and transaction watcher over one
 * database and chain; {@link io.peerwatt.settlement.runtime.SettlementPass} is the pass (channels
 * for waiting payments, settle, pay, anchor, watch, close, book) and {@link
 * io.peerwatt.settlement.runtime.SettlementScheduler} runs it on its own thread.
 */
package io.peerwatt.settlement.runtime;
