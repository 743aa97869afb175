package io.peerwatt.db.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one PostgreSQL server of a test JVM, chosen once: {@code PEERWATT_TEST_JDBC_URL} when set (a
 * URL whose user may create databases), else Testcontainers PostgreSQL when a Docker engine
 * answers, else an embedded PostgreSQL. Hands out fresh, empty databases on it.
 */
final class PostgresServer {
  private static final Logger log = LoggerFactory.getLogger(PostgresServer.class);
  private static final AtomicInteger counter = new AtomicInteger();

  private final String adminUrl;
  private final String user;
  private final String password;
  private final String kind;

  private PostgresServer(String adminUrl, String user, String password, String kind) {
    this.adminUrl = adminUrl;
    this.user = user;
    this.password = password;
    this.kind = kind;
  }

  private static final class Holder {
    static final PostgresServer INSTANCE = choose();
  }

  static PostgresServer get() {
    return Holder.INSTANCE;
  }

  private static PostgresServer choose() {
    String url = System.getenv("PEERWATT_TEST_JDBC_URL");
    if (url != null && !url.isBlank()) {
      return new PostgresServer(
          url,
          System.getenv("PEERWATT_TEST_JDBC_USER"),
          System.getenv("PEERWATT_TEST_JDBC_PASSWORD"),
          "external");
    }
    if (dockerMayAnswer()) {
      try {
        return ContainerServer.start();
      } catch (RuntimeException | LinkageError e) {
        log.warn(
            "Docker did not give a PostgreSQL container ({}); using embedded PostgreSQL",
            e.toString());
      }
    }
    return embedded();
  }

  /** Cheap pre-check so machines without Docker never wait for Testcontainers' own probing. */
  private static boolean dockerMayAnswer() {
    try {
      Class.forName("org.testcontainers.DockerClientFactory");
    } catch (ClassNotFoundException e) {
      return false;
    }
    return System.getenv("DOCKER_HOST") != null || Files.exists(Path.of("/var/run/docker.sock"));
  }

  private static PostgresServer embedded() {
    try {
      Path dir = Files.createTempDirectory("peerwatt-test-pg-");
      EmbeddedPostgres pg =
          EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(true).start();
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      pg.close();
                    } catch (IOException e) {
                      log.warn("embedded PostgreSQL did not stop cleanly", e);
                    }
                  },
                  "peerwatt-test-pg-stop"));
      return new PostgresServer(
          pg.getJdbcUrl("postgres", "postgres"), "postgres", null, "embedded");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start embedded PostgreSQL for tests", e);
    }
  }

  /** Testcontainers lives in its own class so it is loaded only where Docker answers. */
  private static final class ContainerServer {
    static PostgresServer start() {
      if (!org.testcontainers.DockerClientFactory.instance().isDockerAvailable()) {
        throw new IllegalStateException("no Docker engine answers");
      }
      var container = new org.testcontainers.postgresql.PostgreSQLContainer("postgres:17-alpine");
      container.start();
      return new PostgresServer(
          container.getJdbcUrl(),
          container.getUsername(),
          container.getPassword(),
          "testcontainers");
    }
  }

  String kind() {
    return kind;
  }

  String user() {
    return user;
  }

  String password() {
    return password;
  }

  /** Creates an empty database named after the caller and returns its JDBC URL. */
  String createDatabase(String hint) {
    String name = "pw_" + hint.toLowerCase().replaceAll("[^a-z0-9]", "_");
    name = name.substring(0, Math.min(name.length(), 40)) + "_" + counter.incrementAndGet();
    try (Connection c = connect(adminUrl);
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE \"" + name + "\"");
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot create test database " + name + " on " + kind + " PostgreSQL", e);
    }
    return withDatabase(adminUrl, name);
  }

  Connection connect(String url) throws SQLException {
    return DriverManager.getConnection(url, user, password);
  }

  /** Replaces the database name in a {@code jdbc:postgresql://host:port/db?params} URL. */
  static String withDatabase(String url, String database) {
    URI uri = URI.create(url.substring("jdbc:".length()));
    String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
    return "jdbc:postgresql://" + uri.getRawAuthority() + "/" + database + query;
  }
}
