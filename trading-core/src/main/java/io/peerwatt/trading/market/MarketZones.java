package io.peerwatt.trading.market;

import static io.peerwatt.db.schema.Tables.MARKET_ZONE;

import io.peerwatt.db.schema.tables.records.MarketZoneRecord;
import io.peerwatt.protocol.PriceUnit;
import io.peerwatt.trading.calendar.ClearingMode;
import io.peerwatt.trading.calendar.ZoneConfig;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Objects;
import java.util.Optional;
import org.jooq.DSLContext;

/**
 * The market rules of every zone, stored in {@code market_zone} (one row per {@code zone} that
 * trades). Blocking: call from worker threads.
 */
public final class MarketZones {
  private final DSLContext dsl;

  public MarketZones(DSLContext dsl) {
    this.dsl = Objects.requireNonNull(dsl, "dsl");
  }

  /** The rules of {@code zoneCode}, empty when the zone does not trade (or does not exist). */
  public Optional<ZoneConfig> zone(String zoneCode) {
    return dsl.selectFrom(MARKET_ZONE)
        .where(MARKET_ZONE.ZONE_CODE.eq(zoneCode))
        .fetchOptional()
        .map(MarketZones::toConfig);
  }

  /** Creates or replaces the market rules of an existing {@code zone} row. */
  public void save(ZoneConfig zone) {
    MarketZoneRecord r = dsl.newRecord(MARKET_ZONE);
    r.setZoneCode(zone.code());
    r.setCurrency(zone.currency());
    r.setPriceUnit(zone.priceUnit().name());
    r.setClearingMode(zone.clearingMode().name());
    r.setGateClosureLeadSeconds(Math.toIntExact(zone.gateClosureLead().getSeconds()));
    r.setGridFeePerKwh(zone.gridFeePerKwh());
    r.setImbalancePricePerKwh(zone.imbalancePricePerKwh());
    r.setNegativePricesAllowed(zone.negativePricesAllowed());
    r.setLocalTimeZone(zone.localZone().getId());
    r.setMinQuantityWh(zone.minQuantityWh());
    r.setMaxQuantityWh(zone.maxQuantityWh());
    r.setMinPricePerKwh(zone.minPricePerKwh());
    r.setMaxPricePerKwh(zone.maxPricePerKwh());
    dsl.insertInto(MARKET_ZONE)
        .set(r)
        .onConflict(MARKET_ZONE.ZONE_CODE)
        .doUpdate()
        .set(r)
        .execute();
  }

  private static ZoneConfig toConfig(MarketZoneRecord r) {
    return new ZoneConfig(
        r.getZoneCode(),
        r.getCurrency(),
        PriceUnit.valueOf(r.getPriceUnit()),
        ClearingMode.valueOf(r.getClearingMode()),
        Duration.ofSeconds(r.getGateClosureLeadSeconds()),
        r.getGridFeePerKwh(),
        r.getImbalancePricePerKwh(),
        r.getNegativePricesAllowed(),
        ZoneId.of(r.getLocalTimeZone()),
        r.getMinQuantityWh(),
        r.getMaxQuantityWh(),
        r.getMinPricePerKwh(),
        r.getMaxPricePerKwh());
  }
}
