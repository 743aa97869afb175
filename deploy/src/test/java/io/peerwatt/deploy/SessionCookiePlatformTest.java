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
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, item 4: the portal's session cookie carries {@code Secure} by default when the platform
 * listens beyond loopback, and on any connection that came over TLS; a logout revokes the token on
 * the platform, so the old cookie and the old bearer token are refused with 401, also after a
 * restart. Real HTTP, running platform, real PostgreSQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SessionCookiePlatformTest {
  private Path dataDir;
  private PlatformHarness h;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    dataDir = dir;
    PlatformHarness.createOperatorByCommand(dataDir);
    // every interface, no http.secure-cookie: the default outside loopback
    h = PlatformHarness.start(dataDir, "http.host", "0.0.0.0", "http.trusted-proxies", "127.0.0.1");
  }

  @AfterAll
  void stop() {
    h.close();
  }

  private String self() {
    return "http://127.0.0.1:" + h.platform.port();
  }

  /** Logs in on the portal's form; the answer's Set-Cookie headers hold the session. */
  private HttpResponse<String> portalLogin(String forwardedProto) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(self() + "/login"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", self())
            .timeout(Duration.ofSeconds(30))
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "username=ops&password="
                        + URLEncoder.encode(PlatformHarness.OPS_PASSWORD, StandardCharsets.UTF_8)));
    if (forwardedProto != null) {
      request.header("X-Forwarded-Proto", forwardedProto);
    }
    HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(303);
    return answer;
  }

  private static String sessionCookie(HttpResponse<?> answer) {
    List<String> cookies =
        answer.headers().allValues("set-cookie").stream()
            .filter(c -> c.startsWith("pw_session="))
            .toList();
    assertThat(cookies).hasSize(1);
    return cookies.get(0);
  }

  private static String token(String setCookie) {
    return setCookie.substring("pw_session=".length(), setCookie.indexOf(';'));
  }

  private static boolean isSecure(String setCookie) {
    return List.of(setCookie.split(";")).stream()
        .map(String::strip)
        .anyMatch(attribute -> attribute.equalsIgnoreCase("Secure"));
  }

  private int portalPage(String token) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(self() + "/operator"))
                .header("cookie", "pw_session=" + token)
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private HttpResponse<String> portalLogout(String token) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(self() + "/logout"))
            .header("cookie", "pw_session=" + token)
            .header("origin", self())
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private int api(String method, String path, String token) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(self() + "/api/v1" + path))
                .header("authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private String apiLogin() throws Exception {
    HttpResponse<String> answer =
        http.send(
            HttpRequest.newBuilder(URI.create(self() + "/api/v1/auth/login"))
                .header("content-type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        new JsonObject()
                            .put("username", "ops")
                            .put("password", PlatformHarness.OPS_PASSWORD)
                            .encode()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return new JsonObject(answer.body()).getString("token");
  }

  @Test
  @Order(1)
  void theSessionCookieIsSecureByDefaultOutsideLoopback() throws Exception {
    String cookie = sessionCookie(portalLogin(null));
    assertThat(isSecure(cookie)).as(cookie).isTrue();
    assertThat(cookie).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Strict");
  }

  @Test
  @Order(2)
  void afterAPortalLogoutTheOldCookieAndItsTokenAreRefused() throws Exception {
    String token = token(sessionCookie(portalLogin(null)));
    assertThat(portalPage(token)).isEqualTo(200);
    assertThat(api("GET", "/accounts/me", token)).isEqualTo(200);

    HttpResponse<String> logout = portalLogout(token);
    assertThat(logout.statusCode()).isEqualTo(303);
    String cleared = sessionCookie(logout);
    assertThat(cleared).containsIgnoringCase("Max-Age=0");
    assertThat(isSecure(cleared)).isTrue();

    // the browser would have dropped the cookie; a copy of it is refused on the portal and the API
    assertThat(portalPage(token)).isEqualTo(401);
    assertThat(api("GET", "/accounts/me", token)).isEqualTo(401);
    // a new login is a new session
    assertThat(portalPage(token(sessionCookie(portalLogin(null))))).isEqualTo(200);
  }

  @Test
  @Order(3) // restarts the platform with other settings: last
  void anApiLogoutRevokesTheBearerTokenAndTheRevocationOutlivesARestart() throws Exception {
    String token = apiLogin();
    String other = apiLogin();
    assertThat(api("POST", "/auth/logout", token)).isEqualTo(204);
    assertThat(api("GET", "/accounts/me", token)).isEqualTo(401);
    assertThat(api("POST", "/auth/logout", token)).isEqualTo(401);
    assertThat(portalPage(token)).as("the same token as a portal cookie").isEqualTo(401);
    assertThat(api("GET", "/accounts/me", other)).as("only that token").isEqualTo(200);

    h.close();
    // back on loopback with Secure switched off: only a TLS connection (per the proxy) gets it
    h =
        PlatformHarness.start(
            dataDir, "http.secure-cookie", "false", "http.trusted-proxies", "127.0.0.1");
    assertThat(api("GET", "/accounts/me", token)).isEqualTo(401);
    assertThat(portalPage(token)).isEqualTo(401);
    assertThat(api("GET", "/accounts/me", other)).isEqualTo(200);
    assertThat(isSecure(sessionCookie(portalLogin(null)))).isFalse();
    assertThat(isSecure(sessionCookie(portalLogin("https")))).isTrue();
  }
}
