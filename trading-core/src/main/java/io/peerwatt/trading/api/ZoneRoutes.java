package io.peerwatt.trading.api;

import io.peerwatt.db.schema.tables.records.MarketZoneRecord;
import io.peerwatt.db.schema.tables.records.ZoneRecord;
import io.peerwatt.http.ApiError;
import io.peerwatt.http.ApiRequests;
import io.peerwatt.http.ApiResource;
import io.peerwatt.http.Blocking;
import io.peerwatt.http.Handlers;
import io.peerwatt.http.Role;
import io.peerwatt.protocol.PriceUnit;
import io.peerwatt.trading.calendar.ClearingMode;
import io.peerwatt.trading.calendar.ZoneConfig;
import io.peerwatt.trading.market.GridTariffs;
import io.peerwatt.trading.market.ZoneStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.concurrent.Callable;

/**
 * Grid zones, their market settings ({@link ZoneConfig}, stored in {@code zone} and {@code
 * market_zone}) and grid tariffs ({@link GridTariffs}, optional, 0 when left out): anyone logged in
 * reads them, operators create and change them.
 */
public final class ZoneRoutes implements ApiResource {
  private final ZoneStore zones;
  private final Handlers handlers;

  public ZoneRoutes(ZoneStore zones, Blocking blocking) {
    this.zones = zones;
    this.handlers = new Handlers(blocking);
  }

  @Override
  public void addTo(Router router) {
    router.get("/zones").handler(handlers.ok(this::list));
    router.get("/zones/:code").handler(handlers.ok(this::get));
    router.put("/zones/:code").handler(handlers.ok(this::put));
  }

  private Callable<JsonObject> list(RoutingContext ctx) {
    ApiRequests.caller(ctx);
    return () -> {
      JsonArray items = new JsonArray();
      zones.all().forEach(z -> items.add(toJson(z)));
      return new JsonObject().put("zones", items);
    };
  }

  private Callable<JsonObject> get(RoutingContext ctx) {
    ApiRequests.caller(ctx);
    String code = ApiRequests.pathString(ctx, "code");
    return () -> toJson(zones.zone(code).orElseThrow(() -> ApiError.notFound("zone " + code)));
  }

  private Callable<JsonObject> put(RoutingContext ctx) {
    ApiRequests.caller(ctx).require(Role.OPERATOR);
    String code = ApiRequests.pathString(ctx, "code");
    JsonObject b = ApiRequests.body(ctx);
    ZoneConfig config;
    GridTariffs tariffs;
    try {
      config =
          new ZoneConfig(
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
      tariffs =
          new GridTariffs(b.getLong("retailPricePerKwh", 0L), b.getLong("feedInTariffPerKwh", 0L));
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest("INVALID_ZONE", e.getMessage(), null);
    }
    String name = b.getString("name");
    Integer dataFee = b.getInteger("dataFeeBasisPoints");
    return () -> toJson(zones.put(name, config, tariffs, dataFee));
  }

  private static ZoneId zoneId(String id) {
    try {
      return ZoneId.of(id);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("unknown time zone " + id);
    }
  }

  /** The zone's JSON, with its market settings once it has them. */
  private static JsonObject toJson(ZoneStore.StoredZone stored) {
    ZoneRecord zone = stored.zone();
    MarketZoneRecord market = stored.market();
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
          .put("maxPricePerKwh", market.getMaxPricePerKwh())
          .put("retailPricePerKwh", market.getRetailPricePerKwh())
          .put("feedInTariffPerKwh", market.getFeedInTariffPerKwh())
          .put("dataFeeBasisPoints", market.getDataFeeBasisPoints());
    }
    return json;
  }
}
