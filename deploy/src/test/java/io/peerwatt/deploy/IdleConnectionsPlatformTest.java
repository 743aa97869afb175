package io.peerwatt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, item 7: clients that open connections and never finish their requests (21,000 of them
 * made the platform unreachable) get a running platform's connection limit, 503 beyond it, a {@code
 * /health} that keeps answering, and their connections closed after the idle timeout. Real sockets
 * against the running platform on real PostgreSQL; the limit and timeout are set low.
 */
class IdleConnectionsPlatformTest {
  private static final int LIMIT = 50;
  private static final int ATTACKERS = 300;
  private static final Duration IDLE = Duration.ofSeconds(4);

  private final List<Socket> attackers = new ArrayList<>();
  private PlatformHarness h;

  @AfterEach
  void stop() throws IOException {
    for (Socket s : attackers) {
      s.close();
    }
    if (h != null) {
      h.close();
    }
  }

  /**
   * Sends {@code GET path} with {@code Connection: close} on a new connection and reads the answer
   * to its end; a server that hangs fails the test after 5 s.
   */
  private Answer get(String path) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", h.platform.port())) {
      socket.setSoTimeout(5_000);
      socket
          .getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      ByteArrayOutputStream text = new ByteArrayOutputStream();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[4096];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        text.write(buffer, 0, n);
      }
      return new Answer(text.toString(StandardCharsets.UTF_8));
    }
  }

  record Answer(String text) {
    int status() {
      return Integer.parseInt(text.substring("HTTP/1.1 ".length(), "HTTP/1.1 ".length() + 3));
    }

    String body() {
      return text.substring(text.indexOf("\r\n\r\n") + 4);
    }
  }

  private int openConnectionsByHealth() throws IOException {
    Answer health = get("/health");
    assertThat(health.status()).as(health.text()).isEqualTo(200);
    return new JsonObject(health.body()).getJsonObject("http").getInteger("openConnections");
  }

  @Test
  void halfSentRequestsGetNoHangA503BeyondTheLimitAHealthyHealthAndAreClosedWhenIdle(
      @TempDir Path dataDir) throws Exception {
    h =
        PlatformHarness.start(
            dataDir,
            "http.max-connections",
            String.valueOf(LIMIT),
            "http.idle-timeout-seconds",
            String.valueOf(IDLE.toSeconds()),
            "http.header-timeout-seconds",
            "60");
    assertThat(get("/api/v1/zones").status()).as("before: served").isEqualTo(401);

    long attackStart = System.nanoTime();
    for (int i = 0; i < ATTACKERS; i++) {
      Socket socket = new Socket("127.0.0.1", h.platform.port());
      attackers.add(socket);
      socket
          .getOutputStream()
          .write(
              "POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 99\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
    }
    // the platform has taken the attackers' connections once its slots are full
    long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    while (openConnectionsByHealth() <= LIMIT && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }

    Answer refused = get("/api/v1/zones");
    assertThat(refused.status()).as("an ordinary request beyond the limit").isEqualTo(503);
    assertThat(refused.text()).containsIgnoringCase("retry-after:").contains("SERVER_BUSY");
    Answer health = get("/health");
    assertThat(health.status()).as(health.text()).isEqualTo(200);
    JsonObject body = new JsonObject(health.body());
    assertThat(body.getString("status")).isEqualTo("UP");
    assertThat(body.getJsonObject("http").getInteger("openConnections"))
        .as("/health itself was beyond the limit")
        .isGreaterThan(LIMIT);

    // every half-sent connection is closed by the server: those beyond the limit at once, those
    // within it after the idle timeout
    Duration lastClosed = Duration.ZERO;
    for (Socket socket : attackers) {
      socket.setSoTimeout(10_000);
      try {
        while (socket.getInputStream().read() >= 0) {
          // an answer before the close (none is expected) is read and dropped
        }
      } catch (SocketTimeoutException e) {
        throw new AssertionError("a half-sent connection was kept open", e);
      } catch (IOException reset) {
        // reset by the server: closed too
      }
      lastClosed = Duration.ofNanos(System.nanoTime() - attackStart);
    }
    assertThat(lastClosed)
        .as("the connections within the limit stay until they are idle for the idle timeout")
        .isBetween(IDLE.minusMillis(500), IDLE.plusSeconds(5));

    assertThat(get("/api/v1/zones").status()).as("after: served again").isEqualTo(401);
    assertThat(openConnectionsByHealth()).isLessThanOrEqualTo(2);
  }
}
