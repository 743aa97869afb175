package io.peerwatt.trading.share;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.db.testing.TestDatabase;
import io.peerwatt.protocol.testing.MutableClock;
import io.peerwatt.trading.testing.ApiClient;
import io.peerwatt.trading.testing.TradingHarness;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OAuth 2 authorization server over real HTTP, driven by hand as a third party's client and the
 * household's browser (its session cookie holds its login token): the code flow with PKCE S256,
 * single-use codes, refresh rotation, and a revoked grant refused at once.
 */
@ExtendWith(PostgresExtension.class)
class AuthorizationServerTest {
  static final String REDIRECT = "http://127.0.0.1:9/callback";
  static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  @TempDir static Path dataDir;
  static TradingHarness h;
  static HttpClient http =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  static String base;
  static String alice;
  static String publicClient;
  static String confidentialClient;
  static String confidentialSecret;
  static long offerId;

  @BeforeAll
  static void start(TestDatabase db) {
    h = TradingHarness.start(db, dataDir, new MutableClock(Instant.parse("2026-11-25T10:00:00Z")));
    base = "http://127.0.0.1:" + h.port();
    String operator = h.operator("root");
    h.zone(operator, "DE-OAUTH", ApiClient.zoneBody("Zone DE-OAUTH", "CALL_AUCTION", 5000, 1));
    h.prosumer(operator, "alice", "DE-OAUTH");
    alice = h.login("alice", "alice-password");
    ApiClient.check(
        h.post(
            "/accounts",
            operator,
            new JsonObject()
                .put("username", "institute")
                .put("password", "institute-password")
                .put("role", "third_party")),
        201);
    String institute = h.login("institute", "institute-password");
    JsonObject pub = application(institute, operator, false);
    publicClient = pub.getString("clientId");
    JsonObject conf = application(institute, operator, true);
    confidentialClient = conf.getString("clientId");
    confidentialSecret = conf.getString("clientSecret");
    offerId =
        ApiClient.ok(
                ApiClient.check(
                    h.post(
                        "/data/offers",
                        institute,
                        new JsonObject()
                            .put("applicationId", pub.getLong("id"))
                            .put("resolution", "hourly")
                            .put("importData", true)
                            .put("exportData", true)
                            .put("statements", false)
                            .put("periodFrom", "2026-11-01T00:00:00Z")
                            .put("periodTo", "2026-12-01T00:00:00Z")
                            .put("accessDays", 30)
                            .put("priceMilliCtPerHomeDay", 2_000)
                            .put("purpose", "Heat-pump <load> curves")),
                    201))
            .getLong("id");
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  static JsonObject application(String token, String operator, boolean confidential) {
    JsonObject app =
        ApiClient.ok(
            ApiClient.check(
                h.post(
                    "/data/applications",
                    token,
                    new JsonObject()
                        .put("name", "Institute for Load Research")
                        .put("purpose", "research")
                        .put("redirectUris", new JsonArray().add(REDIRECT))
                        .put("contact", "data@research.example")
                        .put("confidential", confidential)),
                201));
    ApiClient.check(
        h.post(
            "/data/applications/" + app.getLong("id") + "/decision",
            operator,
            new JsonObject().put("decision", "APPROVED")),
        200);
    return app;
  }

  @Test
  void metadataNamesTheEndpointsAndS256Only() throws Exception {
    HttpResponse<String> r = get("/.well-known/oauth-authorization-server", null);
    JsonObject m = new JsonObject(r.body());
    assertThat(m.getString("issuer")).isEqualTo(base + "/");
    assertThat(m.getString("authorization_endpoint")).isEqualTo(base + "/oauth/authorize");
    assertThat(m.getString("token_endpoint")).isEqualTo(base + "/oauth/token");
    assertThat(m.getString("revocation_endpoint")).isEqualTo(base + "/oauth/revoke");
    assertThat(m.getJsonArray("code_challenge_methods_supported")).containsExactly("S256");
  }

  @Test
  void codeFlowWithPkceRefreshRotationAndRevocation() throws Exception {
    String authorize = authorizeUrl(publicClient, challenge(VERIFIER), "S256", "offer:" + offerId);
    HttpResponse<String> noSession = get(authorize, null);
    assertThat(noSession.statusCode()).isEqualTo(303);
    assertThat(noSession.headers().firstValue("location").orElseThrow())
        .isEqualTo("/login?next=" + URLEncoder.encode(authorize, StandardCharsets.UTF_8));

    HttpResponse<String> page = get(authorize, alice);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body())
        .contains("Institute for Load Research")
        .contains("Heat-pump &lt;load&gt; curves")
        .contains("Hourly readings of the energy you take from and give to the grid")
        .contains("1 Nov 2026 00:00 UTC to 1 Dec 2026 00:00 UTC")
        .contains("2.000 ct per day of data delivered");
    String location = consent(page.body(), alice, "allow");
    Map<String, String> back = query(location);
    assertThat(location).startsWith(REDIRECT + "?");
    assertThat(back).containsEntry("state", "st-1");
    String code = back.get("code");

    HttpResponse<String> tokens =
        post(
            "/oauth/token",
            null,
            form(
                "grant_type", "authorization_code",
                "code", code,
                "redirect_uri", REDIRECT,
                "client_id", publicClient,
                "code_verifier", VERIFIER));
    assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
    JsonObject t = new JsonObject(tokens.body());
    assertThat(t.getString("token_type")).isEqualTo("Bearer");
    assertThat(t.getString("scope")).isEqualTo("readings:hourly import export");
    assertThat(t.getLong("expires_in")).isEqualTo(600);
    // a code is redeemed once
    assertThat(
            post(
                    "/oauth/token",
                    null,
                    form(
                        "grant_type", "authorization_code",
                        "code", code,
                        "redirect_uri", REDIRECT,
                        "client_id", publicClient,
                        "code_verifier", VERIFIER))
                .body())
        .contains("invalid_grant");

    HttpResponse<String> granted = getBearer("/api/v1/shared/grant", t.getString("access_token"));
    assertThat(granted.statusCode()).isEqualTo(200);
    long grantId = new JsonObject(granted.body()).getLong("grantId");

    String oldRefresh = t.getString("refresh_token");
    JsonObject refreshed =
        new JsonObject(
            post(
                    "/oauth/token",
                    null,
                    form(
                        "grant_type",
                        "refresh_token",
                        "refresh_token",
                        oldRefresh,
                        "client_id",
                        publicClient))
                .body());
    assertThat(refreshed.getString("refresh_token")).isNotEqualTo(oldRefresh);
    HttpResponse<String> reused =
        post(
            "/oauth/token",
            null,
            form(
                "grant_type",
                "refresh_token",
                "refresh_token",
                oldRefresh,
                "client_id",
                publicClient));
    assertThat(reused.statusCode()).isEqualTo(400);
    assertThat(reused.body()).contains("invalid_grant");

    ApiClient.check(h.post("/data/grants/" + grantId + "/revoke", alice, null), 200);
    assertThat(getBearer("/api/v1/shared/grant", t.getString("access_token")).statusCode())
        .isEqualTo(403);
    assertThat(getBearer("/api/v1/shared/grant", refreshed.getString("access_token")).statusCode())
        .isEqualTo(403);
    assertThat(
            post(
                    "/oauth/token",
                    null,
                    form(
                        "grant_type",
                        "refresh_token",
                        "refresh_token",
                        refreshed.getString("refresh_token"),
                        "client_id",
                        publicClient))
                .statusCode())
        .isEqualTo(400);
    assertThat(getBearer("/api/v1/shared/grant", "not-a-token").statusCode()).isEqualTo(401);
  }

