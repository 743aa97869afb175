package io.peerwatt.db;

import static io.peerwatt.db.schema.Tables.ZONE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {

  @Test
  void embeddedDatabaseKeepsItsDataAcrossRestarts(@TempDir Path dataDir) {
    try (Database db = Database.start(DatabaseConfig.embedded(dataDir))) {
      assertThat(db.isReachable()).isTrue();
      assertThat(db.schemaVersion()).isNotEqualTo("none");
      // durable: a commit the platform acknowledges is on disk
      assertThat(db.dsl().fetchValue("show fsync")).isEqualTo("on");
      assertThat(db.dsl().fetchValue("show synchronous_commit")).isEqualTo("on");
      db.dsl()
          .insertInto(ZONE, ZONE.CODE, ZONE.NAME)
          .values("NL-1", "Kept across restarts")
          .execute();
    }
    try (Database db = Database.start(DatabaseConfig.embedded(dataDir))) {
      assertThat(
              db.dsl().select(ZONE.NAME).from(ZONE).where(ZONE.CODE.eq("NL-1")).fetchOne(ZONE.NAME))
          .isEqualTo("Kept across restarts");
    }
  }

  @Test
  void aStartAfterKillNineStopsTheOrphanedServerAndKeepsTheData(@TempDir Path dataDir)
      throws Exception {
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                EmbeddedDatabaseChild.class.getName(),
                dataDir.toString())
            .redirectErrorStream(true)
            .start();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null && !line.equals("READY")) {
        // start-up log lines of the child
      }
      assertThat(line).as("the child JVM started its database").isEqualTo("READY");
      long orphan =
          Long.parseLong(
              Files.readAllLines(dataDir.resolve("postgres/postmaster.pid")).get(0).trim());
      // kill -9: the JVM dies, its PostgreSQL server lives on with the data directory locked
      child.destroyForcibly().waitFor();
      assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive)).contains(true);

      try (Database db = Database.start(DatabaseConfig.embedded(dataDir))) {
        assertThat(db.dsl().fetchValue("SELECT count(*) FROM child_marker")).isEqualTo(1L);
      }
      assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    } finally {
      child.destroyForcibly();
    }
  }

  @Test
  void unreachableServerIsReportedPromptlyAndByAddress(@TempDir Path dataDir) throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    String url = "jdbc:postgresql://127.0.0.1:" + closedPort + "/peerwatt";
    Instant start = Instant.now();
    assertThatThrownBy(
            () -> Database.start(new DatabaseConfig(url, "peerwatt", "secret", dataDir, 2)))
        .isInstanceOf(DatabaseUnavailableException.class)
        .hasMessageStartingWith("cannot reach PostgreSQL at " + url);
    assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void passwordsInUrlsAreNotShown() {
    assertThat(Database.redact("jdbc:postgresql://db:5432/pw?user=a&password=hunter2&ssl=true"))
        .isEqualTo("jdbc:postgresql://db:5432/pw?user=a&password=***&ssl=true");
  }
}
