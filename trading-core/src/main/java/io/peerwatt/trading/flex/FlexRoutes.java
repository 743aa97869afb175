package io.peerwatt.trading.flex;

import io.peerwatt.http.ApiRequests;
import io.peerwatt.http.ApiResource;
import io.peerwatt.http.ApiResponses;
import io.peerwatt.http.Blocking;
import io.peerwatt.http.Caller;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Flexibility on the platform's API: the zone's open requests ({@code GET /flex/requests}), a
 * home's acceptance ({@code POST /flex/requests/{id}/acceptances}) and its controllable device
 * ({@code PUT /devices/{id}/flexibility}).
 */
public final class FlexRoutes implements ApiResource {
  private final FlexRequests requests;
  private final Blocking blocking;

  public FlexRoutes(FlexRequests requests, Blocking blocking) {
    this.requests = requests;
    this.blocking = blocking;
  }

  @Override
  public void addTo(Router api) {
    api.get("/flex/requests").handler(this::list);
    api.post("/flex/requests/:id/acceptances").handler(this::accept);
    api.put("/devices/:id/flexibility").handler(this::setDevice);
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

  private void setDevice(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx);
    long deviceId = ApiRequests.pathLong(ctx, "id");
    JsonObject body = ApiRequests.body(ctx);
    String kind = body.getString("kind");
    long maxPowerW = body.getLong("maxPowerW");
    ApiResponses.respond(
        ctx, 200, blocking.run(() -> requests.setDevice(caller, deviceId, kind, maxPowerW)));
  }
}
