package io.peerwatt.trading.api;

import io.peerwatt.db.schema.tables.records.AccountRecord;
import io.peerwatt.http.ApiError;
import io.peerwatt.http.ApiRequests;
import io.peerwatt.http.ApiResource;
import io.peerwatt.http.ApiResponses;
import io.peerwatt.http.BearerTokens;
import io.peerwatt.http.Blocking;
import io.peerwatt.http.Caller;
import io.peerwatt.http.ClientAddress;
import io.peerwatt.http.Handlers;
import io.peerwatt.http.Role;
import io.peerwatt.trading.account.AccountStore;
import io.peerwatt.trading.account.LoginLimiter;
import io.peerwatt.trading.account.PasswordHasher;
import io.peerwatt.trading.market.ZoneStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.concurrent.Callable;

/** Login and logout, the caller's own account, and account creation by operators. */
public final class AccountRoutes implements ApiResource {
  /** A hash of a random password, verified when the username is unknown so timing tells nothing. */
  private final String decoyHash;

  private final AccountStore accounts;
  private final ZoneStore zones;
  private final Blocking blocking;
  private final Handlers handlers;
  private final Clock securityClock;
  private final BearerTokens tokens;
  private final PasswordHasher hasher;
  private final LoginLimiter limiter;

  /**
   * @param securityClock real time: the expiry the login answer reports
   * @param hasher verifies login passwords; {@code decoyHash} is verified when the username is
   *     unknown
   */
  public AccountRoutes(
      AccountStore accounts,
      ZoneStore zones,
      Blocking blocking,
      Clock securityClock,
      BearerTokens tokens,
      PasswordHasher hasher,
      String decoyHash,
      LoginLimiter limiter) {
    this.accounts = accounts;
    this.zones = zones;
    this.blocking = blocking;
    this.handlers = new Handlers(blocking);
    this.securityClock = securityClock;
    this.tokens = tokens;
    this.hasher = hasher;
    this.decoyHash = decoyHash;
    this.limiter = limiter;
  }

  @Override
  public void addTo(Router router) {
    router.post("/auth/login").handler(this::login);
    router.post("/auth/logout").handler(this::logout);
    router.get("/accounts/me").handler(handlers.ok(this::me));
    router.get("/accounts").handler(handlers.ok(this::list));
    router.post("/accounts").handler(handlers.created(this::create));
  }

  /**
   * Login: the attempt takes its slot in the limiter (per username and per client address) before
   * the password is checked; over the limit it is refused with 429 unchecked.
   */
  private void login(RoutingContext ctx) {
    JsonObject body = ApiRequests.body(ctx);
    String username = body.getString("username");
    String password = body.getString("password");
    LoginLimiter.Admission admission = limiter.admit(username, ClientAddress.of(ctx));
    if (admission instanceof LoginLimiter.Refused refused) {
      ctx.fail(
          ApiError.tooManyRequests(
              "too many failed logins; try again later", refused.retryAfter()));
      return;
    }
    LoginLimiter.Slot slot = (LoginLimiter.Slot) admission;
    ApiResponses.respond(
        ctx,
        200,
        blocking
            .run(
                () -> {
                  AccountRecord account = accounts.byUsername(username).orElse(null);
                  boolean ok =
                      hasher.verify(
                              password, account == null ? decoyHash : account.getPasswordHash())
                          && account != null
                          && account.getDisabledAt() == null;
                  if (!ok) {
                    throw new ApiError(
                        401, "INVALID_CREDENTIALS", "wrong username or password", null);
                  }
                  Caller caller = toCaller(account);
                  return new JsonObject()
                      .put("token", tokens.issue(caller))
                      .put("tokenType", "Bearer")
                      .put("expiresAt", securityClock.instant().plus(tokens.lifetime()).toString())
                      .put("account", toJson(account));
                })
            .onComplete(
                ar -> {
                  // an attempt that failed for any reason keeps its slot
                  if (ar.succeeded()) {
                    slot.succeeded();
                  } else {
                    slot.failed();
                  }
                }));
  }

  /**
   * Logout: the caller's token is revoked on the platform, so a copy of it (a stolen cookie, a
   * browser's history) is refused with 401 from now on, not only until its expiry.
   */
  private void logout(RoutingContext ctx) {
    String token = ApiRequests.token(ctx);
    tokens
        .revoke(token)
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private Callable<JsonObject> me(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx);
    return () ->
        toJson(accounts.byId(caller.accountId()).orElseThrow(() -> ApiError.notFound("account")));
  }

  private Callable<JsonObject> list(RoutingContext ctx) {
    ApiRequests.caller(ctx).require(Role.OPERATOR);
    return () -> {
      JsonArray items = new JsonArray();
      accounts.all().forEach(a -> items.add(toJson(a)));
      return new JsonObject().put("accounts", items);
    };
  }

  private Callable<JsonObject> create(RoutingContext ctx) {
    ApiRequests.caller(ctx).require(Role.OPERATOR);
    JsonObject body = ApiRequests.body(ctx);
    Role role = Role.ofCode(body.getString("role"));
    String zone = body.getString("zone");
    if (role == Role.PROSUMER && zone == null) {
      throw ApiError.badRequest("ZONE_REQUIRED", "a prosumer belongs to a zone", "zone");
    }
    String username = body.getString("username");
    String password = body.getString("password");
    String displayName = body.getString("displayName");
    String paymentMode = body.getString("paymentMode", AccountStore.CUSTODIAL);
    if (role != Role.PROSUMER && !paymentMode.equals(AccountStore.CUSTODIAL)) {
      throw ApiError.badRequest(
          "NOT_A_PROSUMER", "only a prosumer pays machine to machine", "paymentMode");
    }
    return () -> {
      if (zone != null && !zones.exists(zone)) {
        throw ApiError.badRequest("UNKNOWN_ZONE", "no zone " + zone, "zone");
      }
      try {
        return toJson(accounts.create(username, password, role, zone, displayName, paymentMode));
      } catch (AccountStore.UsernameTakenException e) {
        throw ApiError.conflict("USERNAME_TAKEN", e.getMessage(), "username");
      }
    };
  }

  private static Caller toCaller(AccountRecord a) {
    return new Caller(a.getId(), a.getUsername(), Role.ofCode(a.getRole()), a.getZoneCode());
  }

  private static JsonObject toJson(AccountRecord a) {
    return new JsonObject()
        .put("id", a.getId())
        .put("username", a.getUsername())
        .put("role", a.getRole())
        .put("zone", a.getZoneCode())
        .put("displayName", a.getDisplayName())
        .put("paymentMode", a.getPaymentMode())
        .put("createdAt", a.getCreatedAt().toString())
        .put("disabled", a.getDisabledAt() != null);
  }
}
