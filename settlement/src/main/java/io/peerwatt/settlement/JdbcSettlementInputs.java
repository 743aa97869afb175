package io.peerwatt.settlement;

import static io.peerwatt.db.schema.Tables.DEVICE;
import static io.peerwatt.db.schema.Tables.MARKET_ZONE;
import static io.peerwatt.db.schema.Tables.METERING_POINT;
import static io.peerwatt.db.schema.Tables.TRADE;

import io.peerwatt.db.BoundaryReadings;
import io.peerwatt.db.schema.tables.Device;
import io.peerwatt.db.schema.tables.records.MarketZoneRecord;
import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.PriceUnit;
import io.peerwatt.protocol.statement.AcceptedReading;
import io.peerwatt.protocol.statement.MeterSeries;
import io.peerwatt.settlement.allocation.SlotTerms;
import io.peerwatt.settlement.allocation.TradeFill;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jooq.DSLContext;
import org.jooq.Record2;

/**
 * {@link SettlementInputs} from the platform's tables: {@code trade} and {@code market_zone}
 * (trading-core, V4) and {@code reading}, {@code device}, {@code metering_point} (V1, V2). Blocking
 * JDBC: call from a worker thread.
 *
 * <p>For each boundary it reads, per device channel, the last reading at or before and the first at
 * or after, looking at most {@code lookback} away: readings further off than that count as missing.
 * Only devices that spoke for their metering point during the slot count: enrolled before its end,
 * not revoked and not superseded by a rotated key before its start. (A key rotated inside a slot
 * leaves both devices without one boundary, so that slot is settled as missing for the account.)
 */
public final class JdbcSettlementInputs implements SettlementInputs {
  private final DSLContext dsl;
  private final Duration lookback;

  /**
   * @param dsl the platform database
   * @param lookback how far from a slot boundary a reading may lie and still be used (e.g. 6 hours)
   */
  public JdbcSettlementInputs(DSLContext dsl, Duration lookback) {
    this.dsl = Objects.requireNonNull(dsl, "dsl");
    this.lookback = Objects.requireNonNull(lookback, "lookback");
    if (lookback.isNegative() || lookback.isZero()) {
      throw new IllegalArgumentException("lookback must be positive");
    }
  }

  @Override
  public List<SlotKey> tradedSlots(Instant endFrom, Instant endTo) {
    return dsl.selectDistinct(TRADE.ZONE_CODE, TRADE.SLOT_START)
        .from(TRADE)
        .where(
            TRADE.SLOT_START.between(
                endFrom.minus(DeliverySlot.LENGTH), endTo.minus(DeliverySlot.LENGTH)))
        .orderBy(TRADE.SLOT_START, TRADE.ZONE_CODE)
        .fetch(r -> new SlotKey(r.value1(), new DeliverySlot(r.value2())));
  }

  @Override
  public SlotTerms terms(SlotKey key) {
    MarketZoneRecord zone =
        dsl.selectFrom(MARKET_ZONE).where(MARKET_ZONE.ZONE_CODE.eq(key.zoneCode())).fetchOne();
    if (zone == null) {
      throw new IllegalStateException("zone " + key.zoneCode() + " has trades but no market terms");
    }
    return new SlotTerms(
        key.zoneCode(),
        key.slot(),
        zone.getCurrency(),
        PriceUnit.valueOf(zone.getPriceUnit()),
        zone.getImbalancePricePerKwh());
  }

  @Override
  public List<TradeFill> trades(SlotKey key) {
    return dsl.selectFrom(TRADE)
        .where(TRADE.ZONE_CODE.eq(key.zoneCode()), TRADE.SLOT_START.eq(key.slot().start()))
        .orderBy(TRADE.ID)
        .fetch(
            t ->
                new TradeFill(
                    t.getId(),
                    t.getBuyerAccountId(),
                    t.getSellerAccountId(),
                    t.getQuantityWh(),
                    t.getPricePerKwh(),
                    t.getGridFeePerKwh()));
  }

  @Override
  public Map<Long, List<MeterSeries>> meters(SlotKey key, Collection<Long> accountIds) {
    Device successor = DEVICE.as("successor");
    Instant start = key.slot().start();
    Instant end = key.slot().end();
    // devices that spoke for the metering point during the slot: enrolled before its end, and
    // neither
    // revoked nor replaced by a rotated key before its start
    List<Record2<Long, Long>> devices =
        dsl.select(DEVICE.ID, METERING_POINT.ACCOUNT_ID)
            .from(DEVICE)
            .join(METERING_POINT)
            .on(DEVICE.METERING_POINT_ID.eq(METERING_POINT.ID))
            .leftJoin(successor)
            .on(DEVICE.SUPERSEDED_BY.eq(successor.ID))
            .where(
                METERING_POINT.ACCOUNT_ID.in(accountIds),
                METERING_POINT.ZONE_CODE.eq(key.zoneCode()),
                DEVICE.ENROLLED_AT.lt(end),
                DEVICE.REVOKED_AT.isNull().or(DEVICE.REVOKED_AT.gt(start)),
                successor.ID.isNull().or(successor.ENROLLED_AT.gt(start)))
            .orderBy(DEVICE.ID)
            .fetch();
    Map<Long, List<MeterSeries>> out = new TreeMap<>();
    for (Record2<Long, Long> d : devices) {
      long deviceId = d.value1();
      List<AcceptedReading> readings = new ArrayList<>();
      for (Instant boundary : List.of(start, end)) {
        readings.addAll(BoundaryReadings.around(dsl, deviceId, boundary, lookback));
      }
      out.computeIfAbsent(d.value2(), a -> new ArrayList<>())
          .addAll(MeterSeries.ofChannels(deviceId, readings));
    }
    return out;
  }
}
