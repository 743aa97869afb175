package io.peerwatt.settlement.share;

import static io.peerwatt.db.schema.Tables.ACCOUNT;
import static io.peerwatt.db.schema.Tables.DATA_ACCESS;
import static io.peerwatt.db.schema.Tables.DEVICE;
import static io.peerwatt.db.schema.Tables.METERING_POINT;
import static io.peerwatt.db.schema.Tables.READING;

import io.peerwatt.http.ApiError;
import io.peerwatt.http.DataGrantTokens.GrantAccess;
import io.peerwatt.protocol.statement.Statement;
import io.peerwatt.settlement.SettlementViews;
import io.peerwatt.settlement.report.EspiFeed;
import io.peerwatt.settlement.report.EspiFeeds;
import io.peerwatt.settlement.usage.JdbcUsageSource;
import io.peerwatt.settlement.usage.PointUsage;
import io.peerwatt.settlement.usage.SlotUsage;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.jooq.DSLContext;
import org.jooq.Table;

/**
 * A grant's data as delivered: per metering point of the household, the energy of each interval at
 * the grant's resolution (the sum of settlement's quarter-hours, which are counter differences at
 * the boundaries of the signed readings), and per interval boundary the readings just before and
 * after it, whose proof bundles the third party may fetch; as JSON or as a Green Button ESPI feed.
 * Every delivery is logged. Blocking.
 */
public final class GrantedData {
  /** Most days of data one request may ask for. */
  public static final int MAX_DAYS = 93;

  /** How far around an interval boundary its readings are looked for. */
  private static final Duration AROUND = Duration.ofHours(1);

  /** A reading named by its proof reference parts. */
  public record ReadingRef(long deviceId, int channel, long sequence, Instant takenAt) {}

  /** One interval's energy; a direction the grant does not cover is null. */
  public record Interval(
      Instant start, Long importWh, Long exportWh, boolean estimated, boolean missing) {}

  /** One metering point's intervals. */
  public record Point(long meteringPointId, List<Interval> intervals) {}

  /**
   * The delivery: the points' intervals in [from, to), and per boundary (from, each interval end)
   * the readings around it.
   */
  public record Delivery(
      Instant from, Instant to, List<Point> points, Map<Instant, List<ReadingRef>> boundaries) {}

  private final DSLContext dsl;
  private final JdbcUsageSource usage;
  private final SettlementViews views;

  public GrantedData(DSLContext dsl, JdbcUsageSource usage, SettlementViews views) {
    this.dsl = Objects.requireNonNull(dsl, "dsl");
    this.usage = Objects.requireNonNull(usage, "usage");
    this.views = Objects.requireNonNull(views, "views");
  }

  /** The length of one interval at resolution {@code code}. */
  public static Duration step(String code) {
    return switch (code) {
      case "15min" -> Duration.ofMinutes(15);
      case "hourly" -> Duration.ofHours(1);
      case "daily" -> Duration.ofDays(1);
      default -> throw new IllegalArgumentException("resolution " + code);
    };
  }

  /**
   * The period a request may have: [{@code from}, {@code to}) (the grant's period when null),
   * widened to whole intervals; 403 when it reaches outside the grant's period, 400 when it is
   * empty or longer than {@link #MAX_DAYS}.
   */
  public static Instant[] period(GrantAccess grant, Instant from, Instant to) {
    long step = step(grant.resolution()).getSeconds();
    Instant f = from == null ? grant.periodFrom() : from;
    Instant t = to == null ? grant.periodTo() : to;
    f = Instant.ofEpochSecond(Math.floorDiv(f.getEpochSecond(), step) * step);
    t = Instant.ofEpochSecond(-Math.floorDiv(-t.getEpochSecond(), step) * step);
    if (f.isBefore(grant.periodFrom()) || t.isAfter(grant.periodTo())) {
      throw new ApiError(
          403,
          "OUTSIDE_GRANT",
          "the grant covers "
              + grant.periodFrom()
              + " to "
              + grant.periodTo()
              + " in whole "
              + grant.resolution()
              + " intervals",
          null);
    }
    if (!f.isBefore(t)) {
      throw ApiError.badRequest("EMPTY_PERIOD", "from must be before to", "to");
    }
    if (Duration.between(f, t).compareTo(Duration.ofDays(MAX_DAYS)) > 0) {
      throw ApiError.badRequest(
          "PERIOD_TOO_LONG", "at most " + MAX_DAYS + " days per request", "to");
    }
    return new Instant[] {f, t};
  }

