package io.peerwatt.deploy;

import io.peerwatt.db.DatabaseConfig;
import java.nio.file.Path;
import java.util.List;

/** The settings of {@code peerwatt platform}, read from {@link Config}. */
public record PlatformSettings(String httpHost, int httpPort, Path dataDir, DatabaseConfig database) {

  /** Every key {@code peerwatt platform} accepts; the README's configuration table lists the same. */
  public static final List<ConfigKey> KEYS = List.of(
      new ConfigKey("http.host", "127.0.0.1", "address the HTTP server binds to (0.0.0.0 for all interfaces; put TLS in front)"),
      new ConfigKey("http.port", "8080", "HTTP port of the API, the portal, /health and /metrics"),
      new ConfigKey("data-dir", "~/.peerwatt", "where the platform keeps its files (embedded PostgreSQL, keys)"),
      new ConfigKey("db.url", null, "JDBC URL of an external PostgreSQL; unset means embedded PostgreSQL in the data dir"),
      new ConfigKey("db.user", null, "user for db.url"),
      new ConfigKey("db.password", null, "password for db.url (prefer db.password-file)"),
      new ConfigKey("db.password-file", null, "file holding the password for db.url"),
      new ConfigKey("db.pool-size", "10", "maximum pooled database connections"));

  public static PlatformSettings from(Config config) {
    Path dataDir = config.getPath("data-dir");
    DatabaseConfig db = new DatabaseConfig(
        blankToNull(config.get("db.url")),
        config.get("db.user"),
        config.secret("db.password"),
        dataDir,
        config.getInt("db.pool-size", 1, 500));
    return new PlatformSettings(config.require("http.host"), config.getInt("http.port", 0, 65535), dataDir, db);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
