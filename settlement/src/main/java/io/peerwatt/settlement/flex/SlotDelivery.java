package io.peerwatt.settlement.flex;

import java.time.Instant;
import java.util.OptionalLong;

/**
 * What one acceptance delivered in one slot, measured as its statement line measures it.
 *
 * @param acceptanceId the acceptance ({@code flex_acceptance.id}): the line's reference
 * @param accountId the household paid
 * @param slotStart the slot
 * @param baselineWh the home's baseline in the slot, empty when it has none (nothing delivered)
 * @param meteredWh what the settlement's metering measured in the request's direction (import for a
 *     request to reduce import, export for one to reduce export)
 * @param meteredMissing the metering lacks a boundary reading: nothing delivered until it arrives
 * @param deliveredWh the flexibility credited: at most the accepted energy and the reduction
 */
public record SlotDelivery(
    long acceptanceId,
    long accountId,
    Instant slotStart,
    OptionalLong baselineWh,
    long meteredWh,
    boolean meteredMissing,
    long deliveredWh) {}
