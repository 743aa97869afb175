package io.peerwatt.trading.api;

import io.peerwatt.http.ApiError;
import io.peerwatt.http.ApiRequests;
import io.peerwatt.http.ApiResource;
import io.peerwatt.http.ApiResponses;
import io.peerwatt.http.Blocking;
import io.peerwatt.http.Caller;
import io.peerwatt.http.DataGrantTokens;
import io.peerwatt.http.Role;
import io.peerwatt.trading.share.DataApplications;
import io.peerwatt.trading.share.DataGrants;
import io.peerwatt.trading.share.DataResolution;
import io.peerwatt.trading.share.DataScope;
import io.peerwatt.trading.share.DataSharingPolicies;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * Consumer data sharing under {@code /api/v1/data}: third parties register applications (an
 * operator approves or refuses them) and publish offers; households accept an offer, which makes a
 * grant, or set a standing policy that accepts the offers it matches, and revoke grants at once.
 */
public final class ShareRoutes implements ApiResource {
  /** Most access-log entries one answer lists: the newest. */
  private static final int MAX_ACCESSES = 500;

  private final DataApplications applications;
  private final DataGrants grants;
  private final DataSharingPolicies policies;
  private final DataGrantTokens grantTokens;
  private final Blocking blocking;
  private final Clock clock;

  /**
   * @param grantTokens checks the OAuth access tokens of {@code GET /shared/grant}
   */
  public ShareRoutes(
      DataApplications applications,
      DataGrants grants,
      DataSharingPolicies policies,
      DataGrantTokens grantTokens,
      Blocking blocking,
      Clock clock) {
    this.applications = applications;
    this.grants = grants;
    this.policies = policies;
    this.grantTokens = grantTokens;
    this.blocking = blocking;
    this.clock = clock;
  }

  @Override
  public void addTo(Router router) {
    router.post("/data/applications").handler(this::register);
    router.get("/data/applications").handler(this::listApplications);
    router.post("/data/applications/:id/decision").handler(this::decide);
    router.post("/data/offers").handler(this::publish);
    router.get("/data/offers").handler(this::listOffers);
    router.post("/data/offers/:id/accept").handler(this::accept);
    router.get("/data/grants").handler(this::listGrants);
    router.get("/data/policy").handler(this::policy);
    router.put("/data/policy").handler(this::setPolicy);
    router.delete("/data/policy").handler(this::removePolicy);
    router.post("/data/grants/:id/revoke").handler(this::revoke);
    router.get("/data/grants/:id/accesses").handler(this::accesses);
    router.get("/shared/grant").handler(this::sharedGrant);
  }

