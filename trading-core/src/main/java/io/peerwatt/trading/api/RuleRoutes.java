package io.peerwatt.trading.api;

import static io.peerwatt.trading.api.MarketRequests.changedPrice;
import static io.peerwatt.trading.api.MarketRequests.forecast;
import static io.peerwatt.trading.api.MarketRequests.price;
import static io.peerwatt.trading.api.MarketRequests.prosumer;
import static io.peerwatt.trading.api.MarketRequests.rule;
import static io.peerwatt.trading.api.MarketRequests.zoneOf;

import io.peerwatt.http.ApiError;
import io.peerwatt.http.ApiRequests;
import io.peerwatt.http.ApiResource;
import io.peerwatt.http.Caller;
import io.peerwatt.http.Handlers;
import io.peerwatt.trading.calendar.ZoneConfig;
import io.peerwatt.trading.market.Market;
import io.peerwatt.trading.market.StandingRuleView;
import io.peerwatt.trading.market.StandingRules;
import io.peerwatt.trading.matching.Side;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.Callable;

/**
 * Standing rules under {@code /api/v1/rules}: a prosumer creates, reads, changes, pauses and
 * deletes the rules that trade for it. Every handler waits for the books to be recovered.
 */
public final class RuleRoutes implements ApiResource {
  private final Market market;
  private final Handlers handlers;
  private final Clock clock;

  public RuleRoutes(Market market, Clock clock) {
    this.market = market;
    this.handlers = new Handlers(market::work);
    this.clock = clock;
  }

  @Override
  public void addTo(Router router) {
    router.post("/rules").handler(handlers.created(this::createRule));
    router.get("/rules").handler(handlers.ok(this::listRules));
    router.get("/rules/:id").handler(handlers.ok(this::getRule));
    router.patch("/rules/:id").handler(handlers.ok(this::updateRule));
    router.delete("/rules/:id").handler(handlers.ok(this::deleteRule));
  }

  private Callable<JsonObject> createRule(RoutingContext ctx) {
    Caller caller = prosumer(ctx);
    JsonObject b = ApiRequests.body(ctx);
    Instant now = clock.instant();
    return () -> {
      ZoneConfig zone = zoneOf(market.zones(), caller.zoneCode());
      StandingRules.RuleSpec spec =
          new StandingRules.RuleSpec(
              b.getLong("meteringPointId"),
              Side.valueOf(b.getString("side")),
              b.getLong("reserveWh", 0L),
              price(b, zone),
              b.getLong("dailyCapWh"),
              b.getLong("lookbackDays"),
              forecast(b),
              b.getLong("horizonMinutes"),
              null);
      return MarketJson.rule(
          rule(market.rules().create(caller.accountId(), caller.zoneCode(), spec, now)), zone);
    };
  }

  private Callable<JsonObject> listRules(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx);
    return () -> {
      JsonArray out = new JsonArray();
      market.rules().rulesOf(caller.accountId()).forEach(r -> out.add(json(r)));
      return new JsonObject().put("rules", out);
    };
  }

  private Callable<JsonObject> getRule(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx);
    long id = ApiRequests.pathLong(ctx, "id");
    return () -> json(ownRule(caller, id));
  }

  private Callable<JsonObject> updateRule(RoutingContext ctx) {
    Caller caller = prosumer(ctx);
    long id = ApiRequests.pathLong(ctx, "id");
    JsonObject b = ApiRequests.body(ctx);
    Instant now = clock.instant();
    return () -> {
      ZoneConfig zone = zoneOf(market.zones(), ownRule(caller, id).zoneCode());
      StandingRules.RuleSpec change =
          new StandingRules.RuleSpec(
              null,
              null,
              b.getLong("reserveWh"),
              changedPrice(b, zone),
              b.getLong("dailyCapWh"),
              b.getLong("lookbackDays"),
              forecast(b),
              b.getLong("horizonMinutes"),
              b.getString("state"));
      return MarketJson.rule(
          rule(market.rules().update(caller.accountId(), id, change, now)), zone);
    };
  }

  private Callable<JsonObject> deleteRule(RoutingContext ctx) {
    Caller caller = prosumer(ctx);
    long id = ApiRequests.pathLong(ctx, "id");
    Instant now = clock.instant();
    return () -> {
      if (!market.rules().delete(caller.accountId(), id, now)) {
        throw ApiError.notFound("rule " + id);
      }
      return new JsonObject().put("id", id).put("state", "DELETED");
    };
  }

  /** The rule as the API shows it, with its zone's settings. Blocking. */
  private JsonObject json(StandingRuleView r) {
    return MarketJson.rule(r, zoneOf(market.zones(), r.zoneCode()));
  }

  /** The caller's rule {@code id}; 404 for another's or a deleted one. Blocking. */
  private StandingRuleView ownRule(Caller caller, long id) {
    return market
        .rules()
        .rule(caller.accountId(), id)
        .orElseThrow(() -> ApiError.notFound("rule " + id));
  }
}
