package io.peerwatt.settlement.report;

import java.time.Instant;
import java.util.List;

/**
 * A utility report's section on one flexibility event of the grid operator (issue 21): what it
 * asked per slot, what the zone's homes accepted and what their meters showed delivered, and per
 * home what it delivered and was paid on its statements.
 *
 * @param eventId the grid operator's OpenADR event
 * @param requestId the zone's flexibility request the event became
 * @param direction {@code REDUCE_IMPORT} or {@code REDUCE_EXPORT}
 * @param pricePerKwh the request's price, 0.001 ct per kWh of flexibility
 * @param slots the request's slots in the report's period
 * @param homes the acceptances, by id
 */
public record FlexibilityEvent(
    String eventId,
    long requestId,
    String direction,
    long pricePerKwh,
    List<Slot> slots,
    List<Home> homes) {

  public FlexibilityEvent {
    slots = List.copyOf(slots);
    homes = List.copyOf(homes);
  }

  /**
   * One slot of the event.
   *
   * @param requestedW the reduction the zone needed (baseline minus the event's limit), W
   * @param acceptedW what the homes accepted, W
   * @param deliveredW what their statements credit as delivered, as mean power over the slot, W
   */
  public record Slot(Instant start, long requestedW, long acceptedW, long deliveredW) {}

  /**
   * One home's acceptance over the slots in the period.
   *
   * @param deliveredWh the flexibility its statements credit
   * @param amount what they pay for it, in the zone's market unit
   * @param amountSat the same in satoshis
   * @param anchorTxid the anchor of its delivery record, or null before it is anchored
   */
  public record Home(
      long acceptanceId,
      long accountId,
      long deviceId,
      long acceptedW,
      long deliveredWh,
      long amount,
      long amountSat,
      String anchorTxid) {}
}
