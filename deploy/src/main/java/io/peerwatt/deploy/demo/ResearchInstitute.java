package io.peerwatt.deploy.demo;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import io.peerwatt.db.schema.Tables;
import io.peerwatt.settlement.JdbcStatementStore;
import io.peerwatt.settlement.share.DataPayments;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jooq.DSLContext;

/**
 * The demo's research institute: a third-party account whose application the operator approves,
 * with an offer for a day of hourly data. Every other home accepts it the way a household does with
 * any OAuth 2 client: the institute's client (Nimbus OAuth 2 SDK, client side) sends the home's
 * browser to the platform's authorization endpoint with PKCE (S256), the household logs in at the
 * portal and consents, and the client swaps the code for tokens and fetches the granted readings
 * over real HTTP. The days fetched are charged and paid third party -> hub -> household over the
 * payment channels during the demo; the summary's {@code dataGrants} and {@code dataPaymentsSats}
 * count them.
 */
final class ResearchInstitute {
  static final String USERNAME = "institute";
  static final String PASSWORD = "demo-institute-password";

  /** 1.5 ct per home per day of data. */
  static final long PRICE_MILLI_CT_PER_HOME_DAY = 1_500;

  /** Never fetched: the authorization response's Location header carries the code. */
  private static final String REDIRECT = "http://127.0.0.1:9/callback";

  private static final Pattern CONSENT = Pattern.compile("name=\"consent\" value=\"([^\"]+)\"");

  private final PlatformApi api;
  private final String baseUrl;
  private final Clock clock;

  private ResearchInstitute(PlatformApi api, String baseUrl, Clock clock) {
    this.api = api;
    this.baseUrl = baseUrl;
    this.clock = clock;
  }

  /**
   * Sets the institute up and buys today's hourly data (UTC) from every other home: each accepts
   * through the code flow, and the institute fetches its readings.
   *
   * @return how many grants were made
   */
  static int buyData(
      PlatformApi api, String baseUrl, List<Home> homes, Clock clock, PrintStream out) {
    return new ResearchInstitute(api, baseUrl, clock).buy(homes, out);
  }

  private int buy(List<Home> homes, PrintStream out) {
    String operator = api.token(Neighbourhood.OPERATOR, Neighbourhood.OPERATOR_PASSWORD);
    api.call(
        "POST",
        "/accounts",
        operator,
        new JsonObject()
            .put("username", USERNAME)
            .put("password", PASSWORD)
            .put("role", "third_party"),
        201);
    String institute = api.token(USERNAME, PASSWORD);
    JsonObject app =
        api.call(
            "POST",
            "/data/applications",
            institute,
            new JsonObject()
                .put("name", "Demo Institute for Load Research")
                .put("purpose", "hourly load profiles of homes with solar panels")
                .put("redirectUris", new JsonArray().add(REDIRECT))
                .put("contact", "data@institute.example"),
            201);
    api.call(
        "POST",
        "/data/applications/" + app.getLong("id") + "/decision",
        operator,
        new JsonObject().put("decision", "APPROVED"),
        200);
    Instant today = clock.instant().truncatedTo(ChronoUnit.DAYS);
    long offerId =
        api.call(
                "POST",
                "/data/offers",
                institute,
                new JsonObject()
                    .put("applicationId", app.getLong("id"))
                    .put("resolution", "hourly")
                    .put("importData", true)
                    .put("exportData", true)
                    .put("statements", false)
                    .put("periodFrom", today.toString())
                    .put("periodTo", today.plus(Duration.ofDays(1)).toString())
                    .put("accessDays", 30)
                    .put("priceMilliCtPerHomeDay", PRICE_MILLI_CT_PER_HOME_DAY)
                    .put("purpose", "hourly load profiles"),
                201)
            .getLong("id");
    List<String> sold = homes.stream().filter(h -> h.index() % 2 == 1).map(Home::username).toList();
    FewAtATime.run(
        sold,
        "demo-data-grant",
        username -> {
          fetchWithConsent(app.getString("clientId"), offerId, username);
          return username;
        },
        username -> {});
    out.println(
        "  research institute ("
            + USERNAME
            + " / "
            + PASSWORD
            + "): "
            + sold.size()
            + " homes ("
            + String.join(", ", sold)
            + ") granted it today's hourly data through OAuth 2 with PKCE; it pays "
            + PRICE_MILLI_CT_PER_HOME_DAY / 1000.0
            + " ct per home and day of data over its payment channel, the hub pays the homes less the"
            + " platform fee");
    return sold.size();
  }

