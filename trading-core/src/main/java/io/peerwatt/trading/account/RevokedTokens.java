package io.peerwatt.trading.account;

import static io.peerwatt.db.schema.Tables.REVOKED_TOKEN;

import io.peerwatt.http.Blocking;
import io.peerwatt.http.TokenRevocations;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jooq.DSLContext;

/**
 * The login tokens logged out before their expiry, kept in table {@code revoked_token} so a restart
 * does not bring a logged-out session back, and in memory so checking a request costs a hash
 * lookup, not a query. This process is the only writer. A row goes once its token would have
 * expired anyway ({@link #forgetExpired}).
 */
public final class RevokedTokens implements TokenRevocations {
  private static final HexFormat HEX = HexFormat.of();

  private final DSLContext dsl;
  private final Blocking blocking;
  private final Clock clock;

  /** Hex digest -> the token's own expiry. */
  private final Map<String, Instant> revoked = new ConcurrentHashMap<>();

  private RevokedTokens(DSLContext dsl, Blocking blocking, Clock clock) {
    this.dsl = dsl;
    this.blocking = blocking;
    this.clock = clock;
  }

  /**
   * Reads the revocations of tokens not yet expired (blocking: call it on a worker).
   *
   * @param clock real time: when a revocation was made and when its token expires
   */
  public static RevokedTokens load(DSLContext dsl, Blocking blocking, Clock clock) {
    RevokedTokens tokens = new RevokedTokens(dsl, blocking, clock);
    dsl.select(REVOKED_TOKEN.TOKEN_DIGEST, REVOKED_TOKEN.EXPIRES_AT)
        .from(REVOKED_TOKEN)
        .where(REVOKED_TOKEN.EXPIRES_AT.gt(clock.instant()))
        .forEach(r -> tokens.revoked.put(HEX.formatHex(r.value1()), r.value2()));
    return tokens;
  }

  @Override
  public boolean isRevoked(byte[] tokenDigest) {
    return revoked.containsKey(HEX.formatHex(tokenDigest));
  }

  @Override
  public Future<Void> revoke(byte[] tokenDigest, Instant expiresAt) {
    return blocking.run(
        () -> {
          dsl.insertInto(REVOKED_TOKEN)
              .set(REVOKED_TOKEN.TOKEN_DIGEST, tokenDigest)
              .set(REVOKED_TOKEN.EXPIRES_AT, expiresAt)
              .set(REVOKED_TOKEN.REVOKED_AT, clock.instant())
              .onConflict(REVOKED_TOKEN.TOKEN_DIGEST)
              .doNothing()
              .execute();
          // only once the row is kept: a revocation a restart would forget is not reported done
          revoked.put(HEX.formatHex(tokenDigest), expiresAt);
          return null;
        });
  }

  /**
   * Drops the revocations of tokens that have expired by now (the token check refuses those by
   * their expiry); blocking. Returns how many rows went.
   */
  public int forgetExpired() {
    Instant now = clock.instant();
    revoked.values().removeIf(expiry -> !expiry.isAfter(now));
    return dsl.deleteFrom(REVOKED_TOKEN).where(REVOKED_TOKEN.EXPIRES_AT.le(now)).execute();
  }
}
