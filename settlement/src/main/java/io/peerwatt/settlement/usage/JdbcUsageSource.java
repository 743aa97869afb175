package io.peerwatt.settlement.usage;

import static io.peerwatt.db.schema.Tables.DEVICE;
import static io.peerwatt.db.schema.Tables.MARKET_ZONE;
import static io.peerwatt.db.schema.Tables.METERING_POINT;
import static io.peerwatt.db.schema.Tables.READING;
import static io.peerwatt.db.schema.Tables.TRADE;

import io.peerwatt.db.schema.tables.Device;
import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.statement.AcceptedReading;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SortField;
import org.jooq.impl.DSL;

/**
 * Reads what households' meters measured and traded per quarter-hour: the readings next to each
 * slot boundary ({@code reading}, V1), the gateways of each metering point ({@code device}) and the
 * trades ({@code trade}, V4). Blocking JDBC: call from a worker thread.
 */
public final class JdbcUsageSource {
  /** Readings further than this from a boundary are not used: the boundary counts as missing. */
  private static final Duration LOOKBACK = Duration.ofHours(6);

  private static final long SLOT_SECONDS = DeliverySlot.LENGTH.getSeconds();

  private final DSLContext db;
  private final SlotUsages usages;

  /**
   * @param estimateThreshold readings further apart than this around a boundary make it estimated
   *     (settlement's {@code SettlementPolicy.estimateThreshold})
   */
  public JdbcUsageSource(DSLContext db, Duration estimateThreshold) {
    this.db = Objects.requireNonNull(db, "db");
    this.usages = new SlotUsages(estimateThreshold);
  }

  /** A zone's settings that usage pages need: its time zone and currency. */
  public record ZoneInfo(String code, ZoneId timeZone, String currency) {}

  /** The zone's time zone and currency, empty when it does not trade. */
  public Optional<ZoneInfo> zone(String zoneCode) {
    return db.select(MARKET_ZONE.LOCAL_TIME_ZONE, MARKET_ZONE.CURRENCY)
        .from(MARKET_ZONE)
        .where(MARKET_ZONE.ZONE_CODE.eq(zoneCode))
        .fetchOptional(r -> new ZoneInfo(zoneCode, ZoneId.of(r.value1()), r.value2()));
  }

  /**
   * Per quarter-hour of {@code [from, to)} (slot boundaries), the usage of every metering point of
   * {@code zoneCode}, or only of {@code accountId}'s when it is not null; ordered by id.
   */
  public List<PointUsage> usage(String zoneCode, Long accountId, Instant from, Instant to) {
    Condition which = METERING_POINT.ZONE_CODE.eq(zoneCode);
    if (accountId != null) {
      which = which.and(METERING_POINT.ACCOUNT_ID.eq(accountId));
    }
    List<Record> points =
        new ArrayList<>(
            db.select(METERING_POINT.ID, METERING_POINT.ACCOUNT_ID, METERING_POINT.LABEL)
                .from(METERING_POINT)
                .where(which)
                .orderBy(METERING_POINT.ID)
                .fetch());
    if (points.isEmpty()) {
      return List.of();
    }
    List<Long> pointIds = points.stream().map(r -> r.get(METERING_POINT.ID)).toList();
    Device successor = DEVICE.as("successor");
    Map<Long, List<DeviceSpan>> devicesByPoint = new HashMap<>();
    db.select(DEVICE.ID, DEVICE.METERING_POINT_ID, DEVICE.ENROLLED_AT, DEVICE.REVOKED_AT)
        .select(successor.ENROLLED_AT)
        .from(DEVICE)
        .leftJoin(successor)
        .on(DEVICE.SUPERSEDED_BY.eq(successor.ID))
        .where(DEVICE.METERING_POINT_ID.in(pointIds))
        .orderBy(DEVICE.ID)
        .forEach(
            r -> {
              Instant revoked = r.get(DEVICE.REVOKED_AT);
              Instant replaced = r.get(successor.ENROLLED_AT);
              Instant until =
                  revoked == null
                      ? replaced
                      : replaced == null || revoked.isBefore(replaced) ? revoked : replaced;
              devicesByPoint
                  .computeIfAbsent(r.get(DEVICE.METERING_POINT_ID), k -> new ArrayList<>())
                  .add(new DeviceSpan(r.get(DEVICE.ID), r.get(DEVICE.ENROLLED_AT), until));
            });
    List<Long> deviceIds =
        devicesByPoint.values().stream().flatMap(List::stream).map(DeviceSpan::deviceId).toList();
    Map<Long, Map<Integer, List<AcceptedReading>>> readings = boundaryReadings(deviceIds, from, to);
    List<PointUsage> out = new ArrayList<>();
    for (Record p : points) {
      long id = p.get(METERING_POINT.ID);
      out.add(
          new PointUsage(
              id,
              p.get(METERING_POINT.ACCOUNT_ID),
              p.get(METERING_POINT.LABEL),
              usages.slots(devicesByPoint.getOrDefault(id, List.of()), readings, from, to)));
    }
    return out;
  }

