package io.peerwatt.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform's PostgreSQL: a pooled {@link DataSource}, the schema migrated by Flyway on start,
 * and a jOOQ {@link DSLContext}. With no JDBC URL configured it starts an embedded PostgreSQL whose
 * files live in the data directory. All methods block: call them from worker threads, never an
 * event loop.
 */
public final class Database implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Database.class);

  /** Connection attempts give up after this long, so an unreachable server is reported promptly. */
  private static final int CONNECT_TIMEOUT_SECONDS = 5;

  /** How long an orphaned embedded server gets to finish its writes and exit. */
  private static final int ORPHAN_STOP_SECONDS = 60;

  private final EmbeddedPostgres embedded;
  private final HikariDataSource pool;
  private final DSLContext dsl;
  private final String description;

  private Database(EmbeddedPostgres embedded, HikariDataSource pool, String description) {
    this.embedded = embedded;
    this.pool = pool;
    this.dsl = DSL.using(pool, SQLDialect.POSTGRES);
    this.description = description;
  }

  /**
   * Connects (or starts the embedded server), migrates the schema and returns the ready database.
   *
   * @throws DatabaseUnavailableException when PostgreSQL cannot be reached or started
   */
  public static Database start(DatabaseConfig config) {
    EmbeddedPostgres embedded = null;
    String url;
    String user;
    String password;
    if (config.isEmbedded()) {
      embedded = startEmbedded(config.dataDir().resolve("postgres"));
      url = embedded.getJdbcUrl("postgres", "postgres");
      user = "postgres";
      password = null;
    } else {
      url = config.jdbcUrl();
      user = config.user();
      password = config.password();
      probe(url, user, password);
    }
    HikariDataSource pool = null;
    try {
      pool = pool(url, user, password, config.poolSize());
      migrate(pool);
      String description =
          embedded != null
              ? "embedded PostgreSQL in " + config.dataDir().resolve("postgres")
              : redact(url);
      Database db = new Database(embedded, pool, description);
      log.info("Database ready: {} (schema version {})", description, db.schemaVersion());
      return db;
    } catch (RuntimeException e) {
      if (pool != null) {
        pool.close();
      }
      closeQuietly(embedded);
      throw e;
    }
  }

  private static EmbeddedPostgres startEmbedded(Path dir) {
    try {
      Files.createDirectories(dir);
      stopOrphanedServer(dir);
      // keep the cluster between runs: initdb only runs when the directory is new
      // the embedded library starts PostgreSQL for tests (fsync and synchronous_commit off); the
      // platform
      // acknowledges readings, orders and channel updates only once they are on disk, so turn both
      // on
      return EmbeddedPostgres.builder()
          .setDataDirectory(dir)
          .setCleanDataDirectory(false)
          .setServerConfig("fsync", "on")
          .setServerConfig("synchronous_commit", "on")
          .setPGStartupWait(java.time.Duration.ofSeconds(30))
          .start();
    } catch (IOException | RuntimeException e) {
      throw new DatabaseUnavailableException(
          "cannot start embedded PostgreSQL in " + dir + ": " + rootMessage(e), e);
    }
  }

  /**
   * Stops the server a previous run left behind when it was killed without a chance to stop it
   * ({@code kill -9}, a power cut leaves none): its {@code postmaster.pid} names a live process
   * serving this very directory. A smart shutdown (SIGTERM) is safe: the dead run's connections are
   * gone, and PostgreSQL finishes its writes before it exits. A stale pid file of a dead server is
   * PostgreSQL's own business (it removes it at start). Never two servers on one directory:
   * PostgreSQL refuses that itself.
   */
  static void stopOrphanedServer(Path dir) throws IOException {
    Path pidFile = dir.resolve("postmaster.pid");
    if (!Files.isRegularFile(pidFile)) {
      return;
    }
    List<String> lines = Files.readAllLines(pidFile);
    if (lines.size() < 2 || !lines.get(0).trim().matches("\\d{1,10}")) {
      return;
    }
    long pid = Long.parseLong(lines.get(0).trim());
    Optional<ProcessHandle> server = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    if (server.isEmpty()
        || !Path.of(lines.get(1).trim()).toRealPath().equals(dir.toRealPath())
        || !server.get().info().command().map(c -> c.endsWith("postgres")).orElse(false)) {
      return;
    }
    log.warn(
        "An embedded PostgreSQL (pid {}) left running by an earlier run that did not stop holds {}: stopping it",
        pid,
        dir);
    server.get().destroy();
    try {
      server.get().onExit().get(ORPHAN_STOP_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new DatabaseUnavailableException(
          "an earlier embedded PostgreSQL (pid "
              + pid
              + ") still runs on "
              + dir
              + " and did not stop within "
              + ORPHAN_STOP_SECONDS
              + " s: stop it (kill -INT "
              + pid
              + ") and start again",
          e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DatabaseUnavailableException(
          "interrupted while stopping the earlier embedded PostgreSQL", e);
    }
    log.info(
        "Stopped the orphaned embedded PostgreSQL (pid {}); starting a fresh one on the same data",
        pid);
  }

  /** Fails fast with a readable message instead of letting the pool retry for its full timeout. */
  private static void probe(String url, String user, String password) {
    Properties props = new Properties();
    if (user != null) {
      props.setProperty("user", user);
    }
    if (password != null) {
      props.setProperty("password", password);
    }
    props.setProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT_SECONDS));
    props.setProperty("loginTimeout", String.valueOf(CONNECT_TIMEOUT_SECONDS));
    try (Connection ignored = DriverManager.getConnection(url, props)) {
      log.debug("Reached PostgreSQL at {}", redact(url));
    } catch (SQLException e) {
      throw new DatabaseUnavailableException(
          "cannot reach PostgreSQL at " + redact(url) + ": " + rootMessage(e), e);
    }
  }

  private static HikariDataSource pool(String url, String user, String password, int size) {
    HikariConfig hc = new HikariConfig();
    hc.setPoolName("peerwatt-db");
    hc.setJdbcUrl(url);
    hc.setUsername(user);
    hc.setPassword(password);
    hc.setMaximumPoolSize(size);
    hc.setMinimumIdle(Math.min(2, size));
    hc.setConnectionTimeout(CONNECT_TIMEOUT_SECONDS * 1000L);
    hc.setInitializationFailTimeout(CONNECT_TIMEOUT_SECONDS * 1000L);
    hc.addDataSourceProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT_SECONDS));
    // money and time are exact in PostgreSQL; keep the session in UTC so timestamps never shift
    hc.setConnectionInitSql("SET TIME ZONE 'UTC'");
    try {
      return new HikariDataSource(hc);
    } catch (RuntimeException e) {
      throw new DatabaseUnavailableException(
          "cannot reach PostgreSQL at " + redact(url) + ": " + rootMessage(e), e);
    }
  }

  /** Applies every pending migration from {@code db/migration} on the classpath. */
  public static void migrate(DataSource dataSource) {
    Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/migration")
        .failOnMissingLocations(true)
        .load()
        .migrate();
  }

  public DataSource dataSource() {
    return pool;
  }

  public DSLContext dsl() {
    return dsl;
  }

  /** Human-readable location (no password), for logs and the health endpoint. */
  public String description() {
    return description;
  }

  /** Whether a connection can be taken from the pool and answers within a few seconds. */
  public boolean isReachable() {
    try (Connection c = pool.getConnection()) {
      return c.isValid(CONNECT_TIMEOUT_SECONDS);
    } catch (SQLException e) {
      log.warn("Database health check failed: {}", rootMessage(e));
      return false;
    }
  }

  /**
   * The version of the newest applied migration, e.g. {@code "1"}, read from Flyway's history
   * table.
   */
  public String schemaVersion() {
    String version =
        dsl.resultQuery(
                "SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL"
                    + " ORDER BY installed_rank DESC LIMIT 1")
            .fetchOne(0, String.class);
    return version == null ? "none" : version;
  }

  @Override
  public void close() {
    pool.close();
    closeQuietly(embedded);
  }

  private static void closeQuietly(EmbeddedPostgres pg) {
    if (pg == null) {
      return;
    }
    try {
      pg.close();
    } catch (IOException e) {
      log.warn("Embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
    }
  }

  /** Removes a password from a JDBC URL's query string before it is shown to anyone. */
  static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&]*", "$1***");
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
