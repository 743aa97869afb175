package io.peerwatt.trading.flex;

import io.peerwatt.http.ApiError;
import io.peerwatt.http.ApiRequests;
import io.peerwatt.http.ApiResource;
import io.peerwatt.http.ApiResponses;
import io.peerwatt.http.Blocking;
import io.peerwatt.http.Caller;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Flexibility on the platform's API: the zone's open requests ({@code GET /flex/requests}), a
 * home's acceptance ({@code POST /flex/requests/{id}/acceptances}), its controllable device ({@code
 * GET|PUT /devices/{id}/flexibility}) and standing rule ({@code PUT|DELETE
 * /devices/{id}/flexibility/rule}), and the grid operator's events ({@code GET|POST /flex/events}).
 */
public final class FlexRoutes implements ApiResource {
  private final FlexRequests requests;
  private final GridFlexEvents events;
  private final Blocking blocking;

  public FlexRoutes(FlexRequests requests, GridFlexEvents events, Blocking blocking) {
    this.requests = requests;
    this.events = events;
    this.blocking = blocking;
  }

  @Override
  public void addTo(Router api) {
    api.get("/flex/requests").handler(this::list);
    api.post("/flex/requests/:id/acceptances").handler(this::accept);
    api.get("/flex/events").handler(this::listEvents);
    api.post("/flex/events").handler(this::createEvent);
    api.get("/devices/:id/flexibility").handler(this::settings);
    api.put("/devices/:id/flexibility").handler(this::setDevice);
    api.put("/devices/:id/flexibility/rule").handler(this::setRule);
    api.delete("/devices/:id/flexibility/rule").handler(this::removeRule);
  }

  private void list(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx);
    ApiResponses.respond(
        ctx,
        200,
        blocking
            .run(() -> requests.open(caller))
            .map(list -> new JsonObject().put("requests", list)));
  }

  private void accept(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx);
    long requestId = ApiRequests.pathLong(ctx, "id");
    JsonObject body = ApiRequests.body(ctx);
    long deviceId = body.getLong("deviceId");
    long watts = body.getLong("watts");
    String clientKey = body.getString("clientKey");
    blocking
        .run(() -> requests.accept(caller, requestId, deviceId, watts, clientKey))
        .onSuccess(
            accepted ->
                ctx.response()
                    .setStatusCode(accepted.created() ? 201 : 200)
                    .putHeader("content-type", "application/json")
                    .end(accepted.acceptance().encode()))
        .onFailure(ctx::fail);
  }

  private void listEvents(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx);
    Object zone = ApiRequests.query(ctx, "zone");
    ApiResponses.respond(
        ctx,
        200,
        blocking
            .run(() -> events.list(caller, zone == null ? null : zone.toString()))
            .map(list -> new JsonObject().put("events", list)));
  }

  private void createEvent(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx);
    JsonObject body = ApiRequests.body(ctx);
    Instant start;
    try {
      start = Instant.parse(body.getString("start"));
    } catch (DateTimeParseException e) {
      throw ApiError.badRequest(
          "INVALID_FLEX_REQUEST", "start is not a UTC time such as 2026-12-06T17:00:00Z", "start");
    }
    List<Long> limitsW = new ArrayList<>();
    for (Object limit : body.getJsonArray("limitsW", new JsonArray())) {
      limitsW.add(((Number) limit).longValue());
    }
    FlexDirection direction = FlexDirection.valueOf(body.getString("direction"));
    String zone = body.getString("zone");
    long pricePerKwh = body.getLong("pricePerKwh");
    blocking.respond(
        ctx,
        201,
        () -> events.create(caller, zone, direction, start, List.copyOf(limitsW), pricePerKwh));
  }

  private void settings(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx);
    long deviceId = ApiRequests.pathLong(ctx, "id");
    blocking.respond(ctx, 200, () -> requests.rules().settings(caller, deviceId));
  }

  private void setDevice(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx);
    long deviceId = ApiRequests.pathLong(ctx, "id");
    JsonObject body = ApiRequests.body(ctx);
    String kind = body.getString("kind");
    long maxPowerW = body.getLong("maxPowerW");
    blocking.respond(ctx, 200, () -> requests.setDevice(caller, deviceId, kind, maxPowerW));
  }

  private void setRule(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx);
    long deviceId = ApiRequests.pathLong(ctx, "id");
    JsonObject body = ApiRequests.body(ctx);
    Set<FlexDirection> directions = EnumSet.noneOf(FlexDirection.class);
    for (Object d : body.getJsonArray("directions")) {
      directions.add(FlexDirection.valueOf(d.toString()));
    }
    long minPricePerKwh = body.getLong("minPricePerKwh");
    long maxWatts = body.getLong("maxWatts");
    blocking.respond(
        ctx, 200, () -> requests.setRule(caller, deviceId, minPricePerKwh, maxWatts, directions));
  }

  private void removeRule(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx);
    long deviceId = ApiRequests.pathLong(ctx, "id");
    blocking
        .run(
            () -> {
              requests.rules().removeRule(caller, deviceId);
              return null;
            })
        .onSuccess(done -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }
}
