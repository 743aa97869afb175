package io.peerwatt.trading;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What the trading API needs from the platform's configuration.
 *
 * @param dataDir the platform's data directory; keys live in {@code keys/} below it
 * @param jwtSecretFile file holding the HS256 token secret, or null to keep a generated one in the
 *     data dir
 * @param tokenLifetime how long a login token is valid
 * @param loginFailuresPerMinute failed logins allowed per username in one minute
 * @param loginFailuresPerAddressPerMinute failed logins allowed per client address in one minute
 *     (one address may front many users, so this is usually higher)
 * @param bodyLimitBytes largest accepted request body
 * @param maxClockSkew how far in the future a reading or batch may be dated
 * @param workerPoolSize threads that run JDBC work (at most the database pool size is useful)
 * @param privateCallbacks whether the VTN may post subscription notifications to loopback, private
 *     or link-local addresses (only a platform that listens on loopback should: tests, a demo)
 */
public record TradingSettings(
    Path dataDir,
    Path jwtSecretFile,
    Duration tokenLifetime,
    int loginFailuresPerMinute,
    int loginFailuresPerAddressPerMinute,
    int bodyLimitBytes,
    Duration maxClockSkew,
    int workerPoolSize,
    boolean privateCallbacks) {

  public TradingSettings {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(tokenLifetime, "tokenLifetime");
    Objects.requireNonNull(maxClockSkew, "maxClockSkew");
    if (loginFailuresPerMinute < 1
        || loginFailuresPerAddressPerMinute < 1
        || bodyLimitBytes < 1024
        || workerPoolSize < 1) {
      throw new IllegalArgumentException(
          "login failures, body limit and worker pool must be positive");
    }
  }

  /**
   * Defaults for a platform on this machine only (tests, benchmarks): generated secret, 8 h tokens,
   * 5 failures/min per user and 20 per address, 1 MiB bodies, 5 min skew, callbacks to loopback
   * allowed.
   */
  public static TradingSettings defaults(Path dataDir) {
    return new TradingSettings(
        dataDir, null, Duration.ofHours(8), 5, 20, 1 << 20, Duration.ofMinutes(5), 8, true);
  }
}
