package io.peerwatt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, item 2: the login limiter counts the real client, over real HTTP against a running
 * platform on real PostgreSQL. The test plays a TLS proxy on 127.0.0.1 (configured in {@code
 * http.trusted-proxies}) in front of several browsers: one browser failing its portal logins must
 * not lock the others out, although the portal calls the API from loopback for all of them. A
 * client that is not a trusted proxy cannot choose the address it is counted under.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientAddressPlatformTest {
  private static final String ATTACKER = "203.0.113.7";
  private static final String NEIGHBOUR = "198.51.100.20";

  private PlatformHarness h;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start(@TempDir Path dataDir) throws Exception {
    PlatformHarness.createOperatorByCommand(dataDir);
    h = PlatformHarness.start(dataDir, "http.trusted-proxies", "127.0.0.1, ::1");
  }

  @AfterAll
  void stop() {
    h.close();
  }

  private HttpResponse<String> portalLogin(String forwardedFor, String username, String password)
      throws Exception {
    String form =
        "username="
            + URLEncoder.encode(username, StandardCharsets.UTF_8)
            + "&password="
            + URLEncoder.encode(password, StandardCharsets.UTF_8);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.platform.port() + "/login"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", "http://127.0.0.1:" + h.platform.port())
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(form));
    if (forwardedFor != null) {
      request.header("X-Forwarded-For", forwardedFor);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private int apiLogin(String forwardedFor, String portalKey, String username, String password)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + h.platform.port() + "/api/v1/auth/login"))
            .header("content-type", "application/json")
            .timeout(Duration.ofSeconds(30))
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    new JsonObject().put("username", username).put("password", password).encode()));
    if (forwardedFor != null) {
      request.header("X-Forwarded-For", forwardedFor);
    }
    if (portalKey != null) {
      request.header("X-PeerWatt-Portal", portalKey);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void oneBrowserFailingItsPortalLoginsDoesNotLockOutTheOthers() throws Exception {
    // 21 failures under different usernames: the per-address limit (20) is what stops them
    int last = 0;
    for (int i = 0; i <= 20; i++) {
      last = portalLogin(ATTACKER, "nobody" + i, "wrong-password").statusCode();
    }
    assertThat(last).as("the attacking browser is limited").isEqualTo(429);
    HttpResponse<String> neighbour = portalLogin(NEIGHBOUR, "ops", PlatformHarness.OPS_PASSWORD);
    assertThat(neighbour.statusCode()).as(neighbour.body()).isEqualTo(303);
    assertThat(portalLogin(ATTACKER, "ops", PlatformHarness.OPS_PASSWORD).statusCode())
        .isEqualTo(429);
  }

  @Test
  void aClientCannotChooseItsAddressByForgingThePortalsHeader() throws Exception {
    // a trusted proxy forwards 192.0.2.50; the client's own X-Forwarded-For and a guessed portal
    // key change nothing: every attempt counts against 192.0.2.50
    int last = 0;
    for (int i = 0; i <= 20; i++) {
      last = apiLogin("10.9.9." + i + ", 192.0.2.50", "guessed-key", "ghost" + i, "wrong");
    }
    assertThat(last).isEqualTo(429);
    assertThat(apiLogin("192.0.2.51", null, "ops", PlatformHarness.OPS_PASSWORD)).isEqualTo(200);
  }
}
