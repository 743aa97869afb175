package io.peerwatt.trading.market;

import static io.peerwatt.db.schema.Tables.CLEARING_RESULT;

import io.peerwatt.trading.ApiContext;
import io.peerwatt.trading.ApiError;
import io.peerwatt.trading.ApiRoutes;
import io.peerwatt.trading.Caller;
import io.peerwatt.trading.Role;
import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.trading.calendar.MarketCalendar;
import io.peerwatt.trading.calendar.SlotState;
import io.peerwatt.trading.calendar.ZoneConfig;
import io.peerwatt.trading.matching.CommandResult;
import io.peerwatt.trading.matching.DepthSnapshot;
import io.peerwatt.trading.matching.Instrument;
import io.peerwatt.trading.matching.OrderType;
import io.peerwatt.trading.matching.Side;
import io.vertx.core.Future;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The market's API under {@code /api/v1}: orders, trades, market data, standing rules and the live
 * stream; also starts the market: replays the open books' logs, then runs the {@link MarketScheduler}.
 * Found by {@link java.util.ServiceLoader} as an {@link ApiRoutes}. Every handler runs its JDBC work
 * on the API's worker pool and waits for the books to be recovered before touching them.
 */
public final class MarketRoutes implements ApiRoutes {
  private static final Logger log = LoggerFactory.getLogger(MarketRoutes.class);
  /** Event-bus address of the market's live events (book depth and trades). */
  static final String EVENTS_ADDRESS = "peerwatt.market.events";
  /** How often the scheduler looks at the clock. */
  static final Duration TICK = Duration.ofSeconds(1);
  /** How often (platform clock) standing rules run. */
  static final Duration RULES_EVERY = Duration.ofMinutes(1);
  private static final long HEARTBEAT_MS = 15_000;

  private ApiContext api;
  private MarketZones zones;
  private MarketEngine engine;
  private OrderService orders;
  private StandingRules rules;
  private MarketScheduler scheduler;
  private Future<Integer> recovered;

  /** For {@link java.util.ServiceLoader}. */
  public MarketRoutes() {}

  @Override
  public void addTo(Router router, ApiContext context) {
    this.api = context;
    this.zones = new MarketZones(context.dsl());
    this.engine = new MarketEngine(context.dsl(), zones);
    this.orders = new OrderService(context.dsl(), zones, engine);
    this.rules = new StandingRules(context.dsl(), zones, orders);
    engine.addListener(this::publish);
    this.scheduler = new MarketScheduler(context.vertx(), context::blocking, engine, rules, context.clock(), TICK, RULES_EVERY);
    this.recovered = context.blocking(engine::recoverOpenBooks)
        .onSuccess(n -> scheduler.start())
        .onFailure(e -> log.error("Recovering the order books failed; the market stays closed", e));

    router.post("/orders").handler(this::placeOrder);
    router.get("/orders").handler(this::listOrders);
    router.get("/orders/:id").handler(this::getOrder);
    router.patch("/orders/:id").handler(this::amendOrder);
    router.delete("/orders/:id").handler(this::cancelOrder);
    router.get("/trades").handler(this::listTrades);
    router.get("/market/:zone/slots").handler(this::slots);
    router.get("/market/:zone/:slot/book").handler(this::book);
    router.get("/market/:zone/:slot/result").handler(this::result);
    router.get("/stream").handler(this::stream);
    router.post("/rules").handler(this::createRule);
    router.get("/rules").handler(this::listRules);
    router.get("/rules/:id").handler(this::getRule);
    router.patch("/rules/:id").handler(this::updateRule);
    router.delete("/rules/:id").handler(this::deleteRule);
  }

  @Override
  public void close() {
    if (scheduler != null) {
      scheduler.stop();
    }
  }

  private <T> Future<T> work(Callable<T> task) {
    return recovered.compose(n -> api.blocking(task));
  }

  // ---- orders

