/**
 * Settlement events on Apache Kafka: settlement writes {@code STATEMENT_MADE} and {@code
 * SLOT_CLOSED} into the outbox table {@code settlement_event} in the transactions that settle; the
 * {@link io.peerwatt.cluster.settlement.SettlementEventRelay} of the node with the settlement role
 * appends them to {@code peerwatt.settlement-events} (keyed by zone, {@link
 * io.peerwatt.cluster.settlement.SettlementEventCodec}'s versioned JSON) and marks them sent once
 * Kafka acknowledged; a {@link io.peerwatt.cluster.settlement.SlotAnchoringWorker} group anchors
 * each slot as soon as its close arrives.
 */
package io.peerwatt.cluster.settlement;