  /**
   * The code flow for one home: the client's authorization request, the household's login and
   * consent in its browser, the token request with the PKCE verifier, and one fetch of the granted
   * readings up to the current hour.
   */
  private void fetchWithConsent(String clientId, long offerId, String username) {
    CodeVerifier verifier = new CodeVerifier();
    AuthorizationRequest request =
        new AuthorizationRequest.Builder(
                new ResponseType(ResponseType.Value.CODE), new ClientID(clientId))
            .scope(new Scope("offer:" + offerId))
            .redirectionURI(URI.create(REDIRECT))
            .state(new State())
            .codeChallenge(verifier, CodeChallengeMethod.S256)
            .endpointURI(URI.create(baseUrl + "/oauth/authorize"))
            .build();
    URI location = consentInBrowser(request.toURI(), username);
    try {
      AuthorizationCode code =
          AuthorizationResponse.parse(location).toSuccessResponse().getAuthorizationCode();
      TokenResponse tokens =
          TokenResponse.parse(
              new TokenRequest(
                      URI.create(baseUrl + "/oauth/token"),
                      new ClientID(clientId),
                      new AuthorizationCodeGrant(code, URI.create(REDIRECT), verifier))
                  .toHTTPRequest()
                  .send());
      if (!tokens.indicatesSuccess()) {
        throw new IllegalStateException(
            "token request refused: " + tokens.toErrorResponse().getErrorObject());
      }
      AccessToken access = tokens.toSuccessResponse().getTokens().getAccessToken();
      Instant today = clock.instant().truncatedTo(ChronoUnit.DAYS);
      Instant to = clock.instant().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
      HttpResponse<String> readings =
          browser()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              baseUrl
                                  + "/api/v1/shared/readings?from="
                                  + today
                                  + "&to="
                                  + (to.isAfter(today.plus(Duration.ofDays(1)))
                                      ? today.plus(Duration.ofDays(1))
                                      : to)))
                      .header("authorization", access.toAuthorizationHeader())
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      if (readings.statusCode() != 200) {
        throw new IllegalStateException(
            "shared readings answered " + readings.statusCode() + ": " + readings.body());
      }
    } catch (ParseException | IOException e) {
      throw new IllegalStateException("the institute's code flow failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * The household's browser: the authorization endpoint sends it to the portal's login, which
   * brings it back to the consent page; it allows, and the answer's Location carries the code.
   */
  private URI consentInBrowser(URI authorization, String username) {
    HttpClient browser = browser();
    HttpResponse<String> toLogin = send(browser, HttpRequest.newBuilder(authorization).build());
    URI login = resolve(toLogin);
    String next = queryParam(login, "next");
    HttpResponse<String> back =
        send(
            browser,
            form(
                "/login",
                Map.of(
                    "username", username, "password", Neighbourhood.HOME_PASSWORD, "next", next)));
    HttpResponse<String> consentPage = send(browser, HttpRequest.newBuilder(resolve(back)).build());
    Matcher consent = CONSENT.matcher(consentPage.body());
    if (!consent.find()) {
      throw new IllegalStateException(
          "no consent page for " + username + " (" + consentPage.statusCode() + ")");
    }
    Map<String, String> answer = new LinkedHashMap<>();
    answer.put("consent", consent.group(1));
    answer.put("decision", "allow");
    return resolve(send(browser, form("/oauth/authorize", answer)));
  }

  private HttpRequest form(String path, Map<String, String> fields) {
    StringBuilder body = new StringBuilder();
    fields.forEach(
        (k, v) ->
            body.append(body.isEmpty() ? "" : "&")
                .append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return HttpRequest.newBuilder(URI.create(baseUrl + path))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", baseUrl)
        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
        .build();
  }

  /** A browser of its own: its cookie jar keeps the portal session; redirects are read by hand. */
  private static HttpClient browser() {
    return HttpClient.newBuilder()
        .cookieHandler(new CookieManager())
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  private static HttpResponse<String> send(HttpClient browser, HttpRequest request) {
    try {
      return browser.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(request.uri() + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Where a redirect answer sends the browser. */
  private static URI resolve(HttpResponse<String> redirect) {
    if (redirect.statusCode() / 100 != 3) {
      throw new IllegalStateException(
          redirect.request().uri()
              + " answered "
              + redirect.statusCode()
              + " instead of a redirect");
    }
    return redirect
        .request()
        .uri()
        .resolve(redirect.headers().firstValue("location").orElseThrow());
  }

  private static String queryParam(URI uri, String name) {
    for (String pair : uri.getRawQuery().split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name)) {
        return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    throw new IllegalStateException(uri + " has no " + name);
  }

  /**
   * The summary's data figures: {@code dataGrants} (grants made), {@code dataPaymentsSats} (what
   * third parties paid for data over their channels, on paid statements) and {@code
   * dataPaymentsReconciled} (every grant's satoshis reconcile: paid = received + platform fee).
   */
  static Map<String, Object> summary(DSLContext dsl) {
    List<DataPayments.GrantPayment> grants =
        new DataPayments(dsl, new JdbcStatementStore(dsl)).all();
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("dataGrants", dsl.fetchCount(Tables.DATA_GRANT));
    s.put(
        "dataPaymentsSats",
        grants.stream().mapToLong(DataPayments.GrantPayment::thirdPartyPaidSat).sum());
    s.put(
        "dataPaymentsReconciled", grants.stream().allMatch(DataPayments.GrantPayment::reconciled));
    return s;
  }
}
