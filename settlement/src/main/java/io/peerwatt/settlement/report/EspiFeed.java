package io.peerwatt.settlement.report;

import io.peerwatt.protocol.statement.LineKind;
import io.peerwatt.settlement.usage.PointUsage;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * What a Green Button ESPI feed says: every metering point of a scope (a zone, one household, or
 * what a data grant discloses) with its metered energy per interval and, for the account it belongs
 * to, the money of its statements in the period.
 *
 * @param name what the feed covers, e.g. {@code zone DE-1} or {@code household 7}, part of every id
 *     (ids are name-based UUIDs, so the same feed always has the same bytes)
 * @param from period start (a slot boundary)
 * @param to period end (a slot boundary)
 * @param timeZone the zone's civil time zone ({@code LocalTimeParameters})
 * @param currency ISO 4217 code of the money (or {@code BSV}: no currency element then)
 * @param points the metering points, ordered by id
 * @param content the interval length, the directions and whether money is part of the feed
 */
public record EspiFeed(
    String name,
    Instant from,
    Instant to,
    ZoneId timeZone,
    String currency,
    List<Point> points,
    Content content) {

  public EspiFeed {
    points = List.copyOf(points);
  }

  /** A feed of everything: quarter-hours, import and export, and money. */
  public EspiFeed(
      String name, Instant from, Instant to, ZoneId timeZone, String currency, List<Point> points) {
    this(name, from, to, timeZone, currency, points, Content.EVERYTHING);
  }

  /**
   * What a feed discloses.
   *
   * @param interval the length of each point's intervals ({@link PointUsage#slots()} are intervals
   *     of this length): 15 minutes, an hour or a day
   * @param importData a {@code MeterReading} for import
   * @param exportData a {@code MeterReading} for export
   * @param money a {@code UsageSummary} with the statements' money (and the period's import when
   *     import is disclosed)
   */
  public record Content(Duration interval, boolean importData, boolean exportData, boolean money) {
    /** Quarter-hours of both directions, with money. */
    public static final Content EVERYTHING = new Content(Duration.ofMinutes(15), true, true, true);

    public Content {
      if (interval.isZero() || interval.isNegative()) {
        throw new IllegalArgumentException("interval " + interval);
      }
    }
  }

  /**
   * One metering point.
   *
   * @param usage its energy per interval
   * @param money the sums of its account's statement lines in the period by kind, in the market
   *     unit (milli-cent), from the household's side (positive: it received); empty for all but the
   *     account's first metering point, so a household's money is counted once
   */
  public record Point(PointUsage usage, Map<LineKind, Long> money) {
    public Point {
      money = Map.copyOf(money);
    }
  }
}