  @Test
  void aWrongVerifierOrAMissingOrPlainChallengeIsRefused() throws Exception {
    String location =
        consent(
            get(authorizeUrl(publicClient, challenge(VERIFIER), "S256", "offer:" + offerId), alice)
                .body(),
            alice,
            "allow");
    HttpResponse<String> wrong =
        post(
            "/oauth/token",
            null,
            form(
                "grant_type",
                "authorization_code",
                "code",
                query(location).get("code"),
                "redirect_uri",
                REDIRECT,
                "client_id",
                publicClient,
                "code_verifier",
                VERIFIER.replace('d', 'e')));
    assertThat(wrong.body()).contains("invalid_grant");

    HttpResponse<String> plain =
        get(authorizeUrl(publicClient, VERIFIER, "plain", "offer:" + offerId), alice);
    assertThat(plain.statusCode()).isEqualTo(302);
    assertThat(query(plain.headers().firstValue("location").orElseThrow()))
        .containsEntry("error", "invalid_request");
    HttpResponse<String> otherScope =
        get(authorizeUrl(publicClient, challenge(VERIFIER), "S256", "readings:15min"), alice);
    assertThat(query(otherScope.headers().firstValue("location").orElseThrow()))
        .containsEntry("error", "invalid_scope");
    // a redirect URI the application did not register is never redirected to
    HttpResponse<String> foreign =
        get(
            authorizeUrl(publicClient, challenge(VERIFIER), "S256", "offer:" + offerId)
                .replace(
                    URLEncoder.encode(REDIRECT, StandardCharsets.UTF_8),
                    URLEncoder.encode("https://evil.example/cb", StandardCharsets.UTF_8)),
            alice);
    assertThat(foreign.statusCode()).isEqualTo(400);
    assertThat(foreign.headers().firstValue("location")).isEmpty();
  }

