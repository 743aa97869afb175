package io.peerwatt.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The connection limit and timeouts over real sockets: clients that open connections and never
 * finish a request cannot keep the server from answering.
 */
class ConnectionGuardTest {
  private static final String HALF_SENT = "GET /work HTTP/1.1\r\nHost: localhost\r\nX-Slow: ";

  private Vertx vertx;
  private ConnectionGuard guard;
  private int port;
  private final List<Socket> sockets = new ArrayList<>();

  private void start(int maxConnections, Duration idle, Duration header) throws Exception {
    vertx = Vertx.vertx();
    guard =
        new ConnectionGuard(
            vertx, new ConnectionGuard.Limits(maxConnections, idle, header), Set.of("/health"));
    Router router = Router.router(vertx);
    router.get("/health").handler(ctx -> ctx.response().end("UP"));
    router.get("/work").handler(ctx -> ctx.response().end("done"));
    HttpServer server =
        guard
            .install(vertx.createHttpServer(guard.apply(new HttpServerOptions())), router)
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    port = server.actualPort();
  }

  @AfterEach
  void stop() throws Exception {
    for (Socket s : sockets) {
      s.close();
    }
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** A connection that sends the start of a request head and then nothing. */
  private Socket halfSent() throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    sockets.add(socket);
    socket.getOutputStream().write(HALF_SENT.getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    return socket;
  }

  /**
   * Sends a complete keep-alive GET of {@code path} and reads what comes back until the server
   * closes the connection or 2 s pass; returns the text and whether the server closed.
   */
  private Answer get(String path) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(2_000);
      socket
          .getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      ByteArrayOutputStream text = new ByteArrayOutputStream();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[4096];
      try {
        for (int n; (n = in.read(buffer)) >= 0; ) {
          text.write(buffer, 0, n);
        }
        return new Answer(text.toString(StandardCharsets.US_ASCII), true);
      } catch (SocketTimeoutException e) {
        return new Answer(text.toString(StandardCharsets.US_ASCII), false);
      }
    }
  }

  record Answer(String text, boolean closedByServer) {
    String statusLine() {
      return text.lines().findFirst().orElse("");
    }
  }

  /** Waits until the server closes {@code socket}; returns how long that took. */
  private static Duration closedWithin(Socket socket, Duration limit) throws IOException {
    long start = System.nanoTime();
    socket.setSoTimeout((int) limit.toMillis());
    try {
      while (socket.getInputStream().read() >= 0) {
        // a closed idle connection may first get a 408 or nothing: read until the end
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server kept the connection open for " + limit, e);
    } catch (IOException reset) {
      // a reset is a close too
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** Waits (up to 5 s) until the server counts {@code count} open connections. */
  private void awaitOpen(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (guard.openConnections() != count && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(guard.openConnections()).isEqualTo(count);
  }

  @Test
  void beyondTheLimitARequestGets503AtOnceAndHealthStillAnswers() throws Exception {
    start(20, Duration.ofSeconds(30), Duration.ofSeconds(30));
    for (int i = 0; i < 20; i++) {
      halfSent();
    }
    awaitOpen(20);

    Answer refused = get("/work");
    assertThat(refused.statusLine()).isEqualTo("HTTP/1.1 503 Service Unavailable");
    assertThat(refused.text()).containsIgnoringCase("retry-after: 5").contains("SERVER_BUSY");
    assertThat(refused.closedByServer()).isTrue();

    Answer health = get("/health");
    assertThat(health.statusLine()).isEqualTo("HTTP/1.1 200 OK");
    assertThat(health.text()).endsWith("UP");
    assertThat(health.closedByServer()).as("beyond the limit even /health is not kept").isTrue();

    for (Socket s : sockets) {
      s.close();
    }
    awaitOpen(0);
    Answer served = get("/work");
    assertThat(served.statusLine()).isEqualTo("HTTP/1.1 200 OK");
    assertThat(served.closedByServer()).as("under the limit a connection is kept alive").isFalse();
  }

  @Test
  void aHalfSentRequestIsClosedAfterTheHeaderTimeoutEvenWhenItTrickles() throws Exception {
    start(100, Duration.ofSeconds(30), Duration.ofSeconds(1));
    Socket silent = halfSent();
    Socket trickling = halfSent();
    OutputStream out = trickling.getOutputStream();
    Thread trickle =
        new Thread(
            () -> {
              try {
                while (true) {
                  out.write('x');
                  out.flush();
                  Thread.sleep(200);
                }
              } catch (IOException | InterruptedException closed) {
                // the server closed the connection (or the test ended)
              }
            });
    trickle.start();
    try {
      assertThat(closedWithin(silent, Duration.ofSeconds(10)))
          .isBetween(Duration.ofMillis(800), Duration.ofSeconds(5));
      assertThat(closedWithin(trickling, Duration.ofSeconds(10))).isLessThan(Duration.ofSeconds(5));
    } finally {
      trickle.interrupt();
    }
  }

  @Test
  void anIdleConnectionIsClosedAfterTheIdleTimeout() throws Exception {
    start(100, Duration.ofSeconds(1), Duration.ofSeconds(30));
    Socket socket = halfSent();
    assertThat(closedWithin(socket, Duration.ofSeconds(10)))
        .isBetween(Duration.ofMillis(800), Duration.ofSeconds(5));
  }

  @Test
  void aHalfSentConnectionBeyondTheLimitIsClosedWithinTheGrace() throws Exception {
    start(5, Duration.ofSeconds(30), Duration.ofSeconds(30));
    for (int i = 0; i < 5; i++) {
      halfSent();
    }
    awaitOpen(5);
    Socket beyond = halfSent();
    assertThat(closedWithin(beyond, Duration.ofSeconds(10)))
        .isLessThan(ConnectionGuard.OVER_LIMIT_GRACE.plusSeconds(2));
    // the ones within the limit are kept
    awaitOpen(5);
  }
}
