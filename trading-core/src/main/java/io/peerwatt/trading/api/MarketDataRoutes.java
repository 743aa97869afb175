package io.peerwatt.trading.api;

import static io.peerwatt.trading.api.MarketRequests.parseSlot;
import static io.peerwatt.trading.api.MarketRequests.zoneOf;

import io.peerwatt.http.ApiError;
import io.peerwatt.http.ApiRequests;
import io.peerwatt.http.ApiResource;
import io.peerwatt.http.Caller;
import io.peerwatt.http.Handlers;
import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.trading.calendar.MarketCalendar;
import io.peerwatt.trading.calendar.SlotState;
import io.peerwatt.trading.calendar.ZoneConfig;
import io.peerwatt.trading.market.Market;
import io.peerwatt.trading.market.OrderService;
import io.peerwatt.trading.matching.CommandResult;
import io.peerwatt.trading.matching.DepthSnapshot;
import io.peerwatt.trading.matching.Instrument;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

/**
 * Market data under {@code /api/v1}: a zone's slots, a book's depth, a slot's clearing result, and
 * the live stream of book and trade events (server-sent events, fed by the market's listener over
 * the event bus). Anyone logged in reads them; every handler waits for the books to be recovered.
 */
public final class MarketDataRoutes implements ApiResource {
  /** Event-bus address of the market's live events (book depth and trades). */
  static final String EVENTS_ADDRESS = "peerwatt.market.events";

  private static final long HEARTBEAT_MS = 15_000;

  private final Vertx vertx;
  private final Market market;
  private final Handlers handlers;
  private final Clock clock;

  /**
   * Registers the live stream's listener with the market's books: build it before the market
   * starts.
   */
  public MarketDataRoutes(Vertx vertx, Market market, Clock clock) {
    this.vertx = vertx;
    this.market = market;
    this.handlers = new Handlers(market::work);
    this.clock = clock;
    market.books().addListener(this::publish);
  }

  @Override
  public void addTo(Router router) {
    router.get("/market/:zone/slots").handler(handlers.ok(this::slots));
    router.get("/market/:zone/history").handler(handlers.ok(this::history));
    router.get("/market/:zone/:slot/book").handler(handlers.ok(this::book));
    router.get("/market/:zone/:slot/result").handler(handlers.ok(this::result));
    router.get("/stream").handler(this::stream);
  }

  private Callable<JsonObject> slots(RoutingContext ctx) {
    ApiRequests.caller(ctx);
    String zoneCode = ApiRequests.pathString(ctx, "zone");
    Instant now = clock.instant();
    return () -> {
      ZoneConfig zone = zoneOf(market.zones(), zoneCode);
      MarketCalendar calendar = new MarketCalendar(zone);
      JsonArray out = new JsonArray();
      // from the slot being delivered to the last one whose book is open
      for (DeliverySlot slot = DeliverySlot.containing(now);
          calendar.stateAt(slot, now) != SlotState.NOT_OPEN;
          slot = slot.next()) {
        Instant gate = calendar.gateClosure(slot);
        out.add(
            new JsonObject()
                .put("slot", slot.toString())
                .put("state", calendar.stateAt(slot, now).name())
                .put("gateClosure", gate.toString())
                .put(
                    "secondsToGateClosure", Math.max(0, Duration.between(now, gate).getSeconds())));
      }
      return new JsonObject()
          .put("zone", zoneCode)
          .put("clearingMode", zone.clearingMode().name())
          .put("now", now.toString())
          .put("slots", out);
    };
  }

  /** Per traded slot of a period (default: the platform's last 24 hours), volume and prices. */
  private Callable<JsonObject> history(RoutingContext ctx) {
    ApiRequests.caller(ctx);
    String zoneCode = ApiRequests.pathString(ctx, "zone");
    Instant now = clock.instant();
    Instant from = time(ctx, "from", now.minus(Duration.ofDays(1)));
    Instant to = time(ctx, "to", now);
    if (!from.isBefore(to) || Duration.between(from, to).compareTo(Duration.ofDays(93)) > 0) {
      throw ApiError.badRequest(
          "INVALID_PERIOD", "from must be before to, at most 93 days apart", "from");
    }
    return () -> {
      ZoneConfig zone = zoneOf(market.zones(), zoneCode);
      JsonArray out = new JsonArray();
      for (OrderService.SlotVolume v : market.orders().history(zoneCode, from, to)) {
        out.add(
            new JsonObject()
                .put("slot", DeliverySlot.startingAt(v.slotStart()).toString())
                .put("volumeWh", v.volumeWh())
                .put("tradeCount", v.tradeCount())
                .put("averagePricePerKwh", v.averagePricePerKwh())
                .put("minPricePerKwh", v.minPricePerKwh())
                .put("maxPricePerKwh", v.maxPricePerKwh()));
      }
      return new JsonObject()
          .put("zone", zoneCode)
          .put("priceUnit", zone.priceUnit().name())
          .put("from", from.toString())
          .put("to", to.toString())
          .put("slots", out);
    };
  }

