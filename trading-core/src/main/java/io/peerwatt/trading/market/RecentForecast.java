package io.peerwatt.trading.market;

import io.peerwatt.protocol.DeliverySlot;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Persistence forecast of a metering point's net export in a slot: what its meter counted over the
 * last hour, carried forward. Pure: the caller supplies the readings of that hour.
 *
 * <p>Readings come per meter series (a device's channel), in time order. A series counts when its
 * earliest and latest reading are at least {@link #MIN_SPAN} apart and none of its counters went
 * down from one reading to the next (a reset or meter swap makes the series unusable, as in {@link
 * SlotForecast}). Its energy is the counter difference between its earliest and latest reading, its
 * duration the time between them. The forecast is the summed energy over the summed duration,
 * scaled to one slot and rounded towards negative infinity (as {@link SlotForecast}): {@code
 * floor(sum(exportWh - importWh) * 900,000 ms / sum(duration in ms))}; empty when no series counts.
 * Series are summed energy and time alike because a metering point has one active device at a time:
 * several series within an hour are the same connection read before and after a key rotation.
 */
final class RecentForecast {
  /** How far back from the run the forecast looks. */
  static final Duration WINDOW = Duration.ofHours(1);

  /** The least time between a series' earliest and latest reading for the series to count. */
  static final Duration MIN_SPAN = Duration.ofMinutes(2);

  private RecentForecast() {}

  /** One meter reading's cumulative counters. */
  record Reading(Instant takenAt, long importWh, long exportWh) {}

  /**
   * Forecast net export (export minus import, Wh; negative means the home draws from the grid) of
   * any slot, from the last hour's readings.
   *
   * @param series per meter series, its readings of the window in time order
   */
  static OptionalLong netExportWh(List<List<Reading>> series) {
    Objects.requireNonNull(series, "series");
    long netWh = 0;
    long spanMillis = 0;
    for (List<Reading> readings : series) {
      if (readings.size() < 2 || countersWentBack(readings)) {
        continue;
      }
      Reading first = readings.get(0);
      Reading last = readings.get(readings.size() - 1);
      Duration span = Duration.between(first.takenAt(), last.takenAt());
      if (span.compareTo(MIN_SPAN) < 0) {
        continue;
      }
      long importWh = Math.subtractExact(last.importWh(), first.importWh());
      long exportWh = Math.subtractExact(last.exportWh(), first.exportWh());
      netWh = Math.addExact(netWh, Math.subtractExact(exportWh, importWh));
      spanMillis = Math.addExact(spanMillis, span.toMillis());
    }
    return spanMillis == 0
        ? OptionalLong.empty()
        : OptionalLong.of(
            Math.floorDiv(Math.multiplyExact(netWh, DeliverySlot.LENGTH.toMillis()), spanMillis));
  }

  private static boolean countersWentBack(List<Reading> readings) {
    for (int i = 1; i < readings.size(); i++) {
      Reading before = readings.get(i - 1);
      Reading after = readings.get(i);
      if (after.takenAt().isBefore(before.takenAt())) {
        throw new IllegalArgumentException("readings out of time order at " + after.takenAt());
      }
      if (after.importWh() < before.importWh() || after.exportWh() < before.exportWh()) {
        return true;
      }
    }
    return false;
  }
}