  @Test
  void theHouseholdMayDeny() throws Exception {
    String location =
        consent(
            get(authorizeUrl(publicClient, challenge(VERIFIER), "S256", "offer:" + offerId), alice)
                .body(),
            alice,
            "deny");
    assertThat(query(location)).containsEntry("error", "access_denied").doesNotContainKey("code");
  }

  @Test
  void aConfidentialClientAuthenticatesWithItsSecret() throws Exception {
    String institute = h.login("institute", "institute-password");
    long confApp =
        ApiClient.ok(h.get("/data/applications", institute)).getJsonArray("applications").stream()
            .map(o -> (JsonObject) o)
            .filter(a -> a.getString("clientId").equals(confidentialClient))
            .findFirst()
            .orElseThrow()
            .getLong("id");
    JsonObject body =
        new JsonObject()
            .put("applicationId", confApp)
            .put("resolution", "daily")
            .put("importData", true)
            .put("exportData", false)
            .put("statements", true)
            .put("periodFrom", "2026-11-01T00:00:00Z")
            .put("periodTo", "2026-12-01T00:00:00Z")
            .put("accessDays", 7)
            .put("priceMilliCtPerHomeDay", 500)
            .put("purpose", "energy advice");
    long offer =
        ApiClient.ok(ApiClient.check(h.post("/data/offers", institute, body), 201)).getLong("id");
    String location =
        consent(
            get(
                    authorizeUrl(confidentialClient, challenge(VERIFIER), "S256", "offer:" + offer),
                    alice)
                .body(),
            alice,
            "allow");
    String code = query(location).get("code");
    String basic =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((confidentialClient + ":wrong").getBytes(StandardCharsets.UTF_8));
    String redeem =
        form(
            "grant_type", "authorization_code",
            "code", code,
            "redirect_uri", REDIRECT,
            "code_verifier", VERIFIER);
    assertThat(post("/oauth/token", basic, redeem).statusCode()).isEqualTo(401);
    basic =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(
                    (confidentialClient + ":" + confidentialSecret)
                        .getBytes(StandardCharsets.UTF_8));
    // a client that fails to authenticate does not get to spend the code
    HttpResponse<String> ok = post("/oauth/token", basic, redeem);
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    assertThat(new JsonObject(ok.body()).getString("scope"))
        .isEqualTo("readings:daily import statements");
    assertThat(post("/oauth/token", basic, redeem).body()).contains("invalid_grant");
  }

  static String authorizeUrl(String clientId, String challenge, String method, String scope) {
    return "/oauth/authorize?"
        + form(
            "response_type", "code",
            "client_id", clientId,
            "redirect_uri", REDIRECT,
            "scope", scope,
            "state", "st-1",
            "code_challenge", challenge,
            "code_challenge_method", method);
  }

  /** Answers the consent page {@code html} as {@code session}'s browser; the Location it gets. */
  static String consent(String html, String session, String decision) throws Exception {
    Matcher m = Pattern.compile("name=\"consent\" value=\"([^\"]+)\"").matcher(html);
    assertThat(m.find()).as(html).isTrue();
    HttpResponse<String> r =
        send(
            HttpRequest.newBuilder(URI.create(base + "/oauth/authorize"))
                .header("cookie", TradingHarness.SESSION_COOKIE + "=" + session)
                .header("content-type", "application/x-www-form-urlencoded")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        form("consent", m.group(1), "decision", decision))));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(302);
    return r.headers().firstValue("location").orElseThrow();
  }

  static String challenge(String verifier) throws NoSuchAlgorithmException {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(
            MessageDigest.getInstance("SHA-256")
                .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
  }

  static String form(String... pairs) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < pairs.length; i += 2) {
      if (i > 0) {
        s.append('&');
      }
      s.append(URLEncoder.encode(pairs[i], StandardCharsets.UTF_8))
          .append('=')
          .append(URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
    }
    return s.toString();
  }

  static Map<String, String> query(String url) {
    String q = URI.create(url).getRawQuery();
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : q.split("&")) {
      String[] kv = pair.split("=", 2);
      out.put(
          URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
          URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
    }
    return out;
  }

  static HttpResponse<String> get(String path, String session) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    if (session != null) {
      b.header("cookie", TradingHarness.SESSION_COOKIE + "=" + session);
    }
    return send(b.GET());
  }

  static HttpResponse<String> getBearer(String path, String token) throws Exception {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("authorization", "Bearer " + token)
            .GET());
  }

  static HttpResponse<String> post(String path, String authorization, String form)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .header("content-type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form));
    if (authorization != null) {
      b.header("authorization", authorization);
    }
    return send(b);
  }

  static HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