  private static Instant time(RoutingContext ctx, String name, Instant fallback) {
    Object value = ApiRequests.query(ctx, name);
    if (value == null) {
      return fallback;
    }
    return ApiRequests.instant(value, name);
  }

  private Callable<JsonObject> book(RoutingContext ctx) {
    ApiRequests.caller(ctx);
    String zoneCode = ApiRequests.pathString(ctx, "zone");
    DeliverySlot slot = parseSlot(ApiRequests.pathString(ctx, "slot"));
    Object levels = ApiRequests.query(ctx, "levels");
    int maxLevels = levels == null ? 20 : ((Number) levels).intValue();
    Instant now = clock.instant();
    return () -> {
      ZoneConfig zone = zoneOf(market.zones(), zoneCode);
      Instrument instrument = new Instrument(zoneCode, slot);
      return MarketJson.depth(instrument, market.books().depth(instrument, maxLevels))
          .put("state", new MarketCalendar(zone).stateAt(slot, now).name());
    };
  }

  private Callable<JsonObject> result(RoutingContext ctx) {
    ApiRequests.caller(ctx);
    String zoneCode = ApiRequests.pathString(ctx, "zone");
    DeliverySlot slot = parseSlot(ApiRequests.pathString(ctx, "slot"));
    Instant now = clock.instant();
    return () -> {
      ZoneConfig zone = zoneOf(market.zones(), zoneCode);
      SlotState state = new MarketCalendar(zone).stateAt(slot, now);
      JsonObject out =
          new JsonObject()
              .put("zone", zoneCode)
              .put("slot", slot.toString())
              .put("state", state.name())
              .put("clearingMode", zone.clearingMode().name());
      return market
          .books()
          .clearingResult(new Instrument(zoneCode, slot))
          .map(
              r ->
                  out.put("cleared", true)
                      .put("volumeWh", r.getVolumeWh())
                      .put("pricePerKwh", r.getPricePerKwh())
                      .put("gridFeePerKwh", r.getGridFeePerKwh())
                      .put("priceUnit", zone.priceUnit().name())
                      .put("tradeCount", r.getTradeCount())
                      .put("clearedAt", r.getClearedAt().toString()))
          .orElseGet(() -> out.put("cleared", false));
    };
  }

  private void publish(Instrument instrument, CommandResult result, DepthSnapshot depth) {
    var bus = vertx.eventBus();
    bus.publish(
        EVENTS_ADDRESS,
        new JsonObject().put("event", "book").put("data", MarketJson.depth(instrument, depth)));
    for (var trade : result.trades()) {
      bus.publish(
          EVENTS_ADDRESS,
          new JsonObject()
              .put("event", "trade")
              .put("data", MarketJson.liveTrade(instrument, trade)));
    }
  }

  /**
   * Streams {@code book} events of the caller's zone and {@code trade} events the caller is part
   * of, as server-sent events, with a comment line as heartbeat.
   */
  private void stream(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx);
    var response = ctx.response();
    response
        .setChunked(true)
        .putHeader("content-type", "text/event-stream")
        .putHeader("cache-control", "no-cache");
    response.write(": connected\n\n");
    MessageConsumer<JsonObject> consumer =
        vertx
            .eventBus()
            .consumer(
                EVENTS_ADDRESS,
                message -> {
                  JsonObject event = message.body();
                  JsonObject data = event.getJsonObject("data");
                  boolean visible =
                      "book".equals(event.getString("event"))
                          ? caller.isOperator() || data.getString("zone").equals(caller.zoneCode())
                          : data.getLong("buyerAccountId") == caller.accountId()
                              || data.getLong("sellerAccountId") == caller.accountId();
                  if (visible && !response.closed()) {
                    response.write(
                        "event: " + event.getString("event") + "\ndata: " + data.encode() + "\n\n");
                  }
                });
    long heartbeat =
        vertx.setPeriodic(
            HEARTBEAT_MS,
            id -> {
              if (!response.closed()) {
                response.write(": heartbeat\n\n");
              }
            });
    response.closeHandler(
        v -> {
          consumer.unregister();
          vertx.cancelTimer(heartbeat);
        });
  }
}
