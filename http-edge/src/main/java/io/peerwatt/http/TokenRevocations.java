package io.peerwatt.http;

import io.vertx.core.Future;
import java.time.Instant;

/**
 * Login tokens revoked before their expiry (logged out). {@link BearerTokens} asks {@link
 * #isRevoked} on every authenticated request, so it must answer from memory; {@link #revoke} keeps
 * the revocation where a restart finds it.
 */
public interface TokenRevocations {
  /** Revokes nothing: every well-signed, unexpired token is accepted. */
  TokenRevocations NONE =
      new TokenRevocations() {
        @Override
        public boolean isRevoked(byte[] tokenDigest) {
          return false;
        }

        @Override
        public Future<Void> revoke(byte[] tokenDigest, Instant expiresAt) {
          return Future.failedFuture(
              new IllegalStateException("this platform keeps no token revocations"));
        }
      };

  /** True when the token with this SHA-256 digest was revoked. */
  boolean isRevoked(byte[] tokenDigest);

  /**
   * Revokes the token with this SHA-256 digest until {@code expiresAt} (when it would have expired
   * anyway); succeeds once the revocation is kept.
   */
  Future<Void> revoke(byte[] tokenDigest, Instant expiresAt);
}
