package io.peerwatt.trading.api;

import io.peerwatt.db.schema.tables.records.AccountRecord;
import io.peerwatt.db.schema.tables.records.MeteringPointRecord;
import io.peerwatt.http.ApiError;
import io.peerwatt.http.ApiRequests;
import io.peerwatt.http.ApiResource;
import io.peerwatt.http.Blocking;
import io.peerwatt.http.Caller;
import io.peerwatt.http.Handlers;
import io.peerwatt.http.Role;
import io.peerwatt.trading.account.AccountStore;
import io.peerwatt.trading.device.MeteringPointStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.Callable;

/**
 * Metering points: a prosumer owns the ones of its connection; operators create them for any
 * prosumer; a utility sees those of its zone. Anything the caller may not see answers 404, as if it
 * did not exist.
 */
public final class MeteringPointRoutes implements ApiResource {
  private final MeteringPointStore points;
  private final AccountStore accounts;
  private final Handlers handlers;

  public MeteringPointRoutes(MeteringPointStore points, AccountStore accounts, Blocking blocking) {
    this.points = points;
    this.accounts = accounts;
    this.handlers = new Handlers(blocking);
  }

  @Override
  public void addTo(Router router) {
    router.post("/metering-points").handler(handlers.created(this::create));
    router.get("/metering-points").handler(handlers.ok(this::list));
    router.get("/metering-points/:id").handler(handlers.ok(this::get));
  }

  private Callable<JsonObject> create(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx).require(Role.PROSUMER, Role.OPERATOR);
    JsonObject b = ApiRequests.body(ctx);
    Long requestedOwner = b.getLong("accountId");
    if (caller.role() == Role.PROSUMER
        && requestedOwner != null
        && requestedOwner != caller.accountId()) {
      throw ApiError.forbidden("a prosumer creates metering points only for itself");
    }
    if (caller.isOperator() && requestedOwner == null) {
      throw ApiError.badRequest("ACCOUNT_REQUIRED", "name the owning prosumer", "accountId");
    }
    long ownerId = requestedOwner == null ? caller.accountId() : requestedOwner;
    return () -> {
      AccountRecord owner =
          accounts
              .byId(ownerId)
              .filter(a -> Role.PROSUMER.code().equals(a.getRole()) && a.getZoneCode() != null)
              .orElseThrow(
                  () ->
                      ApiError.badRequest(
                          "NOT_A_PROSUMER",
                          "account " + ownerId + " is not a prosumer with a zone",
                          "accountId"));
      return toJson(
          points.create(
              ownerId, owner.getZoneCode(), b.getString("label"), b.getLong("maxPowerW")));
    };
  }

  private Callable<JsonObject> list(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx);
    return () -> {
      JsonArray items = new JsonArray();
      points.visibleTo(caller).forEach(mp -> items.add(toJson(mp)));
      return new JsonObject().put("meteringPoints", items);
    };
  }

  private Callable<JsonObject> get(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx);
    long id = ApiRequests.pathLong(ctx, "id");
    return () -> toJson(visible(points, caller, id));
  }

  /** The metering point if the caller may read it, else 404 (no hint that it exists). Blocking. */
  static MeteringPointRecord visible(MeteringPointStore points, Caller caller, long id) {
    return points.visible(caller, id).orElseThrow(() -> ApiError.notFound("metering point " + id));
  }

  /**
   * The metering point if the caller owns it or is an operator (who may act for owners), else
   * 404/403.
   */
  static MeteringPointRecord manageable(MeteringPointStore points, Caller caller, long id) {
    MeteringPointRecord mp = visible(points, caller, id);
    if (!caller.isOperator() && mp.getAccountId() != caller.accountId()) {
      throw ApiError.forbidden("only the owner or an operator may do this");
    }
    return mp;
  }

  private static JsonObject toJson(MeteringPointRecord mp) {
    return new JsonObject()
        .put("id", mp.getId())
        .put("accountId", mp.getAccountId())
        .put("zone", mp.getZoneCode())
        .put("label", mp.getLabel())
        .put("maxPowerW", mp.getMaxPowerW())
        .put("createdAt", mp.getCreatedAt().toString());
  }
}