  /**
   * Per device and meter channel, the readings next to the slot boundaries in {@code [from, to]}:
   * the last reading of each quarter-hour (the last at or before its end) and the first (the first
   * at or after its start). Two readings per meter per slot instead of every reading of the period.
   */
  private Map<Long, Map<Integer, List<AcceptedReading>>> boundaryReadings(
      List<Long> deviceIds, Instant from, Instant to) {
    Map<Long, Map<Integer, List<AcceptedReading>>> out = new HashMap<>();
    if (deviceIds.isEmpty()) {
      return out;
    }
    Field<Long> endBoundary =
        DSL.field(
            "ceil(extract(epoch from {0}) / " + SLOT_SECONDS + ")", Long.class, READING.TAKEN_AT);
    Field<Long> startBoundary =
        DSL.field(
            "floor(extract(epoch from {0}) / " + SLOT_SECONDS + ")", Long.class, READING.TAKEN_AT);
    for (boolean last : new boolean[] {true, false}) {
      Field<Long> bucket = last ? endBoundary : startBoundary;
      SortField<?>[] order =
          last
              ? new SortField<?>[] {
                READING.DEVICE_ID.asc(),
                READING.METER_CHANNEL.asc(),
                bucket.asc(),
                READING.TAKEN_AT.desc(),
                READING.SEQUENCE.desc()
              }
              : new SortField<?>[] {
                READING.DEVICE_ID.asc(),
                READING.METER_CHANNEL.asc(),
                bucket.asc(),
                READING.TAKEN_AT.asc(),
                READING.SEQUENCE.asc()
              };
      db.select(
              READING.DEVICE_ID,
              READING.METER_CHANNEL,
              READING.SEQUENCE,
              READING.TAKEN_AT,
              READING.IMPORT_WH,
              READING.EXPORT_WH,
              READING.READING_HASH)
          .distinctOn(READING.DEVICE_ID, READING.METER_CHANNEL, bucket)
          .from(READING)
          .where(
              READING.DEVICE_ID.in(deviceIds),
              READING.TAKEN_AT.between(from.minus(LOOKBACK), to.plus(LOOKBACK)))
          .orderBy(order)
          .forEach(
              r -> {
                AcceptedReading reading =
                    AcceptedReading.of(
                        r.value1(),
                        r.value2(),
                        r.value3(),
                        r.value4(),
                        r.value5(),
                        r.value6(),
                        r.value7());
                List<AcceptedReading> list =
                    out.computeIfAbsent(r.value1(), k -> new TreeMap<>())
                        .computeIfAbsent((int) r.value2(), k -> new ArrayList<>());
                if (!list.contains(reading)) {
                  list.add(reading);
                }
              });
    }
    return out;
  }

  /** Energy traded in one slot, from one account's side or the zone's. */
  public record SlotTrades(Instant start, long boughtWh, long soldWh) {}

  /**
   * The energy {@code accountId} bought and sold per slot of {@code [from, to)} in the zone, or,
   * when it is null, the zone's traded volume (as both bought and sold).
   */
  public Map<Instant, SlotTrades> trades(
      String zoneCode, Long accountId, Instant from, Instant to) {
    Field<Long> bought =
        accountId == null
            ? DSL.sum(TRADE.QUANTITY_WH).cast(Long.class)
            : DSL.sum(
                    DSL.when(TRADE.BUYER_ACCOUNT_ID.eq(accountId), TRADE.QUANTITY_WH).otherwise(0L))
                .cast(Long.class);
    Field<Long> sold =
        accountId == null
            ? DSL.sum(TRADE.QUANTITY_WH).cast(Long.class)
            : DSL.sum(
                    DSL.when(TRADE.SELLER_ACCOUNT_ID.eq(accountId), TRADE.QUANTITY_WH)
                        .otherwise(0L))
                .cast(Long.class);
    Condition which =
        TRADE.ZONE_CODE.eq(zoneCode).and(TRADE.SLOT_START.ge(from)).and(TRADE.SLOT_START.lt(to));
    if (accountId != null) {
      which =
          which.and(TRADE.BUYER_ACCOUNT_ID.eq(accountId).or(TRADE.SELLER_ACCOUNT_ID.eq(accountId)));
    }
    Map<Instant, SlotTrades> out = new TreeMap<>();
    db.select(TRADE.SLOT_START, bought, sold)
        .from(TRADE)
        .where(which)
        .groupBy(TRADE.SLOT_START)
        .forEach(r -> out.put(r.value1(), new SlotTrades(r.value1(), r.value2(), r.value3())));
    return out;
  }
}
