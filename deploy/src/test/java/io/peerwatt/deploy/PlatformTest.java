package io.peerwatt.deploy;

import static io.peerwatt.db.schema.Tables.ZONE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code peerwatt platform} on embedded defaults, spoken to over real HTTP. */
class PlatformTest {
  private static Vertx clientVertx;
  private static WebClient client;

  @BeforeAll
  static void client() {
    clientVertx = Vertx.vertx();
    client = WebClient.create(clientVertx);
  }

  @AfterAll
  static void closeClient() {
    Platform.await(clientVertx.close());
  }

  private static PlatformSettings settings(Path dataDir, int port) {
    return PlatformSettings.from(Config.load(PlatformSettings.KEYS, null, Map.of(),
        Map.of("http.port", String.valueOf(port), "data-dir", dataDir.toString())));
  }

  private static HttpResponse<Buffer> get(Platform platform, String path) {
    return Platform.await(client.get(platform.port(), "127.0.0.1", path).send());
  }

  @Test
  void healthIsUpWithSchemaVersionAndDataSurvivesARestart(@TempDir Path dataDir) {
    try (Platform platform = Platform.start(settings(dataDir, 0))) {
      HttpResponse<Buffer> health = get(platform, "/health");
      assertThat(health.statusCode()).isEqualTo(200);
      JsonObject body = health.bodyAsJsonObject();
      assertThat(body.getString("status")).isEqualTo("UP");
      assertThat(body.getJsonObject("database").getBoolean("reachable")).isTrue();
      assertThat(body.getJsonObject("database").getString("schemaVersion")).matches("\\d+(\\.\\d+)*");
      // settlement runs on the embedded devnet, funded by its faucet at start
      assertThat(body.getJsonObject("chain").getString("network")).isEqualTo("devnet");
      assertThat(body.getJsonObject("chain").getLong("height")).isPositive();
      assertThat(body.getJsonObject("chain").getLong("hubWalletSats")).isPositive();
      platform.database().dsl().insertInto(ZONE, ZONE.CODE, ZONE.NAME).values("AT-1", "Survives restarts").execute();
    }
    try (Platform platform = Platform.start(settings(dataDir, 0))) {
      assertThat(get(platform, "/health").bodyAsJsonObject().getString("status")).isEqualTo("UP");
      // the devnet chain is persisted: it resumes, not restarts, with the hub's funds
      assertThat(get(platform, "/health").bodyAsJsonObject().getJsonObject("chain").getLong("height")).isPositive();
      assertThat(platform.database().dsl().fetchValue(ZONE.NAME, ZONE.CODE.eq("AT-1"))).isEqualTo("Survives restarts");
    }
  }

  @Test
  void metricsArePrometheusText(@TempDir Path dataDir) {
    try (Platform platform = Platform.start(settings(dataDir, 0))) {
      get(platform, "/health");
      HttpResponse<Buffer> metrics = get(platform, "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.getHeader("content-type")).startsWith("text/plain");
      assertThat(metrics.bodyAsString()).contains("# TYPE jvm_memory_used_bytes gauge").contains("vertx_http_server_requests");
    }
  }

  @Test
  void aTakenPortIsOneClearUserError(@TempDir Path dataDir) {
    try (Platform first = Platform.start(settings(dataDir.resolve("a"), 0))) {
      assertThatThrownBy(() -> Platform.start(settings(dataDir.resolve("b"), first.port())))
          .isInstanceOf(UserError.class)
          .hasMessage("port " + first.port() + " on 127.0.0.1 is already in use: choose another with --port or PEERWATT_HTTP_PORT");
    }
  }
}
