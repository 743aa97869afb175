package io.peerwatt.deploy;

import static io.peerwatt.db.schema.Tables.ZONE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code peerwatt platform} on embedded defaults, spoken to over real HTTP. */
class PlatformTest {

  @Test
  void healthIsUpWithSchemaVersionAndDataSurvivesARestart(@TempDir Path dataDir) {
    try (PlatformHarness h = PlatformHarness.start(dataDir)) {
      HttpResponse<Buffer> health = h.api.getPath("/health");
      assertThat(health.statusCode()).isEqualTo(200);
      JsonObject body = health.bodyAsJsonObject();
      assertThat(body.getString("status")).isEqualTo("UP");
      assertThat(body.getJsonObject("database").getBoolean("reachable")).isTrue();
      assertThat(body.getJsonObject("database").getString("schemaVersion"))
          .matches("\\d+(\\.\\d+)*");
      // settlement runs on the embedded devnet, funded by its faucet at start
      assertThat(body.getJsonObject("chain").getString("network")).isEqualTo("devnet");
      assertThat(body.getJsonObject("chain").getLong("height")).isPositive();
      assertThat(body.getJsonObject("chain").getLong("hubWalletSats")).isPositive();
      h.platform
          .database()
          .dsl()
          .insertInto(ZONE, ZONE.CODE, ZONE.NAME)
          .values("AT-1", "Survives restarts")
          .execute();
    }
    try (PlatformHarness h = PlatformHarness.start(dataDir)) {
      assertThat(h.api.getPath("/health").bodyAsJsonObject().getString("status")).isEqualTo("UP");
      // the devnet chain is persisted: it resumes, not restarts, with the hub's funds
      assertThat(
              h.api.getPath("/health").bodyAsJsonObject().getJsonObject("chain").getLong("height"))
          .isPositive();
      assertThat(h.platform.database().dsl().fetchValue(ZONE.NAME, ZONE.CODE.eq("AT-1")))
          .isEqualTo("Survives restarts");
    }
  }

  @Test
  void metricsArePrometheusText(@TempDir Path dataDir) {
    try (PlatformHarness h = PlatformHarness.start(dataDir)) {
      h.api.getPath("/health");
      HttpResponse<Buffer> metrics = h.api.getPath("/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.getHeader("content-type")).startsWith("text/plain");
      assertThat(metrics.bodyAsString())
          .contains("# TYPE jvm_memory_used_bytes gauge")
          .contains("vertx_http_server_requests");
    }
  }

  @Test
  void aTakenPortIsOneClearUserError(@TempDir Path dataDir) {
    try (PlatformHarness first = PlatformHarness.start(dataDir.resolve("a"))) {
      int port = first.platform.port();
      assertThatThrownBy(
              () ->
                  Platform.start(
                      PlatformHarness.settings(
                          dataDir.resolve("b"), "http.port", String.valueOf(port))))
          .isInstanceOf(UserError.class)
          .hasMessage(
              "port "
                  + port
                  + " on 127.0.0.1 is already in use: choose another with --port or PEERWATT_HTTP_PORT");
    }
  }
}
