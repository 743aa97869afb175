package io.peerwatt.db;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the platform's PostgreSQL is. With no JDBC URL the database is an embedded PostgreSQL whose
 * files live under {@code dataDir}, so a restart keeps the data.
 *
 * @param jdbcUrl {@code jdbc:postgresql://host:port/db}, or null for embedded
 * @param user user for {@code jdbcUrl} (ignored for embedded)
 * @param password password for {@code jdbcUrl} (ignored for embedded)
 * @param dataDir the platform's data directory; embedded PostgreSQL keeps its files in {@code
 *     dataDir/postgres}
 * @param poolSize maximum pooled connections
 */
public record DatabaseConfig(
    String jdbcUrl, String user, String password, Path dataDir, int poolSize) {
  public DatabaseConfig {
    Objects.requireNonNull(dataDir, "dataDir");
    if (poolSize < 1) {
      throw new IllegalArgumentException("poolSize must be at least 1, was " + poolSize);
    }
  }

  /** Embedded PostgreSQL under {@code dataDir} with a small pool. */
  public static DatabaseConfig embedded(Path dataDir) {
    return new DatabaseConfig(null, null, null, dataDir, 10);
  }

  public boolean isEmbedded() {
    return jdbcUrl == null || jdbcUrl.isBlank();
  }
}
