package io.peerwatt.trading.market;

import io.peerwatt.protocol.DeliverySlot;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Forecast of a metering point's net export in one slot, from its own meter counters on the same
 * quarter-hour of recent days. Pure: the caller supplies the counters.
 *
 * <p>Counters come per meter series (a device's channel) as the last cumulative import/export seen
 * in each UTC quarter-hour bucket (keyed by the bucket's start). The energy of a past slot is the
 * counter at the end of the slot's own bucket minus the counter at the end of the bucket before it,
 * i.e. between the last readings before each slot boundary. A day counts when at least one series
 * has both buckets and its counters did not go backwards (a reset or meter swap makes that series'
 * day unusable). The forecast is the mean over the days that count, rounded towards negative
 * infinity; empty when no day counts.
 */
public final class SlotForecast {
  private SlotForecast() {}

  /** Cumulative counters at the end of one quarter-hour bucket. */
  public record Counters(long importWh, long exportWh) {}

  /**
   * Forecast net export (export minus import, Wh; negative means the home draws from the grid) of
   * {@code slot}, averaging the same quarter-hour of the {@code lookbackDays} days before.
   *
   * @param series per meter series, bucket start to counters at the bucket's end
   */
  public static OptionalLong netExportWh(
      List<NavigableMap<Instant, Counters>> series, DeliverySlot slot, int lookbackDays) {
    Objects.requireNonNull(series, "series");
    long sumWh = 0;
    int days = 0;
    for (int d = 1; d <= lookbackDays; d++) {
      Instant start = slot.start().minus(Duration.ofDays(d));
      Instant previous = start.minus(DeliverySlot.LENGTH);
      boolean counted = false;
      long dayWh = 0;
      for (Map<Instant, Counters> buckets : series) {
        Counters before = buckets.get(previous);
        Counters after = buckets.get(start);
        if (before == null || after == null) {
          continue;
        }
        long importWh = Math.subtractExact(after.importWh(), before.importWh());
        long exportWh = Math.subtractExact(after.exportWh(), before.exportWh());
        if (importWh < 0 || exportWh < 0) {
          continue;
        }
        dayWh = Math.addExact(dayWh, Math.subtractExact(exportWh, importWh));
        counted = true;
      }
      if (counted) {
        sumWh = Math.addExact(sumWh, dayWh);
        days++;
      }
    }
    return days == 0 ? OptionalLong.empty() : OptionalLong.of(Math.floorDiv(sumWh, days));
  }
}
