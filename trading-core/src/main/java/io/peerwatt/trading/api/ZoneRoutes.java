package io.peerwatt.trading.api;

import static io.peerwatt.db.schema.Tables.MARKET_ZONE;
import static io.peerwatt.db.schema.Tables.ZONE;

import io.peerwatt.db.schema.tables.records.MarketZoneRecord;
import io.peerwatt.db.schema.tables.records.ZoneRecord;
import io.peerwatt.http.ApiError;
import io.peerwatt.http.ApiRequests;
import io.peerwatt.http.ApiResource;
import io.peerwatt.http.ApiResponses;
import io.peerwatt.http.Blocking;
import io.peerwatt.http.Role;
import io.peerwatt.protocol.PriceUnit;
import io.peerwatt.trading.calendar.ClearingMode;
import io.peerwatt.trading.calendar.ZoneConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import org.jooq.DSLContext;

/**
 * Grid zones and their market settings ({@link ZoneConfig}, stored in {@code zone} and
 * {@code market_zone}): anyone logged in reads them, operators create and change them.
 */
public final class ZoneRoutes implements ApiResource {
  private final DSLContext dsl;
  private final Blocking blocking;

  public ZoneRoutes(DSLContext dsl, Blocking blocking) {
    this.dsl = dsl;
    this.blocking = blocking;
  }

  @Override
  public void addTo(Router router) {
    router.get("/zones").handler(this::list);
    router.get("/zones/:code").handler(this::get);
    router.put("/zones/:code").handler(this::put);
  }

  private void list(RoutingContext ctx) {
    ApiRequests.caller(ctx);
    ApiResponses.respond(ctx, 200, blocking.run(() -> {
      JsonArray zones = new JsonArray();
      dsl.select().from(ZONE).leftJoin(MARKET_ZONE).on(MARKET_ZONE.ZONE_CODE.eq(ZONE.CODE))
          .orderBy(ZONE.CODE).fetch()
          .forEach(r -> zones.add(toJson(r.into(ZONE), r.get(MARKET_ZONE.ZONE_CODE) == null ? null : r.into(MARKET_ZONE))));
      return new JsonObject().put("zones", zones);
    }));
  }

  private void get(RoutingContext ctx) {
    ApiRequests.caller(ctx);
    String code = ApiRequests.pathString(ctx, "code");
    ApiResponses.respond(ctx, 200, blocking.run(() -> {
      ZoneRecord zone = dsl.selectFrom(ZONE).where(ZONE.CODE.eq(code)).fetchOne();
      if (zone == null) {
        throw ApiError.notFound("zone " + code);
      }
      return toJson(zone, dsl.selectFrom(MARKET_ZONE).where(MARKET_ZONE.ZONE_CODE.eq(code)).fetchOne());
    }));
  }

  private void put(RoutingContext ctx) {
    ApiRequests.caller(ctx).require(Role.OPERATOR);
    String code = ApiRequests.pathString(ctx, "code");
    JsonObject b = ApiRequests.body(ctx);
    ZoneConfig config;
    try {
      config = new ZoneConfig(
          code,
          b.getString("currency"),
          PriceUnit.valueOf(b.getString("priceUnit")),
          ClearingMode.valueOf(b.getString("clearingMode")),
          Duration.ofSeconds(b.getLong("gateClosureLeadSeconds")),
          b.getLong("gridFeePerKwh"),
          b.getLong("imbalancePricePerKwh"),
          b.getBoolean("negativePricesAllowed"),
          zoneId(b.getString("localTimeZone")),
          b.getLong("minQuantityWh"),
          b.getLong("maxQuantityWh"),
          b.getLong("minPricePerKwh"),
          b.getLong("maxPricePerKwh"));
    } catch (IllegalArgumentException e) {
      ctx.fail(ApiError.badRequest("INVALID_ZONE", e.getMessage(), null));
      return;
    }
    String name = b.getString("name");
    ApiResponses.respond(ctx, 200, blocking.run(() -> dsl.transactionResult(tx -> {
      var dsl = tx.dsl();
      dsl.insertInto(ZONE).set(ZONE.CODE, code).set(ZONE.NAME, name)
          .onConflict(ZONE.CODE).doUpdate().set(ZONE.NAME, name).execute();
      MarketZoneRecord m = dsl.newRecord(MARKET_ZONE);
      m.setZoneCode(code);
      m.setCurrency(config.currency());
      m.setPriceUnit(config.priceUnit().name());
      m.setClearingMode(config.clearingMode().name());
      m.setGateClosureLeadSeconds((int) config.gateClosureLead().toSeconds());
      m.setGridFeePerKwh(config.gridFeePerKwh());
      m.setImbalancePricePerKwh(config.imbalancePricePerKwh());
      m.setNegativePricesAllowed(config.negativePricesAllowed());
      m.setLocalTimeZone(config.localZone().getId());
      m.setMinQuantityWh(config.minQuantityWh());
      m.setMaxQuantityWh(config.maxQuantityWh());
      m.setMinPricePerKwh(config.minPricePerKwh());
      m.setMaxPricePerKwh(config.maxPricePerKwh());
      dsl.insertInto(MARKET_ZONE).set(m).onConflict(MARKET_ZONE.ZONE_CODE).doUpdate().set(m).execute();
      return toJson(dsl.selectFrom(ZONE).where(ZONE.CODE.eq(code)).fetchOne(), m);
    })));
  }

  private static ZoneId zoneId(String id) {
    try {
      return ZoneId.of(id);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("unknown time zone " + id);
    }
  }

  /** The zone's JSON; {@code market} null means the zone has no market settings yet. */
  static JsonObject toJson(ZoneRecord zone, MarketZoneRecord market) {
    JsonObject json = new JsonObject().put("code", zone.getCode()).put("name", zone.getName());
    if (market != null) {
      json.put("currency", market.getCurrency())
          .put("priceUnit", market.getPriceUnit())
          .put("clearingMode", market.getClearingMode())
          .put("gateClosureLeadSeconds", market.getGateClosureLeadSeconds())
          .put("gridFeePerKwh", market.getGridFeePerKwh())
          .put("imbalancePricePerKwh", market.getImbalancePricePerKwh())
          .put("negativePricesAllowed", market.getNegativePricesAllowed())
          .put("localTimeZone", market.getLocalTimeZone())
          .put("minQuantityWh", market.getMinQuantityWh())
          .put("maxQuantityWh", market.getMaxQuantityWh())
          .put("minPricePerKwh", market.getMinPricePerKwh())
          .put("maxPricePerKwh", market.getMaxPricePerKwh());
    }
    return json;
  }
}
