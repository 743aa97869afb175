package io.peerwatt.settlement.usage;

import io.peerwatt.protocol.DeliverySlot;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Energy per interval for charts: what the meters measured (import, export), what was traded
 * peer-to-peer (bought, sold) and the rest, which the grid supplied or took at its tariffs. The
 * rest is worked out per quarter-hour (a surplus in one slot does not cover a deficit in another)
 * and then summed over each interval. Pure.
 */
public final class EnergySeries {
  private EnergySeries() {}

  /** How long the intervals are: quarter-hours, hours or local days. */
  public enum Resolution {
    PT15M(Duration.ofDays(32)),
    PT1H(Duration.ofDays(93)),
    P1D(Duration.ofDays(400));

    private final Duration longestPeriod;

    Resolution(Duration longestPeriod) {
      this.longestPeriod = longestPeriod;
    }

    /** The longest period one answer covers at this resolution. */
    public Duration longestPeriod() {
      return longestPeriod;
    }
  }

  /**
   * Energy in one interval, Wh.
   *
   * @param gridImportWh import not bought peer-to-peer: supplied by the grid at its tariff
   * @param gridExportWh export not sold peer-to-peer: taken by the grid at its feed-in tariff
   * @param estimated some quarter-hour's metering was interpolated across a long gap
   * @param missing some quarter-hour had no metering (counted as 0)
   */
  public record Interval(
      Instant start,
      Instant end,
      long importWh,
      long exportWh,
      long boughtWh,
      long soldWh,
      long gridImportWh,
      long gridExportWh,
      boolean estimated,
      boolean missing) {}

  /**
   * The intervals of {@code [from, to)} at {@code resolution}: quarter-hours, hours or the days of
   * {@code zone} (a local day has 92, 96 or 100 quarter-hours), the first and last cut to the
   * period. {@code from} and {@code to} are slot boundaries.
   */
  public static List<Instant[]> intervals(
      Instant from, Instant to, Resolution resolution, ZoneId zone) {
    List<Instant[]> out = new ArrayList<>();
    Instant start = from;
    while (start.isBefore(to)) {
      Instant end =
          switch (resolution) {
            case PT15M -> start.plus(DeliverySlot.LENGTH);
            case PT1H -> start.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
            case P1D -> {
              LocalDate day = ZonedDateTime.ofInstant(start, zone).toLocalDate();
              yield day.plusDays(1).atStartOfDay(zone).toInstant();
            }
          };
      if (end.isAfter(to)) {
        end = to;
      }
      out.add(new Instant[] {start, end});
      start = end;
    }
    return out;
  }

  /**
   * Sums {@code points} (the metering points of a household, or of a zone) and {@code trades} per
   * slot over {@code intervals}.
   */
  public static List<Interval> aggregate(
      List<PointUsage> points,
      Map<Instant, JdbcUsageSource.SlotTrades> trades,
      List<Instant[]> intervals) {
    List<Interval> out = new ArrayList<>();
    int slot = 0;
    for (Instant[] interval : intervals) {
      long[] sum = new long[6];
      boolean estimated = false;
      boolean missing = false;
      for (Instant s = interval[0]; s.isBefore(interval[1]); s = s.plus(DeliverySlot.LENGTH)) {
        long importWh = 0;
        long exportWh = 0;
        for (PointUsage p : points) {
          SlotUsage u = p.slots().get(slot);
          importWh = Math.addExact(importWh, u.importWh());
          exportWh = Math.addExact(exportWh, u.exportWh());
          estimated |= u.estimated();
          missing |= u.missing();
        }
        JdbcUsageSource.SlotTrades t = trades.get(s);
        long bought = t == null ? 0 : t.boughtWh();
        long sold = t == null ? 0 : t.soldWh();
        long[] add = {
          importWh,
          exportWh,
          bought,
          sold,
          Math.max(0, importWh - bought),
          Math.max(0, exportWh - sold)
        };
        for (int i = 0; i < sum.length; i++) {
          sum[i] = Math.addExact(sum[i], add[i]);
        }
        slot++;
      }
      out.add(
          new Interval(
              interval[0],
              interval[1],
              sum[0],
              sum[1],
              sum[2],
              sum[3],
              sum[4],
              sum[5],
              estimated,
              missing));
    }
    return out;
  }
}
