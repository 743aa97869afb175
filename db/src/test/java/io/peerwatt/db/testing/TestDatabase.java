package io.peerwatt.db.testing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.peerwatt.db.Database;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * A fresh, migrated PostgreSQL database for one test class, on the test JVM's one server (see
 * {@link PostgresExtension} for the JUnit way to get one). Every module's tests can use it through
 * the db test-jar.
 */
public final class TestDatabase implements AutoCloseable {
  private final String jdbcUrl;
  private final HikariDataSource dataSource;
  private final DSLContext dsl;

  private TestDatabase(String jdbcUrl, HikariDataSource dataSource) {
    this.jdbcUrl = jdbcUrl;
    this.dataSource = dataSource;
    this.dsl = DSL.using(dataSource, SQLDialect.POSTGRES);
  }

  /** Creates a new database named after {@code hint}, migrated to the newest schema. */
  public static TestDatabase create(String hint) {
    PostgresServer server = PostgresServer.get();
    String url = server.createDatabase(hint);
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(url);
    hc.setUsername(server.user());
    hc.setPassword(server.password());
    hc.setMaximumPoolSize(8);
    hc.setMinimumIdle(0);
    hc.setConnectionInitSql("SET TIME ZONE 'UTC'");
    hc.setPoolName("test-" + hint);
    HikariDataSource ds = new HikariDataSource(hc);
    Database.migrate(ds);
    return new TestDatabase(url, ds);
  }

  public DataSource dataSource() {
    return dataSource;
  }

  public DSLContext dsl() {
    return dsl;
  }

  public String jdbcUrl() {
    return jdbcUrl;
  }

  public String user() {
    return PostgresServer.get().user();
  }

  public String password() {
    return PostgresServer.get().password();
  }

  /** Which server backs the tests: external, testcontainers or embedded. */
  public static String serverKind() {
    return PostgresServer.get().kind();
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
