package io.peerwatt.trading;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.db.testing.TestDatabase;
import io.peerwatt.protocol.testing.MutableClock;
import io.peerwatt.trading.testing.ApiClient;
import io.peerwatt.trading.testing.TradingHarness;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logins sent at the same moment over real sockets: each takes its slot in the limiter before its
 * password is checked, so a burst gets no more checks than the limit, and the right password sent
 * after the burst is refused with 429 like the rest.
 */
@ExtendWith(PostgresExtension.class)
class LoginRaceApiTest {
  private static final int BURST = 40;

  @TempDir static Path dataDir;
  static TradingHarness h;
  static String operator;

  @BeforeAll
  static void start(TestDatabase db) {
    h = TradingHarness.start(db, dataDir, new MutableClock(Instant.parse("2026-11-25T10:00:00Z")));
    operator = h.operator("root");
    h.zone(operator, "DE-TEST", ApiClient.zoneBody("Zone DE-TEST", "CALL_AUCTION", 5000, 1));
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  /** Posts every body at once, each on its own connection; the statuses in body order. */
  private static List<Integer> burst(List<JsonObject> bodies) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(bodies.size());
    // the client's own executor: the burst's threads all block in send()
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    CountDownLatch ready = new CountDownLatch(bodies.size());
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<CompletableFuture<Integer>> sent = new ArrayList<>();
      for (JsonObject body : bodies) {
        sent.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    ready.countDown();
                    go.await();
                    return http.send(
                            HttpRequest.newBuilder(
                                    URI.create(
                                        "http://127.0.0.1:" + h.port() + "/api/v1/auth/login"))
                                .header("content-type", "application/json")
                                .timeout(Duration.ofSeconds(30))
                                .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
                                .build(),
                            HttpResponse.BodyHandlers.discarding())
                        .statusCode();
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                },
                threads));
      }
      ready.await();
      go.countDown();
      List<Integer> statuses = new ArrayList<>();
      for (CompletableFuture<Integer> f : sent) {
        statuses.add(f.get());
      }
      return statuses;
    } finally {
      threads.shutdownNow();
    }
  }

  private static JsonObject login(String username, String password) {
    return new JsonObject().put("username", username).put("password", password);
  }

  @Test
  void aBurstOfWrongPasswordsGetsOnlyTheLimitCheckedAndTheRightOneAfterItIsRefused()
      throws Exception {
    h.prosumer(operator, "dave", "DE-TEST");
    h.clock.advance(Duration.ofMinutes(2));
    List<JsonObject> guesses = new ArrayList<>();
    for (int i = 0; i < BURST; i++) {
      guesses.add(login("dave", "guess-" + i));
    }
    List<Integer> statuses = burst(guesses);
    assertThat(statuses.stream().filter(s -> s == 401).count())
        .as("passwords checked: %s", statuses)
        .isEqualTo(5);
    assertThat(statuses.stream().filter(s -> s == 429).count()).isEqualTo(BURST - 5);
    assertThat(h.post("/auth/login", null, login("dave", "dave-password")).statusCode())
        .isEqualTo(429);
    h.clock.advance(Duration.ofMinutes(2));
  }

  @Test
  void aBurstWithTheRightPasswordInItGetsNoMoreChecksThanTheLimit() throws Exception {
    h.prosumer(operator, "fred", "DE-TEST");
    h.clock.advance(Duration.ofMinutes(2));
    List<JsonObject> bodies = new ArrayList<>();
    for (int i = 0; i < BURST; i++) {
      bodies.add(login("fred", i == BURST / 2 ? "fred-password" : "guess-" + i));
    }
    List<Integer> statuses = burst(bodies);
    long checked = statuses.stream().filter(s -> s == 401 || s == 200).count();
    assertThat(checked).as("passwords checked: %s", statuses).isLessThanOrEqualTo(5);
    assertThat(statuses).isSubsetOf(200, 401, 429);
    h.clock.advance(Duration.ofMinutes(2));
  }
}
