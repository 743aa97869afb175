package io.peerwatt.deploy;

import io.peerwatt.db.Database;
import io.peerwatt.db.DatabaseUnavailableException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --config} and {@code --data-dir}: which platform a command works on (mixed into the
 * commands that read a platform's configuration or open its database).
 */
final class PlatformOptions {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "the platform's YAML config file (keys in the README; PEERWATT_* variables override it)")
  Path config;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "the platform's data directory (default ~/.peerwatt)")
  Path dataDir;

  /**
   * The configuration: the file, then {@code PEERWATT_*} variables, then {@code --data-dir} and
   * {@code flags}.
   */
  Config load(Collection<ConfigKey> keys, Map<String, String> flags) {
    Map<String, String> all = new LinkedHashMap<>(flags);
    all.put("data-dir", dataDir == null ? null : dataDir.toString());
    return Config.load(keys, config, System.getenv(), all);
  }

  /** The platform's settings without chain keys. */
  PlatformSettings settings() {
    return PlatformSettings.from(load(PlatformSettings.KEYS, Map.of()));
  }

  /** Opens the platform's database; one that does not answer is a {@link UserError}. */
  static Database openDatabase(PlatformSettings settings) {
    try {
      return Database.start(settings.database());
    } catch (DatabaseUnavailableException e) {
      throw new UserError("database unavailable: " + e.getMessage(), e);
    }
  }
}
