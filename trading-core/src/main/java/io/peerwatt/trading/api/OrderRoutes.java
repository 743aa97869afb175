package io.peerwatt.trading.api;

import static io.peerwatt.trading.api.MarketRequests.accepted;
import static io.peerwatt.trading.api.MarketRequests.changedPrice;
import static io.peerwatt.trading.api.MarketRequests.price;
import static io.peerwatt.trading.api.MarketRequests.prosumer;
import static io.peerwatt.trading.api.MarketRequests.slotOrNull;
import static io.peerwatt.trading.api.MarketRequests.zoneOf;

import io.peerwatt.http.ApiError;
import io.peerwatt.http.ApiRequests;
import io.peerwatt.http.ApiResource;
import io.peerwatt.http.Caller;
import io.peerwatt.http.Handlers;
import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.trading.AnchorStates;
import io.peerwatt.trading.calendar.ZoneConfig;
import io.peerwatt.trading.market.Market;
import io.peerwatt.trading.market.OrderService;
import io.peerwatt.trading.market.StoredOrder;
import io.peerwatt.trading.matching.OrderType;
import io.peerwatt.trading.matching.Side;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

/**
 * Orders and trades under {@code /api/v1}: a prosumer places, amends and cancels its own orders in
 * its own zone and reads its orders and trades. Every handler waits for the books to be recovered.
 */
public final class OrderRoutes implements ApiResource {
  private final Market market;
  private final Handlers handlers;
  private final Clock clock;

  private final AnchorStates anchorStates;

  /**
   * @param anchorStates whether each listed trade is anchored yet
   */
  public OrderRoutes(Market market, Clock clock, AnchorStates anchorStates) {
    this.anchorStates = anchorStates;
    this.market = market;
    this.handlers = new Handlers(market::work);
    this.clock = clock;
  }

  @Override
  public void addTo(Router router) {
    router.post("/orders").handler(handlers.created(this::placeOrder));
    router.get("/orders").handler(handlers.ok(this::listOrders));
    router.get("/orders/:id").handler(handlers.ok(this::getOrder));
    router.patch("/orders/:id").handler(handlers.ok(this::amendOrder));
    router.delete("/orders/:id").handler(handlers.ok(this::cancelOrder));
    router.get("/trades").handler(handlers.ok(this::listTrades));
  }

  private Callable<JsonObject> placeOrder(RoutingContext ctx) {
    Caller caller = prosumer(ctx);
    JsonObject b = ApiRequests.body(ctx);
    String zoneCode = b.getString("zone");
    if (!zoneCode.equals(caller.zoneCode())) {
      throw ApiError.forbidden(
          "a prosumer trades only in its own zone (" + caller.zoneCode() + ")");
    }
    Long accountId = b.getLong("accountId");
    if (accountId != null && accountId != caller.accountId()) {
      throw ApiError.forbidden("a prosumer trades only for itself");
    }
    List<Long> partners = new ArrayList<>();
    JsonArray pref = b.getJsonArray("preferredPartners", new JsonArray());
    for (int i = 0; i < pref.size(); i++) {
      partners.add(pref.getLong(i));
    }
    Instant now = clock.instant();
    return () -> {
      ZoneConfig zone =
          market
              .zones()
              .zone(zoneCode)
              .orElseThrow(
                  () ->
                      ApiError.badRequest(
                          "UNKNOWN_ZONE", "zone " + zoneCode + " does not trade", "zone"));
      long price = price(b, zone);
      OrderService.NewOrder order =
          new OrderService.NewOrder(
              zoneCode,
              b.getString("slot"),
              Side.valueOf(b.getString("side")),
              b.getLong("quantityWh"),
              price,
              OrderType.valueOf(b.getString("type", "LIMIT")),
              b.getBoolean("green", false),
              partners,
              OptionalLong.empty());
      return MarketJson.order(
          accepted(market.orders().place(caller.accountId(), order, now)), zone);
    };
  }

  private Callable<JsonObject> listOrders(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx);
    String zone = (String) ApiRequests.query(ctx, "zone");
    DeliverySlot slot = slotOrNull(ApiRequests.query(ctx, "slot"));
    boolean openOnly = Boolean.TRUE.equals(ApiRequests.query(ctx, "open"));
    return () -> {
      JsonArray out = new JsonArray();
      market
          .orders()
          .ordersOf(caller.accountId(), zone, slot, openOnly)
          .forEach(o -> out.add(json(o)));
      return new JsonObject().put("orders", out);
    };
  }

  private Callable<JsonObject> getOrder(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx);
    long id = ApiRequests.pathLong(ctx, "id");
    return () -> json(ownOrder(caller, id));
  }

  private Callable<JsonObject> amendOrder(RoutingContext ctx) {
    Caller caller = prosumer(ctx);
    long id = ApiRequests.pathLong(ctx, "id");
    JsonObject b = ApiRequests.body(ctx);
    Instant now = clock.instant();
    return () -> {
      ZoneConfig zone = zoneOf(market.zones(), ownOrder(caller, id).zoneCode());
      Long price = changedPrice(b, zone);
      return MarketJson.order(
          accepted(
              market.orders().amend(caller.accountId(), id, b.getLong("quantityWh"), price, now)),
          zone);
    };
  }

  private Callable<JsonObject> cancelOrder(RoutingContext ctx) {
    Caller caller = prosumer(ctx);
    long id = ApiRequests.pathLong(ctx, "id");
    Instant now = clock.instant();
    return () -> json(accepted(market.orders().cancel(caller.accountId(), id, now)));
  }

  private Callable<JsonObject> listTrades(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx);
    String zone = (String) ApiRequests.query(ctx, "zone");
    DeliverySlot slot = slotOrNull(ApiRequests.query(ctx, "slot"));
    return () -> {
      JsonArray out = new JsonArray();
      var trades = market.orders().tradesOf(caller.accountId(), zone, slot);
      Map<String, JsonObject> anchors =
          anchorStates.of(
              AnchorStates.TRADE, trades.stream().map(t -> Long.toString(t.id())).toList());
      trades.forEach(
          t ->
              out.add(
                  MarketJson.trade(t, caller.accountId())
                      .put("anchor", anchors.get(Long.toString(t.id())))));
      return new JsonObject().put("trades", out);
    };
  }

  /** The order as the API shows it, with its zone's settings. Blocking. */
  private JsonObject json(StoredOrder o) {
    return MarketJson.order(o, zoneOf(market.zones(), o.zoneCode()));
  }

  /** The caller's order {@code id}; 404 for another's, as if it did not exist. Blocking. */
  private StoredOrder ownOrder(Caller caller, long id) {
    return market
        .orders()
        .order(id)
        .filter(x -> x.accountId() == caller.accountId())
        .orElseThrow(() -> ApiError.notFound("order " + id));
  }
}