  private void placeOrder(RoutingContext ctx) {
    Caller caller = prosumer(ctx);
    JsonObject b = ApiContext.body(ctx);
    String zoneCode = b.getString("zone");
    if (!zoneCode.equals(caller.zoneCode())) {
      throw ApiError.forbidden("a prosumer trades only in its own zone (" + caller.zoneCode() + ")");
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
    Instant now = api.clock().instant();
    ApiContext.respond(ctx, 201, work(() -> {
      ZoneConfig zone = zones.zone(zoneCode).orElseThrow(
          () -> ApiError.badRequest("UNKNOWN_ZONE", "zone " + zoneCode + " does not trade", "zone"));
      long price = price(b, zone);
      OrderService.NewOrder order = new OrderService.NewOrder(
          zoneCode, b.getString("slot"), Side.valueOf(b.getString("side")), b.getLong("quantityWh"), price,
          OrderType.valueOf(b.getString("type", "LIMIT")), b.getBoolean("green", false), partners, OptionalLong.empty());
      return MarketJson.order(accepted(orders.place(caller.accountId(), order, now)), zone);
    }));
  }

  private void listOrders(RoutingContext ctx) {
    Caller caller = ApiContext.caller(ctx);
    String zone = (String) ApiContext.query(ctx, "zone");
    DeliverySlot slot = slotOrNull(ApiContext.query(ctx, "slot"));
    boolean openOnly = Boolean.TRUE.equals(ApiContext.query(ctx, "open"));
    ApiContext.respond(ctx, 200, work(() -> {
      JsonArray out = new JsonArray();
      for (StoredOrder o : orders.ordersOf(caller.accountId(), zone, slot, openOnly)) {
        out.add(MarketJson.order(o, zoneOf(o.zoneCode())));
      }
      return new JsonObject().put("orders", out);
    }));
  }

  private void getOrder(RoutingContext ctx) {
    Caller caller = ApiContext.caller(ctx);
    long id = ApiContext.pathLong(ctx, "id");
    ApiContext.respond(ctx, 200, work(() -> {
      StoredOrder o = orders.order(id).filter(x -> x.accountId() == caller.accountId())
          .orElseThrow(() -> ApiError.notFound("order " + id));
      return MarketJson.order(o, zoneOf(o.zoneCode()));
    }));
  }

  private void amendOrder(RoutingContext ctx) {
    Caller caller = prosumer(ctx);
    long id = ApiContext.pathLong(ctx, "id");
    JsonObject b = ApiContext.body(ctx);
    Instant now = api.clock().instant();
    ApiContext.respond(ctx, 200, work(() -> {
      StoredOrder current = orders.order(id).filter(x -> x.accountId() == caller.accountId())
          .orElseThrow(() -> ApiError.notFound("order " + id));
      ZoneConfig zone = zoneOf(current.zoneCode());
      Long price = b.containsKey(OrderService.priceField(zone)) || b.containsKey(otherPriceField(zone))
          ? price(b, zone) : null;
      return MarketJson.order(accepted(orders.amend(caller.accountId(), id, b.getLong("quantityWh"), price, now)), zone);
    }));
  }

  private void cancelOrder(RoutingContext ctx) {
    Caller caller = prosumer(ctx);
    long id = ApiContext.pathLong(ctx, "id");
    Instant now = api.clock().instant();
    ApiContext.respond(ctx, 200, work(() -> {
      StoredOrder o = accepted(orders.cancel(caller.accountId(), id, now));
      return MarketJson.order(o, zoneOf(o.zoneCode()));
    }));
  }

  private void listTrades(RoutingContext ctx) {
    Caller caller = ApiContext.caller(ctx);
    String zone = (String) ApiContext.query(ctx, "zone");
    DeliverySlot slot = slotOrNull(ApiContext.query(ctx, "slot"));
    ApiContext.respond(ctx, 200, work(() -> {
      JsonArray out = new JsonArray();
      orders.tradesOf(caller.accountId(), zone, slot).forEach(t -> out.add(MarketJson.trade(t, caller.accountId())));
      return new JsonObject().put("trades", out);
    }));
  }

  // ---- market data

  private void slots(RoutingContext ctx) {
    ApiContext.caller(ctx);
    String zoneCode = ApiContext.pathString(ctx, "zone");
    Instant now = api.clock().instant();
    ApiContext.respond(ctx, 200, work(() -> {
      ZoneConfig zone = zoneOf(zoneCode);
      MarketCalendar calendar = new MarketCalendar(zone);
      JsonArray out = new JsonArray();
      // from the slot being delivered to the last one whose book is open
      for (DeliverySlot slot = DeliverySlot.containing(now); calendar.stateAt(slot, now) != SlotState.NOT_OPEN;
          slot = slot.next()) {
        Instant gate = calendar.gateClosure(slot);
        out.add(new JsonObject()
            .put("slot", slot.toString())
            .put("state", calendar.stateAt(slot, now).name())
            .put("gateClosure", gate.toString())
            .put("secondsToGateClosure", Math.max(0, Duration.between(now, gate).getSeconds())));
      }
      return new JsonObject().put("zone", zoneCode).put("clearingMode", zone.clearingMode().name())
          .put("now", now.toString()).put("slots", out);
    }));
  }

  private void book(RoutingContext ctx) {
    ApiContext.caller(ctx);
    String zoneCode = ApiContext.pathString(ctx, "zone");
    DeliverySlot slot = slotParam(ctx);
    Object levels = ApiContext.query(ctx, "levels");
    int maxLevels = levels == null ? 20 : ((Number) levels).intValue();
    Instant now = api.clock().instant();
    ApiContext.respond(ctx, 200, work(() -> {
      ZoneConfig zone = zoneOf(zoneCode);
      Instrument instrument = new Instrument(zoneCode, slot);
      return MarketJson.depth(instrument, engine.depth(instrument, maxLevels))
          .put("state", new MarketCalendar(zone).stateAt(slot, now).name());
    }));
  }

  private void result(RoutingContext ctx) {
    ApiContext.caller(ctx);
    String zoneCode = ApiContext.pathString(ctx, "zone");
    DeliverySlot slot = slotParam(ctx);
    Instant now = api.clock().instant();
    ApiContext.respond(ctx, 200, work(() -> {
      ZoneConfig zone = zoneOf(zoneCode);
      SlotState state = new MarketCalendar(zone).stateAt(slot, now);
      JsonObject out = new JsonObject().put("zone", zoneCode).put("slot", slot.toString()).put("state", state.name())
          .put("clearingMode", zone.clearingMode().name());
      var r = api.dsl().selectFrom(CLEARING_RESULT)
          .where(CLEARING_RESULT.ZONE_CODE.eq(zoneCode))
          .and(CLEARING_RESULT.SLOT_START.eq(MarketEngine.utc(slot.start())))
          .fetchOne();
      if (r == null) {
        return out.put("cleared", false);
      }
      return out.put("cleared", true)
          .put("volumeWh", r.getVolumeWh())
          .put("pricePerKwh", r.getPricePerKwh())
          .put("gridFeePerKwh", r.getGridFeePerKwh())
          .put("priceUnit", zone.priceUnit().name())
          .put("tradeCount", r.getTradeCount())
          .put("clearedAt", r.getClearedAt().toInstant().toString());
    }));
  }

  // ---- live stream (server-sent events)

  private void publish(Instrument instrument, CommandResult result, DepthSnapshot depth) {
    var bus = api.vertx().eventBus();
    bus.publish(EVENTS_ADDRESS, new JsonObject().put("event", "book").put("data", MarketJson.depth(instrument, depth)));
    for (var trade : result.trades()) {
      bus.publish(EVENTS_ADDRESS, new JsonObject().put("event", "trade").put("data", MarketJson.liveTrade(instrument, trade)));
    }
  }

  /**
   * Streams {@code book} events of the caller's zone and {@code trade} events the caller is part of, as
   * server-sent events, with a comment line as heartbeat.
   */
  private void stream(RoutingContext ctx) {
    Caller caller = ApiContext.caller(ctx);
    var response = ctx.response();
    response.setChunked(true)
        .putHeader("content-type", "text/event-stream")
        .putHeader("cache-control", "no-cache");
    response.write(": connected\n\n");
    MessageConsumer<JsonObject> consumer = api.vertx().eventBus().consumer(EVENTS_ADDRESS, message -> {
      JsonObject event = message.body();
      JsonObject data = event.getJsonObject("data");
      boolean visible = "book".equals(event.getString("event"))
          ? caller.isOperator() || data.getString("zone").equals(caller.zoneCode())
          : data.getLong("buyerAccountId") == caller.accountId() || data.getLong("sellerAccountId") == caller.accountId();
      if (visible && !response.closed()) {
        response.write("event: " + event.getString("event") + "\ndata: " + data.encode() + "\n\n");
      }
    });
    long heartbeat = api.vertx().setPeriodic(HEARTBEAT_MS, id -> {
      if (!response.closed()) {
        response.write(": heartbeat\n\n");
      }
    });
    response.closeHandler(v -> {
      consumer.unregister();
      api.vertx().cancelTimer(heartbeat);
    });
  }

  // ---- standing rules

  private void createRule(RoutingContext ctx) {
    Caller caller = prosumer(ctx);
    JsonObject b = ApiContext.body(ctx);
    Instant now = api.clock().instant();
    ApiContext.respond(ctx, 201, work(() -> {
      ZoneConfig zone = zoneOf(caller.zoneCode());
      StandingRules.RuleSpec spec = new StandingRules.RuleSpec(
          b.getLong("meteringPointId"), Side.valueOf(b.getString("side")), b.getLong("reserveWh", 0L),
          price(b, zone), b.getLong("dailyCapWh"), b.getInteger("lookbackDays"), forecast(b),
          b.getLong("horizonMinutes"), null);
      return MarketJson.rule(rule(rules.create(caller.accountId(), caller.zoneCode(), spec, now)), zone);
    }));
  }

  private void listRules(RoutingContext ctx) {
    Caller caller = ApiContext.caller(ctx);
    ApiContext.respond(ctx, 200, work(() -> {
      JsonArray out = new JsonArray();
      for (StandingRuleView r : rules.rulesOf(caller.accountId())) {
        out.add(MarketJson.rule(r, zoneOf(r.zoneCode())));
      }
      return new JsonObject().put("rules", out);
    }));
  }

  private void getRule(RoutingContext ctx) {
    Caller caller = ApiContext.caller(ctx);
    long id = ApiContext.pathLong(ctx, "id");
    ApiContext.respond(ctx, 200, work(() -> {
      StandingRuleView r = rules.rule(caller.accountId(), id).orElseThrow(() -> ApiError.notFound("rule " + id));
      return MarketJson.rule(r, zoneOf(r.zoneCode()));
    }));
  }

  private void updateRule(RoutingContext ctx) {
    Caller caller = prosumer(ctx);
    long id = ApiContext.pathLong(ctx, "id");
    JsonObject b = ApiContext.body(ctx);
    Instant now = api.clock().instant();
    ApiContext.respond(ctx, 200, work(() -> {
      StandingRuleView current = rules.rule(caller.accountId(), id).orElseThrow(() -> ApiError.notFound("rule " + id));
      ZoneConfig zone = zoneOf(current.zoneCode());
      Long price = b.containsKey(OrderService.priceField(zone)) || b.containsKey(otherPriceField(zone))
          ? price(b, zone) : null;
      StandingRules.RuleSpec change = new StandingRules.RuleSpec(
          null, null, b.getLong("reserveWh"), price, b.getLong("dailyCapWh"), b.getInteger("lookbackDays"),
          forecast(b), b.getLong("horizonMinutes"), b.getString("state"));
      return MarketJson.rule(rule(rules.update(caller.accountId(), id, change, now)), zone);
    }));
  }

  private void deleteRule(RoutingContext ctx) {
    Caller caller = prosumer(ctx);
    long id = ApiContext.pathLong(ctx, "id");
    Instant now = api.clock().instant();
    ApiContext.respond(ctx, 200, work(() -> {
      if (!rules.delete(caller.accountId(), id, now)) {
        throw ApiError.notFound("rule " + id);
      }
      return new JsonObject().put("id", id).put("state", "DELETED");
    }));
  }

  // ---- helpers

  private static Caller prosumer(RoutingContext ctx) {
    Caller caller = ApiContext.caller(ctx).require(Role.PROSUMER);
    if (caller.zoneCode() == null) {
      throw ApiError.forbidden("this prosumer has no zone");
    }
    return caller;
  }

  private ZoneConfig zoneOf(String zoneCode) {
    return zones.zone(zoneCode).orElseThrow(() -> ApiError.notFound("trading zone " + zoneCode));
  }

  /** The limit price in the zone's unit: the body must name the unit the zone trades in. */
  private static long price(JsonObject body, ZoneConfig zone) {
    String field = OrderService.priceField(zone);
    if (body.containsKey(otherPriceField(zone))) {
      throw ApiError.badRequest("WRONG_PRICE_UNIT", "zone " + zone.code() + " prices in " + zone.priceUnit()
          + ": send " + field, otherPriceField(zone));
    }
    Object value = body.getValue(field);
    if (!(value instanceof Number n)) {
      throw ApiError.badRequest("MISSING_PRICE", field + " is required", field);
    }
    return n.longValue();
  }

  /** The rule's forecast method, or null when the body leaves it out (the document allows only known names). */
  private static StandingRules.Forecast forecast(JsonObject body) {
    String name = body.getString("forecast");
    return name == null ? null : StandingRules.Forecast.valueOf(name);
  }

  private static String otherPriceField(ZoneConfig zone) {
    return OrderService.priceField(zone).equals("limitPriceSatPerKwh") ? "limitPriceMilliCtPerKwh" : "limitPriceSatPerKwh";
  }

  private static StoredOrder accepted(OrderOutcome outcome) {
    if (outcome instanceof OrderOutcome.Rejected r) {
      throw toError(r.rejection());
    }
    return ((OrderOutcome.Accepted) outcome).order();
  }

  private static StandingRuleView rule(StandingRules.RuleOutcome outcome) {
    if (outcome.rejection() != null) {
      throw toError(outcome.rejection());
    }
    return outcome.rule();
  }

  private static ApiError toError(Rejection r) {
    return new ApiError(r.status(), r.error(), r.message(), r.field());
  }

  /** {@code 2026-11-25T10:00Z/PT15M}, or just its start {@code 2026-11-25T10:00Z}. */
  static DeliverySlot parseSlot(String text) {
    try {
      return DeliverySlot.parse(text.endsWith("/PT15M") ? text : text + "/PT15M");
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest("INVALID_SLOT", e.getMessage(), "slot");
    }
  }

  private static DeliverySlot slotParam(RoutingContext ctx) {
    return parseSlot(ApiContext.pathString(ctx, "slot"));
  }

  private static DeliverySlot slotOrNull(Object text) {
    return text == null ? null : parseSlot(text.toString());
  }
}
