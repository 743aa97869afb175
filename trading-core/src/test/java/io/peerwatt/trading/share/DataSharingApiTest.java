package io.peerwatt.trading.share;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.db.testing.TestDatabase;
import io.peerwatt.protocol.testing.MutableClock;
import io.peerwatt.trading.testing.ApiClient;
import io.peerwatt.trading.testing.TradingHarness;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data sharing through the API: a third party registers an application an operator approves,
 * publishes an offer, a household accepts it (a grant) and revokes it; who may do what.
 */
@ExtendWith(PostgresExtension.class)
class DataSharingApiTest {
  static final Instant START = Instant.parse("2026-11-25T10:00:00Z");
  @TempDir static Path dataDir;
  static TradingHarness h;
  static String operator;
  static String institute;
  static String alice;
  static String bob;

  @BeforeAll
  static void start(TestDatabase db) {
    h = TradingHarness.start(db, dataDir, new MutableClock(START));
    operator = h.operator("root");
    h.zone(operator, "DE-SHARE", ApiClient.zoneBody("Zone DE-SHARE", "CALL_AUCTION", 5000, 1));
    h.prosumer(operator, "alice", "DE-SHARE");
    h.prosumer(operator, "bob", "DE-SHARE");
    alice = h.login("alice", "alice-password");
    bob = h.login("bob", "bob-password");
    institute = thirdParty("institute");
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  static String thirdParty(String username) {
    return thirdPartyOf(h, operator, username);
  }

  /** Logs in a new third party {@code username} that {@code operator} creates through {@code h}. */
  static String thirdPartyOf(TradingHarness h, String operator, String username) {
    ApiClient.check(
        h.post(
            "/accounts",
            operator,
            new JsonObject()
                .put("username", username)
                .put("password", username + "-password")
                .put("role", "third_party")),
        201);
    return h.login(username, username + "-password");
  }

  static JsonObject application(String token, boolean confidential) {
    return applicationOf(h, token, confidential);
  }

  /** Registers an application of the third party of {@code token} through {@code h}. */
  static JsonObject applicationOf(TradingHarness h, String token, boolean confidential) {
    return ApiClient.ok(
        ApiClient.check(
            h.post(
                "/data/applications",
                token,
                new JsonObject()
                    .put("name", "Load research")
                    .put("purpose", "how households use heat pumps")
                    .put("redirectUris", new JsonArray().add("https://research.example/callback"))
                    .put("contact", "data@research.example")
                    .put("confidential", confidential)),
            201));
  }

  static JsonObject offerBody(long applicationId) {
    return new JsonObject()
        .put("applicationId", applicationId)
        .put("resolution", "hourly")
        .put("importData", true)
        .put("exportData", false)
        .put("statements", true)
        .put("periodFrom", "2026-11-01T00:00:00Z")
        .put("periodTo", "2026-12-01T00:00:00Z")
        .put("accessDays", 30)
        .put("priceMilliCtPerHomeDay", 2_000)
        .put("purpose", "heat-pump load curves");
  }

  @Test
  void aHouseholdAcceptsAnApprovedOfferAndRevokesItsGrant() {
    JsonObject app = application(institute, true);
    long appId = app.getLong("id");
    assertThat(app.getString("state")).isEqualTo("PENDING");
    assertThat(app.getString("clientSecret")).hasSize(43);
    assertThat(app.getString("clientId")).startsWith("pw-");
    assertThat(h.post("/data/offers", institute, offerBody(appId)).statusCode()).isEqualTo(409);

    JsonObject approved =
        ApiClient.ok(
            ApiClient.check(
                h.post(
                    "/data/applications/" + appId + "/decision",
                    operator,
                    new JsonObject().put("decision", "APPROVED")),
                200));
    assertThat(approved.getString("state")).isEqualTo("APPROVED");
    assertThat(approved.containsKey("clientSecret")).isFalse();
    assertThat(
            h.post(
                    "/data/applications/" + appId + "/decision",
                    operator,
                    new JsonObject().put("decision", "REFUSED"))
                .statusCode())
        .isEqualTo(409);

    JsonObject offer =
        ApiClient.ok(ApiClient.check(h.post("/data/offers", institute, offerBody(appId)), 201));
    assertThat(offer.getString("scope")).isEqualTo("readings:hourly import statements");
    assertThat(ids(h.get("/data/offers", alice), "offers")).contains(offer.getLong("id"));

    JsonObject grant =
        ApiClient.ok(
            ApiClient.check(
                h.post("/data/offers/" + offer.getLong("id") + "/accept", alice, null), 201));
    assertThat(grant.getString("state")).isEqualTo("ACTIVE");
    assertThat(grant.getLong("priceMilliCtPerHomeDay")).isEqualTo(2_000);
    assertThat(grant.getString("expiresAt")).isEqualTo("2026-12-25T10:00:00Z");
    assertThat(h.post("/data/offers/" + offer.getLong("id") + "/accept", alice, null).statusCode())
        .isEqualTo(409);

    long grantId = grant.getLong("id");
    assertThat(ids(h.get("/data/grants", institute), "grants")).contains(grantId);
    assertThat(ids(h.get("/data/grants", bob), "grants")).doesNotContain(grantId);
    assertThat(h.post("/data/grants/" + grantId + "/revoke", bob, null).statusCode())
        .isEqualTo(404);

    JsonObject revoked =
        ApiClient.ok(
            ApiClient.check(h.post("/data/grants/" + grantId + "/revoke", alice, null), 200));
    assertThat(revoked.getString("state")).isEqualTo("REVOKED");
    assertThat(revoked.getString("revokedAt")).isEqualTo(START.toString());
    // after a revocation the household may accept the offer again: a new grant
    assertThat(h.post("/data/offers/" + offer.getLong("id") + "/accept", alice, null).statusCode())
        .isEqualTo(201);
  }

  @Test
  void householdsDoNotSeeOffersOfApplicationsNotApproved() {
    String adviser = thirdParty("adviser");
    long appId = application(adviser, false).getLong("id");
    assertThat(application(adviser, false).containsKey("clientSecret")).isFalse();
    ApiClient.check(
        h.post(
            "/data/applications/" + appId + "/decision",
            operator,
            new JsonObject().put("decision", "REFUSED")),
        200);
    assertThat(h.post("/data/offers", adviser, offerBody(appId)).statusCode()).isEqualTo(409);
    assertThat(ids(h.get("/data/applications", institute), "applications")).doesNotContain(appId);
    assertThat(ids(h.get("/data/applications", operator), "applications")).contains(appId);
  }

  @Test
  void onlyTheRightRolesRegisterPublishAndAccept() {
    assertThat(
            h.post(
                    "/data/applications",
                    alice,
                    new JsonObject()
                        .put("name", "x")
                        .put("purpose", "x")
                        .put("redirectUris", new JsonArray().add("https://x.example/cb"))
                        .put("contact", "x"))
                .statusCode())
        .isEqualTo(403);
    assertThat(h.get("/data/applications", alice).statusCode()).isEqualTo(403);
    assertThat(h.post("/data/offers/1/accept", institute, null).statusCode()).isEqualTo(403);
    assertThat(
            h.post(
                    "/data/applications/1/decision",
                    institute,
                    new JsonObject().put("decision", "APPROVED"))
                .statusCode())
        .isEqualTo(403);
    // a third party reads household data through a grant's token only
    assertThat(ApiClient.ok(h.get("/metering-points", institute)).getJsonArray("meteringPoints"))
        .isEmpty();
  }

  @Test
  void redirectUrisMustBeHttpsOrLoopback() {
    for (String bad :
        new String[] {"http://research.example/cb", "https://research.example/cb#x", "/cb"}) {
      var r =
          h.post(
              "/data/applications",
              institute,
              new JsonObject()
                  .put("name", "x")
                  .put("purpose", "x")
                  .put("redirectUris", new JsonArray().add(bad))
                  .put("contact", "x"));
      assertThat(r.statusCode()).as(bad).isEqualTo(400);
      assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo("INVALID_REDIRECT_URI");
    }
    assertThat(
            h.post(
                    "/data/applications",
                    institute,
                    new JsonObject()
                        .put("name", "x")
                        .put("purpose", "x")
                        .put("redirectUris", new JsonArray().add("http://127.0.0.1:9/callback"))
                        .put("contact", "x"))
                .statusCode())
        .isEqualTo(201);
  }

  static List<Long> ids(HttpResponse<Buffer> r, String key) {
    return ApiClient.ok(r).getJsonArray(key).stream()
        .map(o -> ((JsonObject) o).getLong("id"))
        .toList();
  }
}
