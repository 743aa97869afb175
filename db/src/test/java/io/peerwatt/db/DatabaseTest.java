package io.peerwatt.db;

import static io.peerwatt.db.schema.Tables.ZONE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
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
      db.dsl().insertInto(ZONE, ZONE.CODE, ZONE.NAME).values("NL-1", "Kept across restarts").execute();
    }
    try (Database db = Database.start(DatabaseConfig.embedded(dataDir))) {
      assertThat(db.dsl().select(ZONE.NAME).from(ZONE).where(ZONE.CODE.eq("NL-1")).fetchOne(ZONE.NAME))
          .isEqualTo("Kept across restarts");
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
    assertThatThrownBy(() -> Database.start(new DatabaseConfig(url, "peerwatt", "secret", dataDir, 2)))
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
