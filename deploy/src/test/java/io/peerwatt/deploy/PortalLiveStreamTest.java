package io.peerwatt.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.peerwatt.trading.testing.ApiClient;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The portal's {@code /live} against the running platform over plain HTTP, the way browsers use it:
 * a market page opens it, and navigating, closing the tab or reconnecting drops it. Each open
 * {@code /api/v1/stream} is one more event-bus handler in the platform's {@code /metrics}.
 */
class PortalLiveStreamTest {
  private static final String ZONE = "DE-TEST";
  private static Vertx vertx;
  private static HttpClient client;

  @BeforeAll
  static void client() {
    vertx = Vertx.vertx();
    client = vertx.createHttpClient(new PoolOptions().setHttp1MaxSize(50));
  }

  @AfterAll
  static void close() {
    Platform.await(vertx.close());
  }

  @Test
  void liveViewsThatWentAwayLeaveNoStreamAndPagesStillAnswer(@TempDir Path dir) {
    try (PlatformHarness h = PlatformHarness.start(dir.resolve("data"))) {
      Platform platform = h.platform;
      String alice = prosumer(h);
      assertThat(answer(platform, "/market", alice).statusCode()).isEqualTo(200);
      long idle = h.eventBusHandlers();

      // four times the portal's old API pool, which each view used to keep after its browser left
      for (int i = 0; i < 20; i++) {
        HttpClientResponse live = openLive(platform, alice);
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(live.getHeader("content-type")).startsWith("text/event-stream");
        assertThat(h.eventBusHandlers())
            .as("the platform's streams while view %d is open", i)
            .isEqualTo(idle + 1);
        live.request().connection().close();
        awaitUntil(
            () -> h.eventBusHandlers() == idle, "the platform's stream of view " + i + " ends");
      }

      // the old failure: a page waited 15 s for an API connection, then showed a 500
      for (String path : new String[] {"/market", "/dashboard", "/api/v1/orders"}) {
        long started = System.nanoTime();
        HttpClientResponse page = answer(platform, path, alice);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(page.statusCode()).as(path).isEqualTo(200);
        assertThat(tookMs).as("ms for " + path).isLessThan(2_000);
      }
    }
  }

  /** A zone and its prosumer alice, set up over the API as an operator would; alice's token. */
  private static String prosumer(PlatformHarness h) {
    String op = h.operator("operator", "operator-password");
    h.api.zone(op, ZONE, PlatformHarness.testStreetZone());
    ApiClient.ok(
        h.api.post(
            "/accounts",
            op,
            new JsonObject()
                .put("username", "alice")
                .put("password", "alice-password-1")
                .put("role", "prosumer")
                .put("zone", ZONE)
                .put("displayName", "alice")));
    return h.api.login("alice", "alice-password-1");
  }

  /**
   * A portal page (or API resource) as alice's browser gets it: the session cookie, or her token
   * for the API.
   */
  private static HttpClientResponse answer(Platform p, String path, String token) {
    RequestOptions options =
        new RequestOptions()
            .setHost("127.0.0.1")
            .setPort(p.port())
            .setURI(path)
            .putHeader("cookie", "pw_session=" + token)
            .putHeader("authorization", "Bearer " + token);
    return Platform.await(
        client.request(options).compose(req -> req.send()).compose(r -> r.body().map(b -> r)));
  }

  /** Opens {@code /live} and waits for the platform's first line, so the stream is subscribed. */
  private static HttpClientResponse openLive(Platform p, String token) {
    RequestOptions options =
        new RequestOptions()
            .setHost("127.0.0.1")
            .setPort(p.port())
            .setURI("/live")
            .putHeader("cookie", "pw_session=" + token);
    return Platform.await(
        client
            .request(options)
            .compose(req -> req.send())
            .compose(
                r -> {
                  Promise<HttpClientResponse> first = Promise.promise();
                  r.handler(
                      chunk -> {
                        if (chunk.toString().startsWith(": connected")) {
                          first.tryComplete(r);
                        }
                      });
                  r.exceptionHandler(first::tryFail);
                  return first.future();
                })
            .timeout(5, TimeUnit.SECONDS));
  }

  private static void awaitUntil(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail(what + " within 2 s");
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
