package io.peerwatt.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.time.Duration;

/**
 * Login tokens: HS256 JWTs naming the account, its role and zone, issued by and for this platform.
 */
public final class BearerTokens {
  private static final String ISSUER = "peerwatt";

  private final JWTAuth jwt;
  private final Duration lifetime;

  /**
   * @param secret the HS256 secret (the platform keeps it with its keys)
   * @param lifetime how long an issued token stays valid
   */
  public BearerTokens(Vertx vertx, byte[] secret, Duration lifetime) {
    this.jwt =
        JWTAuth.create(
            vertx,
            new JWTAuthOptions()
                .addPubSecKey(
                    new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(Buffer.buffer(secret)))
                .setJWTOptions(new JWTOptions().setAlgorithm("HS256").setIssuer(ISSUER)));
    this.lifetime = lifetime;
  }

  /** A signed token for {@code caller}, valid for the configured lifetime. */
  public String issue(Caller caller) {
    JsonObject claims =
        new JsonObject()
            .put("sub", Long.toString(caller.accountId()))
            .put("username", caller.username())
            .put("role", caller.role().code())
            .put("zone", caller.zoneCode());
    return jwt.generateToken(
        claims,
        new JWTOptions()
            .setAlgorithm("HS256")
            .setIssuer(ISSUER)
            .setExpiresInSeconds((int) lifetime.toSeconds()));
  }

  public Duration lifetime() {
    return lifetime;
  }

  /**
   * The caller a token names; fails with a 401 {@link ApiError} when it is forged, expired or
   * malformed.
   */
  Future<Caller> authenticate(String token) {
    return jwt.authenticate(new TokenCredentials(token))
        .recover(
            e -> Future.failedFuture(ApiError.unauthenticated("the token is invalid or expired")))
        .compose(
            user -> {
              Caller caller = toCaller(user);
              return caller == null
                  ? Future.failedFuture(ApiError.unauthenticated("the token is invalid"))
                  : Future.succeededFuture(caller);
            });
  }

  private static Caller toCaller(User user) {
    JsonObject p = user.principal();
    Role role = Role.ofCode(p.getString("role", ""));
    String sub = p.getString("sub");
    if (role == null || sub == null || !ISSUER.equals(p.getString("iss"))) {
      return null;
    }
    try {
      return new Caller(Long.parseLong(sub), p.getString("username"), role, p.getString("zone"));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
