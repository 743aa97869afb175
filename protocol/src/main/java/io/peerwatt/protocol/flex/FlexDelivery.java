package io.peerwatt.protocol.flex;

import io.peerwatt.protocol.statement.Rounding;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * How much flexibility a home delivered in a slot, and what it earns: the one definition the
 * platform's portal (trading-core) and the slot statements (settlement) both use. Pure: no I/O,
 * integers only.
 *
 * <ul>
 *   <li><b>Baseline</b> of a slot: the mean of the home's metered energy (import for a request to
 *       reduce import, export for one to reduce export), from its own signed readings, in the same
 *       quarter-hour of the last {@link #BASELINE_DAYS} days before the slot's day that have a
 *       reading for it, looking back at most {@link #LOOK_BACK_DAYS} days; floored to the Wh. A
 *       home without such a day (one that started metering recently) falls back to the hour before
 *       the event: the mean of its slots among the four before the event's first slot that its
 *       metering covers whole (not the slot its metering started in). Neither: no baseline, nothing
 *       delivered.
 *   <li><b>Delivered</b>: baseline minus metered, clipped to [0, accepted], where accepted is the
 *       accepted power over the slot ({@code watts / 4} Wh, floored).
 *   <li><b>Earned</b>: delivered Wh at the request's price per kWh by the one rounding rule for
 *       money ({@link Rounding#energyAmount}, half to even, in 0.001 ct or a satoshi in a BSV
 *       zone), so what the portal shows is what the statement line pays.
 * </ul>
 */
public final class FlexDelivery {
  /** Days averaged for a baseline. */
  public static final int BASELINE_DAYS = 5;

  /** How far back a baseline looks for days with readings. */
  public static final int LOOK_BACK_DAYS = 30;

  /** Slots of the hour before an event, the baseline of a home without comparable days. */
  public static final int HOUR_BEFORE_SLOTS = 4;

  private static final Duration DAY = Duration.ofDays(1);
  private static final Duration SLOT = Duration.ofMinutes(15);

  private FlexDelivery() {}

  /**
   * The slot's baseline from {@code meteredAt} (the home's metered Wh in the slot starting at the
   * given instant, empty when it has no reading for it), asked only for the days it looks at.
   */
  public static OptionalLong baselineWh(Function<Instant, OptionalLong> meteredAt, Instant slot) {
    long sum = 0;
    int days = 0;
    for (int back = 1; back <= LOOK_BACK_DAYS && days < BASELINE_DAYS; back++) {
      OptionalLong wh = meteredAt.apply(slot.minus(DAY.multipliedBy(back)));
      if (wh.isPresent()) {
        sum = Math.addExact(sum, wh.getAsLong());
        days++;
      }
    }
    return days == 0 ? OptionalLong.empty() : OptionalLong.of(sum / days);
  }

  /**
   * The baseline of {@code slot} of an event starting at {@code eventStart} from {@code meteredAt}
   * (empty for a slot the home's metering does not cover whole): {@link #baselineWh(Function,
   * Instant)} of the comparable days, or, without one, the mean of the home's slots in the hour
   * before {@code eventStart} ({@link #HOUR_BEFORE_SLOTS} slots) that are metered; empty when
   * neither has any.
   */
  public static OptionalLong baselineWh(
      Function<Instant, OptionalLong> meteredAt, Instant slot, Instant eventStart) {
    OptionalLong days = baselineWh(meteredAt, slot);
    return days.isPresent() ? days : hourBefore(meteredAt, eventStart);
  }

  private static OptionalLong hourBefore(
      Function<Instant, OptionalLong> meteredAt, Instant eventStart) {
    long sum = 0;
    int slots = 0;
    for (int back = 1; back <= HOUR_BEFORE_SLOTS; back++) {
      OptionalLong wh = meteredAt.apply(eventStart.minus(SLOT.multipliedBy(back)));
      if (wh.isPresent()) {
        sum = Math.addExact(sum, wh.getAsLong());
        slots++;
      }
    }
    return slots == 0 ? OptionalLong.empty() : OptionalLong.of(sum / slots);
  }

  /** The accepted power over one 15-minute slot, in Wh (floored). */
  public static long acceptedWh(long acceptedW) {
    return acceptedW / 4;
  }

  /** Delivered Wh: baseline minus metered, at least 0, at most what was accepted. */
  public static long deliveredWh(long baselineWh, long meteredWh, long acceptedW) {
    long reduction = Math.subtractExact(baselineWh, meteredWh);
    return Math.max(0, Math.min(reduction, acceptedWh(acceptedW)));
  }

  /** What {@code deliveredWh} earns at {@code pricePerKwh}, by {@link Rounding#energyAmount}. */
  public static long earned(long deliveredWh, long pricePerKwh) {
    return Rounding.energyAmount(deliveredWh, pricePerKwh);
  }
}
