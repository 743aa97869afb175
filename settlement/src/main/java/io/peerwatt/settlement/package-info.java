/**
 * After delivery: this package holds the settlement service (statements from allocations, payments
 * over the channel port) and its stores; the rest lives in:
 *
 * <ul>
 *   <li>{@code allocation}: metered allocation and the money split of a slot (pure).
 *   <li>{@code statement}: building statements and the rates they convert with.
 *   <li>{@code channel}: the hub's channels, their keepers and stores.
 *   <li>{@code m2m}: the hub's side of machine-to-machine payments with the gateways.
 *   <li>{@code wallet}: the key vault, the hub wallet, the transaction log and watcher.
 *   <li>{@code chain}: the chain port and its backends ({@code node}, {@code arc}); {@code devnet}:
 *       the embedded chain.
 *   <li>{@code anchor}: anchor trees, anchoring and proof bundles.
 *   <li>{@code report}: utility settlement reports.
 *   <li>{@code runtime}: the settlement pass as the platform runs it, and its scheduler.
 *   <li>{@code api}: the HTTP resources (statements and payments, proofs and chain, reports, the
 *       gateways' device API).
 * </ul>
 */
package io.peerwatt.settlement;
