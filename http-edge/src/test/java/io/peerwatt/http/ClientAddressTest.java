package io.peerwatt.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Who the client is, over a real socket from 127.0.0.1: the connection's peer unless the peer is a
 * trusted proxy or the portal with the process's key.
 */
class ClientAddressTest {
  private static final String PORTAL_KEY = "k".repeat(64);
  private Vertx vertx;
  private WebClient client;
  private int port;

  private void start(String trusted) throws Exception {
    vertx = Vertx.vertx();
    Router root = Router.router(vertx);
    root.route().handler(ClientAddress.resolver(TrustedProxies.parse(trusted), PORTAL_KEY));
    root.get("/who")
        .handler(
            ctx ->
                ctx.response()
                    .end(ClientAddress.of(ctx) + " " + (ClientAddress.secure(ctx) ? "tls" : "-")));
    HttpServer server =
        vertx
            .createHttpServer()
            .requestHandler(root)
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    port = server.actualPort();
    client = WebClient.create(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    if (vertx == null) {
      return;
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private String who(String... headers) throws Exception {
    var req = client.get(port, "127.0.0.1", "/who");
    for (int i = 0; i < headers.length; i += 2) {
      req.putHeader(headers[i], headers[i + 1]);
    }
    return req.send()
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS)
        .bodyAsString();
  }

  @Test
  void aClientThatIsNoTrustedProxyIsItsConnectionWhateverItForwards() throws Exception {
    start("10.0.0.0/8");
    assertThat(who()).isEqualTo("127.0.0.1 -");
    assertThat(who("X-Forwarded-For", "203.0.113.7", "X-Forwarded-Proto", "https"))
        .isEqualTo("127.0.0.1 -");
  }

  @Test
  void behindATrustedProxyTheClientIsTheRightMostUntrustedHop() throws Exception {
    start("127.0.0.1, 10.0.0.0/8");
    assertThat(who("X-Forwarded-For", "198.51.100.1, 203.0.113.7, 10.1.2.3"))
        .isEqualTo("203.0.113.7 -");
    assertThat(who("X-Forwarded-For", "203.0.113.7", "X-Forwarded-Proto", "https"))
        .isEqualTo("203.0.113.7 tls");
    // a hop that is no address ends what can be believed; the proxy itself is then the client
    assertThat(who("X-Forwarded-For", "203.0.113.7, evil")).isEqualTo("127.0.0.1 -");
    assertThat(who()).isEqualTo("127.0.0.1 -");
  }

  @Test
  void thePortalsForwardedAddressIsBelievedOnlyWithTheProcesssKey() throws Exception {
    start("");
    assertThat(
            who(
                "X-Forwarded-For",
                "203.0.113.7",
                ClientAddress.PORTAL_HEADER,
                PORTAL_KEY,
                "X-Forwarded-Proto",
                "https"))
        .isEqualTo("203.0.113.7 tls");
    assertThat(who("X-Forwarded-For", "203.0.113.7", ClientAddress.PORTAL_HEADER, "guess"))
        .isEqualTo("127.0.0.1 -");
  }

  @Test
  void trustedProxiesAreAddressesOrBlocksNeverNames() {
    assertThat(TrustedProxies.parse(" 127.0.0.1 , ::1, 10.0.0.0/8").contains("10.200.0.1"))
        .isTrue();
    assertThat(TrustedProxies.parse("10.0.0.0/8").contains("11.0.0.1")).isFalse();
    assertThat(TrustedProxies.parse("").isEmpty()).isTrue();
    assertThatThrownBy(() -> TrustedProxies.parse("proxy.example.com"))
        .hasMessageContaining("proxy.example.com");
    assertThatThrownBy(() -> TrustedProxies.parse("10.0.0.0/33")).hasMessageContaining("/33");
  }
}
