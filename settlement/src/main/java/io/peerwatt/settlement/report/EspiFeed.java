package io.peerwatt.settlement.report;

import io.peerwatt.protocol.statement.LineKind;
import io.peerwatt.settlement.usage.PointUsage;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * What a Green Button ESPI feed says: every metering point of a scope (a zone, or one household)
 * with its metered energy per quarter-hour and, for the account it belongs to, the money of its
 * statements in the period.
 *
 * @param name what the feed covers, e.g. {@code zone DE-1} or {@code household 7}, part of every id
 *     (ids are name-based UUIDs, so the same feed always has the same bytes)
 * @param from period start (a slot boundary)
 * @param to period end (a slot boundary)
 * @param timeZone the zone's civil time zone ({@code LocalTimeParameters})
 * @param currency ISO 4217 code of the money (or {@code BSV}: no currency element then)
 * @param points the metering points, ordered by id
 */
public record EspiFeed(
    String name, Instant from, Instant to, ZoneId timeZone, String currency, List<Point> points) {

  public EspiFeed {
    points = List.copyOf(points);
  }

  /**
   * One metering point.
   *
   * @param usage its energy per quarter-hour
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