  private void register(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx).require(Role.THIRD_PARTY);
    JsonObject b = ApiRequests.body(ctx);
    List<String> redirectUris =
        b.getJsonArray("redirectUris").stream().map(Object::toString).toList();
    Instant now = clock.instant();
    blocking.respond(
        ctx,
        201,
        () -> {
          DataApplications.Registered r =
              applications.register(
                  caller.accountId(),
                  b.getString("name"),
                  b.getString("purpose"),
                  redirectUris,
                  b.getString("contact"),
                  b.getBoolean("confidential", false),
                  now);
          JsonObject json = ShareJson.application(r.application());
          if (r.clientSecret() != null) {
            json.put("clientSecret", r.clientSecret());
          }
          return json;
        });
  }

  private void listApplications(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx).require(Role.THIRD_PARTY, Role.OPERATOR);
    respondList(ctx, "applications", () -> applications.visibleTo(caller), ShareJson::application);
  }

  private void decide(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx).require(Role.OPERATOR);
    long id = ApiRequests.pathLong(ctx, "id");
    boolean approve = "APPROVED".equals(ApiRequests.body(ctx).getString("decision"));
    Instant now = clock.instant();
    blocking.respond(
        ctx,
        200,
        () -> ShareJson.application(applications.decide(id, caller.accountId(), approve, now)));
  }

  private void publish(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx).require(Role.THIRD_PARTY);
    JsonObject b = ApiRequests.body(ctx);
    DataScope scope =
        new DataScope(
            DataResolution.ofCode(b.getString("resolution")),
            b.getBoolean("importData"),
            b.getBoolean("exportData"),
            b.getBoolean("statements"),
            instant(b, "periodFrom"),
            instant(b, "periodTo"),
            b.getLong("priceMilliCtPerHomeDay"));
    Instant now = clock.instant();
    blocking.respond(
        ctx,
        201,
        () -> {
          DataGrants.Offer offer =
              grants.publish(
                  caller.accountId(),
                  b.getLong("applicationId"),
                  scope,
                  b.getInteger("accessDays"),
                  b.getString("purpose"),
                  now);
          // households whose standing policy matches are granted at once, as by hand
          policies.applyTo(offer, now);
          return ShareJson.offer(offer);
        });
  }

  private void listOffers(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx).require(Role.PROSUMER, Role.THIRD_PARTY, Role.OPERATOR);
    respondList(ctx, "offers", () -> grants.offersVisibleTo(caller), ShareJson::offer);
  }

  private void accept(RoutingContext ctx) {
    changeGrant(ctx, 201, grants::accept);
  }

  private void listGrants(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx).require(Role.PROSUMER, Role.THIRD_PARTY, Role.OPERATOR);
    Instant now = clock.instant();
    respondList(ctx, "grants", () -> grants.grantsVisibleTo(caller), g -> ShareJson.grant(g, now));
  }

  /** The calling household's standing policy; 404 when it has none. */
  private void policy(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx).require(Role.PROSUMER);
    blocking.respond(
        ctx,
        200,
        () ->
            ShareJson.policy(
                policies
                    .of(caller.accountId())
                    .orElseThrow(() -> ApiError.notFound("data-sharing policy"))));
  }

  /**
   * Sets the calling household's standing policy and answers it with the grants it made at once
   * from the open offers it matches.
   */
  private void setPolicy(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx).require(Role.PROSUMER);
    JsonObject b = ApiRequests.body(ctx);
    DataResolution finest = DataResolution.ofCode(b.getString("finestResolution"));
    boolean statements = b.getBoolean("statements");
    long minPrice = b.getLong("minPriceMilliCtPerHomeDay");
    Instant now = clock.instant();
    blocking.respond(
        ctx,
        200,
        () -> {
          DataSharingPolicies.PolicySet set =
              policies.set(caller.accountId(), finest, statements, minPrice, now);
          JsonArray granted = new JsonArray();
          set.granted().forEach(g -> granted.add(ShareJson.grant(g, now)));
          return ShareJson.policy(set.policy()).put("granted", granted);
        });
  }

  /** Removes the calling household's standing policy; the grants it made stay until revoked. */
  private void removePolicy(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx).require(Role.PROSUMER);
    blocking
        .run(
            () -> {
              policies.remove(caller.accountId());
              return null;
            })
        .onSuccess(done -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private void revoke(RoutingContext ctx) {
    changeGrant(ctx, 200, grants::revoke);
  }

  /** A household's change to the grant or offer of the path's id, making a grant. */
  private interface GrantChange {
    DataGrants.Grant apply(long accountId, long id, Instant now);
  }

  /** Answers {@code status} and the grant the calling household's {@code change} makes. */
  private void changeGrant(RoutingContext ctx, int status, GrantChange change) {
    Caller caller = ApiRequests.caller(ctx).require(Role.PROSUMER);
    long id = ApiRequests.pathLong(ctx, "id");
    Instant now = clock.instant();
    blocking.respond(
        ctx, status, () -> ShareJson.grant(change.apply(caller.accountId(), id, now), now));
  }

  /** Answers 200 and {@code {name: [...]}}: what {@code visible} lists, each as {@code json}. */
  private <T> void respondList(
      RoutingContext ctx, String name, Callable<List<T>> visible, Function<T, JsonObject> json) {
    blocking.respond(
        ctx,
        200,
        () -> {
          JsonArray items = new JsonArray();
          visible.call().forEach(item -> items.add(json.apply(item)));
          return new JsonObject().put(name, items);
        });
  }

  /**
   * A grant's access log: what its third party fetched and when; for the household, the grant's
   * third party and operators. 404 for anyone else.
   */
  private void accesses(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx).require(Role.PROSUMER, Role.THIRD_PARTY, Role.OPERATOR);
    long id = ApiRequests.pathLong(ctx, "id");
    blocking.respond(
        ctx,
        200,
        () -> {
          DataGrants.Grant grant =
              grants
                  .grant(id)
                  .filter(
                      g ->
                          caller.isOperator()
                              || g.accountId() == caller.accountId()
                              || g.thirdPartyId() == caller.accountId())
                  .orElseThrow(() -> ApiError.notFound("grant " + id));
          JsonArray items = new JsonArray();
          for (DataGrants.Access a : grants.accesses(grant.id(), MAX_ACCESSES)) {
            items.add(
                new JsonObject()
                    .put("kind", a.kind())
                    .put("periodFrom", a.periodFrom().toString())
                    .put("periodTo", a.periodTo().toString())
                    .put("days", a.days())
                    .put("readingRef", a.readingRef())
                    .put("fetchedAt", a.fetchedAt().toString()));
          }
          return new JsonObject().put("grantId", grant.id()).put("accesses", items);
        });
  }

  /** What the third party's access token allows: its grant's scope and period. */
  private void sharedGrant(RoutingContext ctx) {
    ApiResponses.respond(
        ctx,
        200,
        grantTokens
            .check(ctx.request().getHeader("authorization"))
            .map(
                g ->
                    new JsonObject()
                        .put("grantId", g.grantId())
                        .put("resolution", g.resolution())
                        .put("importData", g.importData())
                        .put("exportData", g.exportData())
                        .put("statements", g.statements())
                        .put("periodFrom", g.periodFrom().toString())
                        .put("periodTo", g.periodTo().toString())));
  }

  private static Instant instant(JsonObject b, String field) {
    try {
      return Instant.parse(b.getString(field));
    } catch (DateTimeParseException e) {
      throw ApiError.badRequest("INVALID_TIME", field + " is not an ISO 8601 UTC instant", field);
    }
  }
}
