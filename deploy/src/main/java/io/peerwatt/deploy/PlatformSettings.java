package io.peerwatt.deploy;

import io.peerwatt.cluster.ClusterSettings;
import io.peerwatt.db.DatabaseConfig;
import io.peerwatt.http.ConnectionGuard;
import io.peerwatt.http.TrustedProxies;
import io.peerwatt.trading.TradingSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The settings of {@code peerwatt platform}, read from {@link Config}.
 *
 * @param trustedProxies the reverse proxies whose {@code X-Forwarded-For} names the client
 * @param connectionLimits the HTTP server's connection limit and timeouts
 * @param secureCookie whether the portal's session cookie carries {@code Secure} on every
 *     connection (it does anyway on one that came over TLS)
 * @param cluster the roles this node runs and the Kafka cluster it shares with other nodes (none:
 *     one process runs everything)
 * @param zonePartitions the partition count of the zone topics on Kafka ({@code
 *     kafka.zone-partitions})
 */
public record PlatformSettings(
    String httpHost,
    int httpPort,
    TrustedProxies trustedProxies,
    ConnectionGuard.Limits connectionLimits,
    boolean secureCookie,
    Path dataDir,
    DatabaseConfig database,
    TradingSettings trading,
    SettlementSettings settlement,
    ClusterSettings cluster,
    int zonePartitions) {

  /**
   * @param satPerEur the fixed EUR rate statements convert with
   * @param channelCapacitySats what the platform puts into each new channel
   * @param blockInterval real time between devnet blocks (mined only when transactions wait)
   * @param passInterval real time between settlement passes
   */
  public record SettlementSettings(
      long satPerEur, long channelCapacitySats, Duration blockInterval, Duration passInterval) {
    /** The same with other timer intervals (the demo runs faster). */
    public SettlementSettings withIntervals(Duration block, Duration pass) {
      return new SettlementSettings(satPerEur, channelCapacitySats, block, pass);
    }

    /** The same with another channel capacity (the demo's on a real chain). */
    public SettlementSettings withChannelCapacity(long sats) {
      return new SettlementSettings(satPerEur, sats, blockInterval, passInterval);
    }
  }

  /** The same settings with another settlement part. */
  public PlatformSettings withSettlement(SettlementSettings other) {
    return new PlatformSettings(
        httpHost,
        httpPort,
        trustedProxies,
        connectionLimits,
        secureCookie,
        dataDir,
        database,
        trading,
        other,
        cluster,
        zonePartitions);
  }

  /**
   * Every key {@code peerwatt platform} accepts; the README's configuration table lists the same.
   */
  public static final List<ConfigKey> KEYS =
      List.of(
          new ConfigKey(
              "http.host",
              "127.0.0.1",
              "address the HTTP server binds to (0.0.0.0 for all interfaces; put TLS in front)"),
          new ConfigKey(
              "http.port", "8080", "HTTP port of the API, the portal, /health and /metrics"),
          new ConfigKey(
              "http.trusted-proxies",
              "",
              "reverse proxies (IP addresses or CIDR blocks, comma-separated) whose X-Forwarded-For and X-Forwarded-Proto are believed; empty means none"),
          new ConfigKey(
              "http.max-connections",
              "2000",
              "open connections served; beyond them /health still answers and every other request gets 503 (keep well under the process's file descriptor limit)"),
          new ConfigKey(
              "http.idle-timeout-seconds",
              "30",
              "a connection with no traffic either way this long is closed"),
          new ConfigKey(
              "http.header-timeout-seconds",
              "10",
              "a connection that has not sent a complete request line and headers this long after opening is closed"),
          new ConfigKey(
              "http.secure-cookie",
              null,
              "true: the portal's session cookie is Secure (sent only over TLS) on every connection; false: only on connections that came over TLS or through a trusted proxy that says so; unset means true unless http.host is a loopback address"),
          new ConfigKey(
              "openadr.private-callbacks",
              null,
              "true: the VTN may post subscription notifications to loopback, private and link-local addresses; false: it refuses them; unset means true only when http.host is a loopback address"),
          new ConfigKey(
              "data-dir",
              "~/.peerwatt",
              "where the platform keeps its files (embedded PostgreSQL, keys)"),
          new ConfigKey(
              "db.url",
              null,
              "JDBC URL of an external PostgreSQL; unset means embedded PostgreSQL in the data dir"),
          new ConfigKey("db.user", null, "user for db.url"),
          new ConfigKey("db.password", null, "password for db.url (prefer db.password-file)"),
          new ConfigKey("db.password-file", null, "file holding the password for db.url"),
          new ConfigKey("db.pool-size", "10", "maximum pooled database connections"),
          new ConfigKey(
              "auth.jwt-secret-file",
              null,
              "file holding the login-token HS256 secret as hex (at least 32 bytes); unset means one generated into <data-dir>/keys/jwt-hs256.key"),
          new ConfigKey("auth.token-lifetime-minutes", "480", "how long a login token stays valid"),
          new ConfigKey(
              "auth.login-failures-per-minute",
              "5",
              "failed logins allowed per username in one minute before 429"),
          new ConfigKey(
              "auth.login-failures-per-address-per-minute",
              "20",
              "failed logins allowed per client address in one minute before 429"),
          new ConfigKey(
              "api.body-limit-bytes",
              "1048576",
              "largest accepted API request body (a full 500-reading upload fits in 1 MiB)"),
          new ConfigKey(
              "ingest.max-clock-skew-seconds",
              "300",
              "how far in the future a reading or upload batch may be dated"),
          new ConfigKey(
              "settlement.sat-per-eur",
              "2000000",
              "fixed EUR -> satoshi rate recorded in every statement"),
          new ConfigKey(
              "settlement.channel-capacity-sats",
              "50000000",
              "satoshis the platform puts into each new payment channel"),
          new ConfigKey(
              "settlement.pass-interval-seconds",
              "30",
              "seconds between settlement passes (settle due slots, pay, open channels)"),
          new ConfigKey(
              "devnet.block-interval-seconds",
              "60",
              "seconds between devnet blocks (only when transactions wait)"),
          new ConfigKey(
              "kafka.bootstrap-servers",
              null,
              "Kafka brokers (host:port, comma-separated) the platform nodes share; unset means one process with every role and no Kafka"),
          new ConfigKey(
              "node.id",
              null,
              "this node's name, unique among the nodes (required with kafka.bootstrap-servers)"),
          new ConfigKey(
              "kafka.zone-partitions",
              "12",
              "partitions of the zone topics (the most nodes that own zone shards at once); fixed when the topics are first created"));

  /** The settings of a node that runs every role. */
  public static PlatformSettings from(Config config) {
    return from(config, null);
  }

  /**
   * The settings of a node that runs {@code roles} ({@code --roles}: comma-separated; null for
   * every role).
   */
  public static PlatformSettings from(Config config, String roles) {
    ClusterSettings cluster;
    try {
      cluster =
          ClusterSettings.parse(
              config.get("kafka.bootstrap-servers"), config.get("node.id"), roles);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage(), e);
    }
    Path dataDir = config.getPath("data-dir");
    DatabaseConfig db =
        new DatabaseConfig(
            blankToNull(config.get("db.url")),
            config.get("db.user"),
            config.secret("db.password"),
            dataDir,
            config.getInt("db.pool-size", 1, 500));
    TradingSettings trading =
        new TradingSettings(
            dataDir,
            config.getPath("auth.jwt-secret-file"),
            Duration.ofMinutes(config.getInt("auth.token-lifetime-minutes", 1, 10_080)),
            config.getInt("auth.login-failures-per-minute", 1, 1000),
            config.getInt("auth.login-failures-per-address-per-minute", 1, 10_000),
            config.getInt("api.body-limit-bytes", 65_536, 64 << 20),
            Duration.ofSeconds(config.getInt("ingest.max-clock-skew-seconds", 0, 3600)),
            db.poolSize(),
            privateCallbacks(config, config.require("http.host")));
    SettlementSettings settlement =
        new SettlementSettings(
            config.getInt("settlement.sat-per-eur", 1, Integer.MAX_VALUE),
            config.getInt("settlement.channel-capacity-sats", 100_000, Integer.MAX_VALUE),
            Duration.ofSeconds(config.getInt("devnet.block-interval-seconds", 1, 86_400)),
            Duration.ofSeconds(config.getInt("settlement.pass-interval-seconds", 1, 3_600)));
    String httpHost = config.require("http.host");
    return new PlatformSettings(
        httpHost,
        config.getInt("http.port", 0, 65535),
        trustedProxies(config),
        new ConnectionGuard.Limits(
            config.getInt("http.max-connections", 1, 1_000_000),
            Duration.ofSeconds(config.getInt("http.idle-timeout-seconds", 1, 3_600)),
            Duration.ofSeconds(config.getInt("http.header-timeout-seconds", 1, 600))),
        secureCookie(config, httpHost),
        dataDir,
        db,
        trading,
        settlement,
        cluster,
        config.getInt("kafka.zone-partitions", 1, 10_000));
  }

  private static TrustedProxies trustedProxies(Config config) {
    try {
      return TrustedProxies.parse(config.get("http.trusted-proxies"));
    } catch (IllegalArgumentException e) {
      throw new UserError("http.trusted-proxies: " + e.getMessage());
    }
  }

  /**
   * The configured {@code http.secure-cookie}; unset, true unless the platform listens on loopback
   * only (then the browser is on the same machine, usually over plain HTTP).
   */
  static boolean secureCookie(Config config, String httpHost) {
    String v = blankToNull(config.get("http.secure-cookie"));
    if (v == null) {
      return !(httpHost.equalsIgnoreCase("localhost") || TrustedProxies.isLoopback(httpHost));
    }
    return switch (v.strip().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new UserError("http.secure-cookie must be true or false, got '" + v + "'");
    };
  }

  /**
   * The configured {@code openadr.private-callbacks}; unset, true only when the platform listens on
   * loopback (then its OpenADR clients run on the same machine).
   */
  static boolean privateCallbacks(Config config, String httpHost) {
    String v = blankToNull(config.get("openadr.private-callbacks"));
    if (v == null) {
      return httpHost.equalsIgnoreCase("localhost") || TrustedProxies.isLoopback(httpHost);
    }
    return switch (v.strip().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new UserError("openadr.private-callbacks must be true or false, got '" + v + "'");
    };
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
