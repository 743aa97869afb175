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
 * Issue 14, item 3: a page on another port or subdomain of the same site makes a logged-in
 * operator's browser post the portal's account form (the session cookie goes along, as a browser
 * sends it to a same-site request). The portal refuses it with 403 and creates nothing; the same
 * form from the portal's own page still works. Real HTTP, running platform, real PostgreSQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CsrfPlatformTest {
  private PlatformHarness h;
  private String session;
  private String self;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start(@TempDir Path dataDir) throws Exception {
    PlatformHarness.createOperatorByCommand(dataDir);
    h = PlatformHarness.start(dataDir);
    session = h.api.login("ops", PlatformHarness.OPS_PASSWORD);
    self = "http://127.0.0.1:" + h.platform.port();
  }

  @AfterAll
  void stop() {
    h.close();
  }

  /** Posts the operator's "new account" form for operator {@code username}. */
  private int createOperator(String username, String header, String value) throws Exception {
    String form =
        "username="
            + username
            + "&password="
            + URLEncoder.encode(username + "-password-1", StandardCharsets.UTF_8)
            + "&role=operator";
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(self + "/operator/accounts"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", "pw_session=" + session)
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(form));
    if (header != null) {
      request.header(header, value);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private int login(String username) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(self + "/api/v1/auth/login"))
                .header("content-type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        new JsonObject()
                            .put("username", username)
                            .put("password", username + "-password-1")
                            .encode()))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  @Test
  void aFormPostedFromAnotherPortIsRefusedAndCreatesNothing() throws Exception {
    assertThat(createOperator("mallory", "origin", "http://127.0.0.1:1")).isEqualTo(403);
    assertThat(login("mallory")).isEqualTo(401);
  }

  @Test
  void aFormPostedFromASubdomainIsRefused() throws Exception {
    String port = String.valueOf(h.platform.port());
    assertThat(createOperator("trudy", "origin", "http://evil.127.0.0.1.nip.io:" + port))
        .isEqualTo(403);
    assertThat(createOperator("trudy", "referer", "http://evil.localhost:" + port + "/form"))
        .isEqualTo(403);
    assertThat(login("trudy")).isEqualTo(401);
  }

  @Test
  void aFormWithoutOriginOrRefererIsRefused() throws Exception {
    assertThat(createOperator("oscar", null, null)).isEqualTo(403);
    assertThat(createOperator("oscar", "origin", "null")).isEqualTo(403);
    assertThat(login("oscar")).isEqualTo(401);
  }

  @Test
  void theSameFormFromThePortalsOwnPageStillWorks() throws Exception {
    assertThat(createOperator("olivia", "origin", self)).isEqualTo(200);
    assertThat(login("olivia")).isEqualTo(200);
    assertThat(createOperator("owen", "referer", self + "/operator/accounts")).isEqualTo(200);
    assertThat(login("owen")).isEqualTo(200);
  }
}
