package io.peerwatt.trading.openadr;

import io.peerwatt.http.ApiError;
import io.peerwatt.http.BearerTokens;
import io.peerwatt.http.Role;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

/**
 * The VTN's access tokens: HS256 JWTs signed with the platform's token secret under their own
 * issuer ({@code peerwatt-openadr3}, so they are never taken for login tokens, nor login tokens for
 * them), naming the client, its kind and scopes. A utility's login token is also accepted: it makes
 * the utility a BL client with every BL scope.
 */
public final class VtnTokens {
  private static final String ISSUER = "peerwatt-openadr3";

  private final JWTAuth jwt;
  private final Duration lifetime;
  private final BearerTokens logins;

  public VtnTokens(Vertx vertx, byte[] secret, Duration lifetime, BearerTokens logins) {
    this.jwt = BearerTokens.hs256(vertx, secret, ISSUER);
    this.lifetime = lifetime;
    this.logins = logins;
  }

  public Duration lifetime() {
    return lifetime;
  }

  /** A token for {@code caller}, valid for the configured lifetime. */
  public String issue(VtnCaller caller) {
    JsonObject claims =
        new JsonObject()
            .put("sub", caller.clientId())
            .put("kind", caller.businessLogic() ? "BL" : "VEN")
            .put("scope", String.join(" ", new TreeSet<>(caller.scopes())));
    if (caller.venName() != null) {
      claims.put("ven", caller.venName());
    }
    return jwt.generateToken(claims, BearerTokens.tokenOptions(ISSUER, lifetime));
  }

  /**
   * The caller a VTN token or a utility's login token names; a 401 {@link ApiError} when it is
   * neither (forged, expired, revoked, malformed), a 403 for another role's login token.
   */
  public Future<VtnCaller> authenticate(String token) {
    return jwt.authenticate(new TokenCredentials(token))
        .map(user -> fromClaims(user.principal()))
        .recover(
            notOurs ->
                logins
                    .authenticate(token)
                    .compose(
                        caller ->
                            caller.role() == Role.UTILITY
                                ? Future.succeededFuture(
                                    new VtnCaller(
                                        "account-" + caller.accountId(),
                                        true,
                                        VtnCaller.BL_SCOPES,
                                        null))
                                : Future.failedFuture(
                                    ApiError.forbidden(
                                        "only a utility's login token works as a business-logic"
                                            + " client of the VTN"))))
        .compose(
            caller ->
                caller == null
                    ? Future.failedFuture(ApiError.unauthenticated("the token is invalid"))
                    : Future.succeededFuture(caller));
  }

  private static VtnCaller fromClaims(JsonObject p) {
    String sub = p.getString("sub");
    String kind = p.getString("kind");
    String scope = p.getString("scope");
    if (sub == null || scope == null || !("BL".equals(kind) || "VEN".equals(kind))) {
      return null;
    }
    Set<String> scopes =
        scope.isEmpty() ? Set.of() : new TreeSet<>(Arrays.asList(scope.split(" ")));
    return new VtnCaller(sub, "BL".equals(kind), scopes, p.getString("ven"));
  }
}
