package io.peerwatt.trading.market;

import static io.peerwatt.db.schema.Tables.MARKET_ZONE;
import static io.peerwatt.db.schema.Tables.ZONE;

import io.peerwatt.db.schema.tables.records.MarketZoneRecord;
import io.peerwatt.db.schema.tables.records.ZoneRecord;
import io.peerwatt.trading.calendar.ZoneConfig;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jooq.DSLContext;

/**
 * Grid zones ({@code zone}) with their market settings ({@code market_zone}, when they trade).
 * Blocking.
 */
public final class ZoneStore {
  private final DSLContext dsl;

  public ZoneStore(DSLContext dsl) {
    this.dsl = Objects.requireNonNull(dsl, "dsl");
  }

  /**
   * A zone as stored.
   *
   * @param market its market settings, or null when the zone does not trade yet
   */
  public record StoredZone(ZoneRecord zone, MarketZoneRecord market) {}

  /** Every zone, by code. */
  public List<StoredZone> all() {
    return dsl.select()
        .from(ZONE)
        .leftJoin(MARKET_ZONE)
        .on(MARKET_ZONE.ZONE_CODE.eq(ZONE.CODE))
        .orderBy(ZONE.CODE)
        .fetch(
            r ->
                new StoredZone(
                    r.into(ZONE),
                    r.get(MARKET_ZONE.ZONE_CODE) == null ? null : r.into(MARKET_ZONE)));
  }

  public Optional<StoredZone> zone(String code) {
    return dsl.selectFrom(ZONE)
        .where(ZONE.CODE.eq(code))
        .fetchOptional()
        .map(
            zone ->
                new StoredZone(
                    zone,
                    dsl.selectFrom(MARKET_ZONE).where(MARKET_ZONE.ZONE_CODE.eq(code)).fetchOne()));
  }

  public boolean exists(String code) {
    return dsl.fetchExists(ZONE, ZONE.CODE.eq(code));
  }

  /**
   * Creates or renames the zone and sets its market settings and grid tariffs, in one transaction.
   */
  public StoredZone put(String name, ZoneConfig config, GridTariffs tariffs) {
    return put(name, config, tariffs, null);
  }

  /**
   * As {@link #put(String, ZoneConfig, GridTariffs)}, and sets the platform's fee on data sold in
   * the zone ({@code market_zone.data_fee_basis_points}) unless {@code dataFeeBasisPoints} is null.
   */
  public StoredZone put(
      String name, ZoneConfig config, GridTariffs tariffs, Integer dataFeeBasisPoints) {
    return dsl.transactionResult(
        cfg -> {
          DSLContext tx = cfg.dsl();
          tx.insertInto(ZONE)
              .set(ZONE.CODE, config.code())
              .set(ZONE.NAME, name)
              .onConflict(ZONE.CODE)
              .doUpdate()
              .set(ZONE.NAME, name)
              .execute();
          new MarketZones(tx).save(config);
          tx.update(MARKET_ZONE)
              .set(MARKET_ZONE.RETAIL_PRICE_PER_KWH, tariffs.retailPricePerKwh())
              .set(MARKET_ZONE.FEED_IN_TARIFF_PER_KWH, tariffs.feedInTariffPerKwh())
              .where(MARKET_ZONE.ZONE_CODE.eq(config.code()))
              .execute();
          if (dataFeeBasisPoints != null) {
            tx.update(MARKET_ZONE)
                .set(MARKET_ZONE.DATA_FEE_BASIS_POINTS, dataFeeBasisPoints)
                .where(MARKET_ZONE.ZONE_CODE.eq(config.code()))
                .execute();
          }
          return new ZoneStore(tx).zone(config.code()).orElseThrow();
        });
  }
}