  /** The grant's data in [from, to) (whole intervals inside its period, see {@link #period}). */
  public Delivery deliver(GrantAccess grant, Instant from, Instant to) {
    String zone = zoneOf(grant.accountId());
    Duration step = step(grant.resolution());
    List<Point> points = new ArrayList<>();
    for (PointUsage p :
        zone == null ? List.<PointUsage>of() : usage.usage(zone, grant.accountId(), from, to)) {
      Map<Instant, long[]> sums = new TreeMap<>();
      for (SlotUsage s : p.slots()) {
        long startSecond = s.start().getEpochSecond();
        Instant start =
            Instant.ofEpochSecond(
                Math.floorDiv(startSecond, step.getSeconds()) * step.getSeconds());
        long[] sum = sums.computeIfAbsent(start, k -> new long[4]);
        sum[0] = Math.addExact(sum[0], s.importWh());
        sum[1] = Math.addExact(sum[1], s.exportWh());
        sum[2] |= s.estimated() ? 1 : 0;
        sum[3] |= s.missing() ? 1 : 0;
      }
      List<Interval> intervals = new ArrayList<>();
      sums.forEach(
          (start, sum) ->
              intervals.add(
                  new Interval(
                      start,
                      grant.importData() ? sum[0] : null,
                      grant.exportData() ? sum[1] : null,
                      sum[2] != 0,
                      sum[3] != 0)));
      points.add(new Point(p.meteringPointId(), intervals));
    }
    return new Delivery(from, to, points, boundaries(grant.accountId(), from, to, step));
  }

  /**
   * A delivery as a Green Button ESPI feed: the grant's resolution and directions only, and money
   * (the household's statements of the period) only when the grant includes statements. Intervals
   * without metering are left out, as in every ESPI feed of the platform.
   */
  public EspiFeed espi(GrantAccess grant, Delivery delivery) {
    String zone = zoneOf(grant.accountId());
    JdbcUsageSource.ZoneInfo info =
        (zone == null ? Optional.<JdbcUsageSource.ZoneInfo>empty() : usage.zone(zone))
            .orElse(new JdbcUsageSource.ZoneInfo(zone, ZoneOffset.UTC, "EUR"));
    String name = "grant " + grant.grantId();
    List<PointUsage> points = new ArrayList<>();
    for (Point p : delivery.points()) {
      List<SlotUsage> intervals = new ArrayList<>();
      for (Interval i : p.intervals()) {
        intervals.add(
            new SlotUsage(
                i.start(),
                i.importWh() == null ? 0 : i.importWh(),
                i.exportWh() == null ? 0 : i.exportWh(),
                i.estimated(),
                i.missing()));
      }
      points.add(new PointUsage(p.meteringPointId(), grant.accountId(), name, intervals));
    }
    List<Statement> statements = new ArrayList<>();
    if (grant.statements() && zone != null) {
      views
          .statements(zone, grant.accountId(), delivery.from(), delivery.to())
          .forEach(s -> statements.add(s.statement()));
    }
    return new EspiFeed(
        name,
        delivery.from(),
        delivery.to(),
        info.timeZone(),
        info.currency(),
        EspiFeeds.points(points, statements),
        new EspiFeed.Content(
            step(grant.resolution()), grant.importData(), grant.exportData(), grant.statements()));
  }

