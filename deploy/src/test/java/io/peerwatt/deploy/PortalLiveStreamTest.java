package io.peerwatt.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.peerwatt.trading.AccountAdmin;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The portal's {@code /live} against the running platform over plain HTTP, the way browsers use it: a market
 * page opens it, and navigating, closing the tab or reconnecting drops it. Each open {@code /api/v1/stream}
 * is one more event-bus handler in the platform's {@code /metrics}.
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
    try (Platform platform = Platform.start(PlatformSettings.from(Config.load(PlatformSettings.KEYS, null, Map.of(),
        Map.of("http.port", "0", "data-dir", dir.resolve("data").toString()))))) {
      String alice = prosumer(platform);
      assertThat(answer(platform, "/market", alice).statusCode()).isEqualTo(200);
      long idle = eventBusHandlers(platform);

      // four times the portal's old API pool, which each view used to keep after its browser left
      for (int i = 0; i < 20; i++) {
        HttpClientResponse live = openLive(platform, alice);
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(live.getHeader("content-type")).startsWith("text/event-stream");
        assertThat(eventBusHandlers(platform)).as("the platform's streams while view %d is open", i).isEqualTo(idle + 1);
        live.request().connection().close();
        awaitUntil(() -> eventBusHandlers(platform) == idle, "the platform's stream of view " + i + " ends");
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
  private static String prosumer(Platform p) {
    AccountAdmin.createOperator(p.database().dsl(), "operator", "operator-password");
    String op = login(p, "operator", "operator-password");
    api(p, HttpMethod.PUT, "/zones/" + ZONE, op, new JsonObject().put("name", "Test street").put("currency", "EUR")
        .put("priceUnit", "MILLI_CT_PER_KWH").put("clearingMode", "CONTINUOUS").put("gateClosureLeadSeconds", 900)
        .put("gridFeePerKwh", 2_000).put("imbalancePricePerKwh", 40_000).put("negativePricesAllowed", false)
        .put("localTimeZone", "Europe/Berlin").put("minQuantityWh", 100).put("maxQuantityWh", 1_000_000)
        .put("minPricePerKwh", 0).put("maxPricePerKwh", 100_000));
    api(p, HttpMethod.POST, "/accounts", op, new JsonObject().put("username", "alice").put("password", "alice-password-1")
        .put("role", "prosumer").put("zone", ZONE).put("displayName", "alice"));
    return login(p, "alice", "alice-password-1");
  }

  private static String login(Platform p, String user, String password) {
    return api(p, HttpMethod.POST, "/auth/login", null, new JsonObject().put("username", user).put("password", password))
        .getString("token");
  }

  private static JsonObject api(Platform p, HttpMethod method, String path, String token, JsonObject body) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(p.port())
        .setURI("/api/v1" + path).putHeader("content-type", "application/json");
    if (token != null) {
      options.putHeader("authorization", "Bearer " + token);
    }
    Buffer answer = Platform.await(client.request(options)
        .compose(req -> req.send(body.toBuffer()))
        .compose(r -> r.body().map(b -> {
          assertThat(r.statusCode()).as(method + " " + path + ": " + b).isBetween(200, 299);
          return b;
        })));
    return answer.toJsonObject();
  }

  /** A portal page (or API resource) as alice's browser gets it: the session cookie, or her token for the API. */
  private static HttpClientResponse answer(Platform p, String path, String token) {
    RequestOptions options = new RequestOptions().setHost("127.0.0.1").setPort(p.port()).setURI(path)
        .putHeader("cookie", "pw_session=" + token).putHeader("authorization", "Bearer " + token);
    return Platform.await(client.request(options).compose(req -> req.send()).compose(r -> r.body().map(b -> r)));
  }

  /** Opens {@code /live} and waits for the platform's first line, so the stream is subscribed. */
  private static HttpClientResponse openLive(Platform p, String token) {
    RequestOptions options = new RequestOptions().setHost("127.0.0.1").setPort(p.port()).setURI("/live")
        .putHeader("cookie", "pw_session=" + token);
    return Platform.await(client.request(options).compose(req -> req.send()).compose(r -> {
      Promise<HttpClientResponse> first = Promise.promise();
      r.handler(chunk -> {
        if (chunk.toString().startsWith(": connected")) {
          first.tryComplete(r);
        }
      });
      r.exceptionHandler(first::tryFail);
      return first.future();
    }).timeout(5, TimeUnit.SECONDS));
  }

  /** The platform's event-bus handlers in use: one per open {@code /api/v1/stream}, besides its own. */
  private static long eventBusHandlers(Platform p) {
    RequestOptions options = new RequestOptions().setHost("127.0.0.1").setPort(p.port()).setURI("/metrics");
    String metrics = Platform.await(client.request(options).compose(req -> req.send()).compose(r -> r.body())).toString();
    return metrics.lines().filter(line -> line.startsWith("vertx_eventbus_handlers "))
        .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .findFirst().orElse(0); // the gauge appears with the first handler
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
