package io.peerwatt.trading.calendar;

import io.peerwatt.protocol.DeliverySlot;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The trading calendar of one zone: which slots a local day has, when each slot's book opens and
 * closes, and the state of a slot at an instant the caller supplies.
 *
 * <p>Rules:
 *
 * <ul>
 *   <li>A local delivery day runs from local midnight to the next local midnight in the zone's time
 *       zone and contains every UTC quarter-hour starting in it: 96 on an ordinary day, 92 when the
 *       clocks go forward and 100 when they go back.
 *   <li>Books open D-1: at local midnight at the start of the local day before the slot's local
 *       delivery day (so all of tomorrow's slots open together at today's midnight).
 *   <li>Gate closure is slot start minus the zone's gate closure lead; from then on no order is
 *       accepted and a call-auction book clears.
 * </ul>
 */
public final class MarketCalendar {
  private final ZoneConfig zone;

  /** The calendar of {@code zone}. */
  public MarketCalendar(ZoneConfig zone) {
    this.zone = Objects.requireNonNull(zone, "zone");
  }

  /** The zone this calendar belongs to. */
  public ZoneConfig zone() {
    return zone;
  }

  /** All slots of the local delivery day {@code day}, in order (92, 96 or 100 of them). */
  public List<DeliverySlot> slotsOf(LocalDate day) {
    Instant from = day.atStartOfDay(zone.localZone()).toInstant();
    Instant to = day.plusDays(1).atStartOfDay(zone.localZone()).toInstant();
    List<DeliverySlot> slots = new ArrayList<>(100);
    // local midnight is on a quarter-hour in every zone with a whole-quarter offset; others start
    // with the first slot that begins inside the day
    DeliverySlot slot = DeliverySlot.containing(from);
    if (slot.start().isBefore(from)) {
      slot = slot.next();
    }
    for (; slot.start().isBefore(to); slot = slot.next()) {
      slots.add(slot);
    }
    return slots;
  }

  /** The local delivery day a slot belongs to (the local date of its start). */
  public LocalDate deliveryDayOf(DeliverySlot slot) {
    return LocalDate.ofInstant(slot.start(), zone.localZone());
  }

  /** When the slot's book opens: local midnight starting the day before its delivery day. */
  public Instant bookOpening(DeliverySlot slot) {
    return deliveryDayOf(slot).minusDays(1).atStartOfDay(zone.localZone()).toInstant();
  }

  /** When the slot's book closes: slot start minus the zone's gate closure lead. */
  public Instant gateClosure(DeliverySlot slot) {
    return slot.start().minus(zone.gateClosureLead());
  }

  /** The state of {@code slot} at {@code now}. */
  public SlotState stateAt(DeliverySlot slot, Instant now) {
    if (now.isBefore(bookOpening(slot))) {
      return SlotState.NOT_OPEN;
    }
    if (now.isBefore(gateClosure(slot))) {
      return SlotState.OPEN;
    }
    if (now.isBefore(slot.start())) {
      return SlotState.CLOSED;
    }
    if (now.isBefore(slot.end())) {
      return SlotState.DELIVERING;
    }
    return SlotState.DELIVERED;
  }

  /**
   * Slots whose gate closes in {@code (after, upTo]}, in order: the ones a scheduler must close or
   * clear when its clock advances from {@code after} to {@code upTo}.
   */
  public List<DeliverySlot> gatesClosingBetween(Instant after, Instant upTo) {
    List<DeliverySlot> slots = new ArrayList<>();
    DeliverySlot slot = DeliverySlot.containing(after.plus(zone.gateClosureLead()));
    for (; !gateClosure(slot).isAfter(upTo); slot = slot.next()) {
      if (gateClosure(slot).isAfter(after)) {
        slots.add(slot);
      }
    }
    return slots;
  }
}
