package io.peerwatt.trading.api;

import static io.peerwatt.db.schema.Tables.ACCOUNT;
import static io.peerwatt.db.schema.Tables.METERING_POINT;

import io.peerwatt.db.schema.tables.records.AccountRecord;
import io.peerwatt.db.schema.tables.records.MeteringPointRecord;
import io.peerwatt.http.ApiError;
import io.peerwatt.http.ApiRequests;
import io.peerwatt.http.ApiResource;
import io.peerwatt.http.ApiResponses;
import io.peerwatt.http.Blocking;
import io.peerwatt.http.Caller;
import io.peerwatt.http.Role;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * Metering points: a prosumer owns the ones of its connection; operators create them for any prosumer;
 * a utility sees those of its zone. Anything the caller may not see answers 404, as if it did not exist.
 */
public final class MeteringPointRoutes implements ApiResource {
  private final DSLContext dsl;
  private final Blocking blocking;

  public MeteringPointRoutes(DSLContext dsl, Blocking blocking) {
    this.dsl = dsl;
    this.blocking = blocking;
  }

  @Override
  public void addTo(Router router) {
    router.post("/metering-points").handler(this::create);
    router.get("/metering-points").handler(this::list);
    router.get("/metering-points/:id").handler(this::get);
  }

  private void create(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx).require(Role.PROSUMER, Role.OPERATOR);
    JsonObject b = ApiRequests.body(ctx);
    Long requestedOwner = b.getLong("accountId");
    if (caller.role() == Role.PROSUMER && requestedOwner != null && requestedOwner != caller.accountId()) {
      ctx.fail(ApiError.forbidden("a prosumer creates metering points only for itself"));
      return;
    }
    if (caller.isOperator() && requestedOwner == null) {
      ctx.fail(ApiError.badRequest("ACCOUNT_REQUIRED", "name the owning prosumer", "accountId"));
      return;
    }
    long ownerId = requestedOwner == null ? caller.accountId() : requestedOwner;
    ApiResponses.respond(ctx, 201, blocking.run(() -> {
      AccountRecord owner = dsl.selectFrom(ACCOUNT).where(ACCOUNT.ID.eq(ownerId)).fetchOne();
      if (owner == null || !Role.PROSUMER.code().equals(owner.getRole()) || owner.getZoneCode() == null) {
        throw ApiError.badRequest("NOT_A_PROSUMER", "account " + ownerId + " is not a prosumer with a zone", "accountId");
      }
      MeteringPointRecord mp = dsl.insertInto(METERING_POINT)
          .set(METERING_POINT.ACCOUNT_ID, ownerId)
          .set(METERING_POINT.ZONE_CODE, owner.getZoneCode())
          .set(METERING_POINT.LABEL, b.getString("label"))
          .set(METERING_POINT.MAX_POWER_W, b.getLong("maxPowerW"))
          .returning().fetchOne();
      return toJson(mp);
    }));
  }

  private void list(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx);
    ApiResponses.respond(ctx, 200, blocking.run(() -> {
      JsonArray items = new JsonArray();
      dsl.selectFrom(METERING_POINT).where(visibleTo(caller)).orderBy(METERING_POINT.ID).fetch()
          .forEach(mp -> items.add(toJson(mp)));
      return new JsonObject().put("meteringPoints", items);
    }));
  }

  private void get(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx);
    long id = ApiRequests.pathLong(ctx, "id");
    ApiResponses.respond(ctx, 200, blocking.run(() -> toJson(visible(dsl, caller, id))));
  }

  /** Metering points the caller may read: its own, its zone's for a utility, all for an operator. */
  static Condition visibleTo(Caller caller) {
    return switch (caller.role()) {
      case OPERATOR -> DSL.trueCondition();
      case UTILITY -> caller.zoneCode() == null ? DSL.falseCondition() : METERING_POINT.ZONE_CODE.eq(caller.zoneCode());
      case PROSUMER -> METERING_POINT.ACCOUNT_ID.eq(caller.accountId());
    };
  }

  /** The metering point if the caller may read it, else 404 (no hint that it exists). Blocking. */
  static MeteringPointRecord visible(DSLContext dsl, Caller caller, long id) {
    MeteringPointRecord mp = dsl.selectFrom(METERING_POINT).where(METERING_POINT.ID.eq(id)).and(visibleTo(caller)).fetchOne();
    if (mp == null) {
      throw ApiError.notFound("metering point " + id);
    }
    return mp;
  }

  /** The metering point if the caller owns it or is an operator (who may act for owners), else 404/403. */
  static MeteringPointRecord manageable(DSLContext dsl, Caller caller, long id) {
    MeteringPointRecord mp = visible(dsl, caller, id);
    if (!caller.isOperator() && mp.getAccountId() != caller.accountId()) {
      throw ApiError.forbidden("only the owner or an operator may do this");
    }
    return mp;
  }

  static JsonObject toJson(MeteringPointRecord mp) {
    return new JsonObject()
        .put("id", mp.getId())
        .put("accountId", mp.getAccountId())
        .put("zone", mp.getZoneCode())
        .put("label", mp.getLabel())
        .put("maxPowerW", mp.getMaxPowerW())
        .put("createdAt", mp.getCreatedAt().toString());
  }
}
