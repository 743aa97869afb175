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
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Login tokens: HS256 JWTs naming the account, its role and zone, issued by and for this platform.
 * A token is refused once it expires or once it is revoked (logout, {@link TokenRevocations}).
 */
public final class BearerTokens {
  private static final String ISSUER = "peerwatt";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final JWTAuth jwt;
  private final Duration lifetime;
  private final TokenRevocations revocations;

  /**
   * Tokens that cannot be revoked (tests of the gate).
   *
   * @param secret the HS256 secret (the platform keeps it with its keys)
   * @param lifetime how long an issued token stays valid
   */
  public BearerTokens(Vertx vertx, byte[] secret, Duration lifetime) {
    this(vertx, secret, lifetime, TokenRevocations.NONE);
  }

  /**
   * @param secret the HS256 secret (the platform keeps it with its keys)
   * @param lifetime how long an issued token stays valid
   * @param revocations the tokens logged out before their expiry
   */
  public BearerTokens(Vertx vertx, byte[] secret, Duration lifetime, TokenRevocations revocations) {
    this.jwt = hs256(vertx, secret, ISSUER);
    this.lifetime = lifetime;
    this.revocations = revocations;
  }

  /** How a token is signed: HS256 under {@code issuer}, expiring {@code lifetime} after issue. */
  public static JWTOptions tokenOptions(String issuer, Duration lifetime) {
    return new JWTOptions()
        .setAlgorithm("HS256")
        .setIssuer(issuer)
        .setExpiresInSeconds((int) lifetime.toSeconds());
  }

  /** HS256 JWTs signed with {@code secret}, issued and accepted under {@code issuer} only. */
  public static JWTAuth hs256(Vertx vertx, byte[] secret, String issuer) {
    return JWTAuth.create(
        vertx,
        new JWTAuthOptions()
            .addPubSecKey(
                new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(Buffer.buffer(secret)))
            .setJWTOptions(new JWTOptions().setAlgorithm("HS256").setIssuer(issuer)));
  }

  /**
   * A signed token for {@code caller}, valid for the configured lifetime. Each token has its own
   * random id ({@code jti}): two logins in the same second are two sessions, and logging one out
   * leaves the other.
   */
  public String issue(Caller caller) {
    byte[] id = new byte[16];
    RANDOM.nextBytes(id);
    JsonObject claims =
        new JsonObject()
            .put("jti", HexFormat.of().formatHex(id))
            .put("sub", Long.toString(caller.accountId()))
            .put("username", caller.username())
            .put("role", caller.role().code())
            .put("zone", caller.zoneCode());
    return jwt.generateToken(claims, tokenOptions(ISSUER, lifetime));
  }

  public Duration lifetime() {
    return lifetime;
  }

  /**
   * The caller a token names; fails with a 401 {@link ApiError} when it is forged, expired, revoked
   * or malformed.
   */
  public Future<Caller> authenticate(String token) {
    return verify(token)
        .compose(
            user -> {
              Caller caller = toCaller(user);
              return caller == null
                  ? Future.failedFuture(ApiError.unauthenticated("the token is invalid"))
                  : Future.succeededFuture(caller);
            });
  }

  /**
   * Revokes {@code token} (a logout): from now on it is refused with 401, until and after its own
   * expiry. Fails with a 401 {@link ApiError} when the token is not valid in the first place.
   */
  public Future<Void> revoke(String token) {
    return verify(token)
        .compose(
            user -> {
              // the JWT library keeps "exp" among the user's attributes, not its principal
              Object expiry = user.containsKey("exp") ? user.get("exp") : null;
              return expiry instanceof Number seconds
                  ? revocations.revoke(digest(token), Instant.ofEpochSecond(seconds.longValue()))
                  : Future.failedFuture(ApiError.unauthenticated("the token is invalid"));
            });
  }

  /** The signature, issuer and expiry checked by the JWT library, then the revocations (memory). */
  private Future<User> verify(String token) {
    return jwt.authenticate(new TokenCredentials(token))
        .recover(
            e -> Future.failedFuture(ApiError.unauthenticated("the token is invalid or expired")))
        .compose(
            user ->
                revocations.isRevoked(digest(token))
                    ? Future.failedFuture(
                        ApiError.unauthenticated("the token was revoked (logged out)"))
                    : Future.succeededFuture(user));
  }

  /** SHA-256 of the token's text: how a revocation names a token without keeping it. */
  static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
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
