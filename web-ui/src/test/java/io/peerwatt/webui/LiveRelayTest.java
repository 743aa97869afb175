package io.peerwatt.webui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The portal's {@code /live} relay over real HTTP: a stand-in API that streams {@code
 * /api/v1/stream} the way the platform does (a comment at once, then nothing until an event) and
 * answers every other call with {@code {}}, the portal in front of it, and an HTTP client playing
 * the browser that opens {@code /live} and goes away.
 */
class LiveRelayTest {
  /** The portal only reads a session token's claims; the API is the one that would check it. */
  private static final String TOKEN =
      "e30."
          + Base64.getUrlEncoder()
              .withoutPadding()
              .encodeToString(
                  "{\"sub\":\"7\",\"username\":\"alice\",\"role\":\"prosumer\",\"zone\":\"DE-TEST\"}"
                      .getBytes(StandardCharsets.UTF_8))
          + ".sig";

  private Vertx vertx;
  private HttpServer api;
  private HttpServer portal;
  private HttpClient browser;

  /** The API's open stream responses: its subscribers. */
  private final Set<HttpServerResponse> subscribers = ConcurrentHashMap.newKeySet();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    Router apiRouter = Router.router(vertx);
    apiRouter
        .get("/api/v1/stream")
        .handler(
            ctx -> {
              HttpServerResponse response = ctx.response();
              subscribers.add(response);
              response.closeHandler(v -> subscribers.remove(response));
              response.endHandler(v -> subscribers.remove(response));
              response
                  .setChunked(true)
                  .putHeader("content-type", "text/event-stream")
                  .write(": connected\n\n");
            });
    apiRouter.route("/api/v1/*").handler(ctx -> ctx.json(new io.vertx.core.json.JsonObject()));
    api = await(vertx.createHttpServer().requestHandler(apiRouter).listen(0, "127.0.0.1"));
    browser = vertx.createHttpClient(new PoolOptions().setHttp1MaxSize(50));
  }

  private void startPortal(int maxLiveStreams) {
    Router router = Router.router(vertx);
    router
        .route("/*")
        .subRouter(
            Portal.router(
                vertx,
                () -> URI.create("http://127.0.0.1:" + api.actualPort() + "/api/v1"),
                java.time.Clock.systemUTC(),
                maxLiveStreams));
    portal = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
  }

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  @Test
  void aBrowserLeavingLiveEndsItsApiStreamAndPagesStillAnswer() {
    startPortal(ApiClient.MAX_LIVE_STREAMS);
    // four times the old pool: every relay used to keep an API connection after its browser left
    for (int i = 0; i < 20; i++) {
      Live live = openLive();
      assertThat(await(live.first(), Duration.ofSeconds(5)).toString())
          .as("view %d", i)
          .startsWith(": connected");
      assertThat(subscribers).hasSize(1);
      live.response().request().connection().close();
      awaitUntil(
          subscribers::isEmpty, "the API's stream of view " + i + " closes once the browser left");
    }
    assertPageAnswersAtOnce();
  }

  @Test
  void beyondTheLimitLiveIsRefusedWith503WhilePagesStillAnswer() {
    startPortal(3);
    Live[] open = {openLive(), openLive(), openLive()};
    for (Live live : open) {
      await(live.first(), Duration.ofSeconds(5));
    }
    Page refused = await(page("/live"), Duration.ofSeconds(5));
    assertThat(refused.response().statusCode()).isEqualTo(503);
    assertThat(refused.response().getHeader("retry-after")).isNotBlank();
    assertThat(refused.body()).contains("Too many live views");
    assertThat(subscribers).hasSize(3);
    assertPageAnswersAtOnce();

    open[0].response().request().connection().close();
    awaitUntil(() -> subscribers.size() == 2, "the API's stream closes once the browser left");
    Live again = openLive();
    assertThat(await(again.first(), Duration.ofSeconds(5)).toString()).startsWith(": connected");
  }

  @Test
  void theBrowsersResponseEndsWhenTheApiEndsOrDropsItsStream() {
    startPortal(ApiClient.MAX_LIVE_STREAMS);
    Live ended = openLive();
    await(ended.first(), Duration.ofSeconds(5));
    subscribers.iterator().next().end();
    await(ended.end(), Duration.ofSeconds(2));

    Live dropped = openLive();
    await(dropped.first(), Duration.ofSeconds(5));
    subscribers.iterator().next().reset();
    awaitUntil(
        () -> dropped.end().isComplete(),
        "the browser's response ends when the API's connection drops");
    assertPageAnswersAtOnce();
  }

  /** A browser's {@code /live}: its response, its first chunk and its end. */
  private record Live(HttpClientResponse response, Future<Buffer> first, Future<Void> end) {}

  private Live openLive() {
    return await(
        get("/live")
            .map(
                response -> {
                  Promise<Buffer> first = Promise.promise();
                  response.handler(first::tryComplete);
                  response.exceptionHandler(first::tryFail);
                  return new Live(response, first.future(), response.end());
                }),
        Duration.ofSeconds(5));
  }

  /** A whole answer, its body read as it arrives. */
  private record Page(HttpClientResponse response, String body) {}

  private Future<Page> page(String uri) {
    return get(uri)
        .compose(response -> response.body().map(body -> new Page(response, body.toString())));
  }

  private Future<HttpClientResponse> get(String uri) {
    return browser
        .request(
            new RequestOptions()
                .setHost("127.0.0.1")
                .setPort(portal.actualPort())
                .setURI(uri)
                .putHeader("cookie", Portal.SESSION_COOKIE + "=" + TOKEN))
        .compose(req -> req.send());
  }

  /** The old failure: every page waited 15 s for an API connection, then showed a 500. */
  private void assertPageAnswersAtOnce() {
    long started = System.nanoTime();
    Page page = await(page("/proofs"), Duration.ofSeconds(30));
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertThat(page.response().statusCode()).as(page.body()).isEqualTo(200);
    assertThat(tookMs).as("ms for a page").isLessThan(2_000);
  }

  private static void awaitUntil(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail(what + " within 2 s");
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private static <T> T await(Future<T> future) {
    return await(future, Duration.ofSeconds(30));
  }

  private static <T> T await(Future<T> future, Duration timeout) {
    try {
      return future
          .toCompletionStage()
          .toCompletableFuture()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("no answer within " + timeout + ": " + e, e);
    }
  }
}