  private String zoneOf(long accountId) {
    return dsl.select(ACCOUNT.ZONE_CODE)
        .from(ACCOUNT)
        .where(ACCOUNT.ID.eq(accountId))
        .fetchOne(ACCOUNT.ZONE_CODE);
  }

  /**
   * Per boundary in [from, to] every {@code step}: each channel's readings just before and after.
   */
  private Map<Instant, List<ReadingRef>> boundaries(
      long accountId, Instant from, Instant to, Duration step) {
    List<ReadingRef> readings =
        dsl.select(READING.DEVICE_ID, READING.METER_CHANNEL, READING.SEQUENCE, READING.TAKEN_AT)
            .from(accountReadings(accountId, from, to))
            .orderBy(READING.TAKEN_AT, READING.DEVICE_ID, READING.METER_CHANNEL, READING.SEQUENCE)
            .fetch(r -> new ReadingRef(r.value1(), r.value2(), r.value3(), r.value4()));
    Map<String, List<ReadingRef>> byChannel = new LinkedHashMap<>();
    for (ReadingRef r : readings) {
      byChannel.computeIfAbsent(r.deviceId() + "/" + r.channel(), k -> new ArrayList<>()).add(r);
    }
    Map<Instant, List<ReadingRef>> out = new LinkedHashMap<>();
    for (Instant t = from; !t.isAfter(to); t = t.plus(step)) {
      List<ReadingRef> around = new ArrayList<>();
      for (List<ReadingRef> channel : byChannel.values()) {
        ReadingRef before = null;
        ReadingRef after = null;
        for (ReadingRef r : channel) {
          if (!r.takenAt().isAfter(t)) {
            before = r;
          } else {
            after = r;
            break;
          }
        }
        if (before != null && !before.takenAt().isBefore(t.minus(AROUND))) {
          around.add(before);
        }
        if (after != null && !after.takenAt().isAfter(t.plus(AROUND))) {
          around.add(after);
        }
      }
      out.put(t, around);
    }
    return out;
  }

  /**
   * Whether reading {@code deviceId/channel/sequence} is one the grant discloses: the household's,
   * taken in its period or within the boundary margin around it. Blocking.
   */
  public boolean discloses(GrantAccess grant, long deviceId, int channel, long sequence) {
    return dsl.fetchExists(
        dsl.selectOne()
            .from(accountReadings(grant.accountId(), grant.periodFrom(), grant.periodTo()))
            .where(
                READING.DEVICE_ID.eq(deviceId),
                READING.METER_CHANNEL.eq(channel),
                READING.SEQUENCE.eq(sequence)));
  }

  /**
   * The readings of the account's devices taken in [from, to] or within the boundary margin around
   * it.
   */
  private static Table<?> accountReadings(long accountId, Instant from, Instant to) {
    return READING
        .join(DEVICE)
        .on(DEVICE.ID.eq(READING.DEVICE_ID))
        .join(METERING_POINT)
        .on(
            METERING_POINT.ID.eq(DEVICE.METERING_POINT_ID),
            METERING_POINT.ACCOUNT_ID.eq(accountId),
            READING.TAKEN_AT.between(from.minus(AROUND), to.plus(AROUND)));
  }

  /** Records one delivery in the grant's access log. */
  public void log(
      long grantId,
      String kind,
      Instant periodFrom,
      Instant periodTo,
      String readingRef,
      Instant now) {
    int days =
        kind.equals("proof")
            ? 0
            : (int) -Math.floorDiv(-Duration.between(periodFrom, periodTo).getSeconds(), 86_400L);
    dsl.insertInto(DATA_ACCESS)
        .set(DATA_ACCESS.GRANT_ID, grantId)
        .set(DATA_ACCESS.KIND, kind)
        .set(DATA_ACCESS.PERIOD_FROM, periodFrom)
        .set(DATA_ACCESS.PERIOD_TO, periodTo)
        .set(DATA_ACCESS.DAYS, days)
        .set(DATA_ACCESS.READING_REF, readingRef)
        .set(DATA_ACCESS.FETCHED_AT, now)
        .execute();
  }
}
