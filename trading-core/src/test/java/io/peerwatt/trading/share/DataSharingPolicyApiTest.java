package io.peerwatt.trading.share;

import static io.peerwatt.db.schema.Tables.DATA_APPLICATION;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.db.testing.TestDatabase;
import io.peerwatt.protocol.testing.MutableClock;
import io.peerwatt.trading.testing.ApiClient;
import io.peerwatt.trading.testing.TradingHarness;
import io.vertx.core.buffer.Buffer;
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
 * A household's standing data-sharing policy through the API: which offers it takes (resolution,
 * statements, price, approved applications), that each grant it makes is one like an acceptance by
 * hand and made once, and that a policy set late takes the open offers.
 */
@ExtendWith(PostgresExtension.class)
class DataSharingPolicyApiTest {
  static final Instant START = Instant.parse("2026-11-25T10:00:00Z");
  @TempDir static Path dataDir;
  static TradingHarness h;
  static String operator;
  static String institute;
  static long appId;

  @BeforeAll
  static void start(TestDatabase db) {
    h = TradingHarness.start(db, dataDir, new MutableClock(START));
    operator = h.operator("root");
    h.zone(operator, "DE-POLICY", ApiClient.zoneBody("Zone DE-POLICY", "CALL_AUCTION", 5000, 1));
    institute = DataSharingApiTest.thirdPartyOf(h, operator, "institute");
    appId = approvedApplication(institute);
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  static long approvedApplication(String token) {
    long id = DataSharingApiTest.applicationOf(h, token, true).getLong("id");
    ApiClient.check(
        h.post(
            "/data/applications/" + id + "/decision",
            operator,
            new JsonObject().put("decision", "APPROVED")),
        200);
    return id;
  }

  static String household(String username) {
    h.prosumer(operator, username, "DE-POLICY");
    return h.login(username, username + "-password");
  }

  static JsonObject policy(String finest, boolean statements, long minPrice) {
    return new JsonObject()
        .put("finestResolution", finest)
        .put("statements", statements)
        .put("minPriceMilliCtPerHomeDay", minPrice);
  }

  static long publish(long applicationId, String resolution, boolean statements, long price) {
    return ApiClient.ok(
            ApiClient.check(
                h.post(
                    "/data/offers",
                    institute,
                    DataSharingApiTest.offerBody(applicationId)
                        .put("resolution", resolution)
                        .put("statements", statements)
                        .put("priceMilliCtPerHomeDay", price)),
                201))
        .getLong("id");
  }

  /** The offers of the household's unrevoked grants. */
  static List<Long> grantedOffers(String token) {
    return ApiClient.ok(h.get("/data/grants", token)).getJsonArray("grants").stream()
        .map(o -> (JsonObject) o)
        .filter(g -> g.getString("revokedAt") == null)
        .map(g -> g.getLong("offerId"))
        .toList();
  }

  @Test
  void aPolicyGrantsTheOffersItMatchesWhenTheyArePublished() {
    String carol = household("carol");
    JsonObject set =
        ApiClient.ok(
            ApiClient.check(h.put("/data/policy", carol, policy("hourly", false, 1_000)), 200));
    assertThat(set.getString("finestResolution")).isEqualTo("hourly");
    assertThat(set.getString("setAt")).isEqualTo(START.toString());

    long tooFine = publish(appId, "15min", false, 5_000);
    long withStatements = publish(appId, "hourly", true, 5_000);
    long tooCheap = publish(appId, "hourly", false, 999);
    long hourly = publish(appId, "hourly", false, 1_000);
    long daily = publish(appId, "daily", false, 3_000);

    List<Long> granted = grantedOffers(carol);
    assertThat(granted).contains(hourly, daily).doesNotContain(tooFine, withStatements, tooCheap);
    JsonObject grant =
        ApiClient.ok(h.get("/data/grants", carol)).getJsonArray("grants").stream()
            .map(o -> (JsonObject) o)
            .filter(g -> g.getLong("offerId") == daily)
            .findFirst()
            .orElseThrow();
    // the grant a policy makes is the one an acceptance by hand makes
    assertThat(grant.getString("state")).isEqualTo("ACTIVE");
    assertThat(grant.getString("resolution")).isEqualTo("daily");
    assertThat(grant.getLong("priceMilliCtPerHomeDay")).isEqualTo(3_000);
    assertThat(grant.getString("expiresAt")).isEqualTo("2026-12-25T10:00:00Z");
    // the household already holds it: accepting by hand is refused
    assertThat(h.post("/data/offers/" + daily + "/accept", carol, null).statusCode())
        .isEqualTo(409);
  }

  @Test
  void settingThePolicyAgainGrantsNothingTwiceNorWhatWasRevoked() {
    String dave = household("dave");
    long offer = publish(appId, "daily", false, 2_000);
    JsonObject first =
        ApiClient.ok(ApiClient.check(h.put("/data/policy", dave, policy("15min", true, 0)), 200));
    long grantId =
        first.getJsonArray("granted").stream()
            .map(o -> (JsonObject) o)
            .filter(g -> g.getLong("offerId") == offer)
            .findFirst()
            .orElseThrow()
            .getLong("id");
    JsonObject again =
        ApiClient.ok(ApiClient.check(h.put("/data/policy", dave, policy("15min", true, 0)), 200));
    assertThat(again.getJsonArray("granted")).isEmpty();
    assertThat(grantedOffers(dave).stream().filter(id -> id == offer)).hasSize(1);

    ApiClient.check(h.post("/data/grants/" + grantId + "/revoke", dave, null), 200);
    assertThat(
            ApiClient.ok(h.put("/data/policy", dave, policy("15min", true, 0)))
                .getJsonArray("granted"))
        .isEmpty();
    assertThat(grantedOffers(dave)).doesNotContain(offer);
  }

  @Test
  void aPolicySetLateTakesTheOpenOffersOfApprovedApplicationsOnly() {
    String erin = household("erin");
    long open = publish(appId, "hourly", false, 4_000);
    long otherApp = approvedApplication(institute);
    long ofRefusedApp = publish(otherApp, "hourly", false, 4_000);
    // an application no longer approved: its offers are no longer offered
    h.db
        .dsl()
        .update(DATA_APPLICATION)
        .set(DATA_APPLICATION.STATE, "REFUSED")
        .where(DATA_APPLICATION.ID.eq(otherApp))
        .execute();
    assertThat(grantedOffers(erin)).doesNotContain(open);

    JsonObject set =
        ApiClient.ok(
            ApiClient.check(h.put("/data/policy", erin, policy("hourly", false, 4_000)), 200));
    List<Long> grantedNow =
        set.getJsonArray("granted").stream().map(o -> ((JsonObject) o).getLong("offerId")).toList();
    assertThat(grantedNow).contains(open).doesNotContain(ofRefusedApp);
    assertThat(grantedOffers(erin)).contains(open).doesNotContain(ofRefusedApp);
  }

  @Test
  void aHouseholdReadsAndRemovesItsPolicy() {
    String frank = household("frank");
    assertThat(h.get("/data/policy", frank).statusCode()).isEqualTo(404);
    ApiClient.check(h.put("/data/policy", frank, policy("daily", true, 10)), 200);
    JsonObject read = ApiClient.ok(h.get("/data/policy", frank));
    assertThat(read.getString("finestResolution")).isEqualTo("daily");
    assertThat(read.getBoolean("statements")).isTrue();
    assertThat(read.getLong("minPriceMilliCtPerHomeDay")).isEqualTo(10);

    assertThat(h.delete("/data/policy", frank).statusCode()).isEqualTo(204);
    assertThat(h.get("/data/policy", frank).statusCode()).isEqualTo(404);
    long offer = publish(appId, "daily", true, 50);
    assertThat(grantedOffers(frank)).doesNotContain(offer);
  }

  @Test
  void policiesAreValidatedAndForHouseholdsOnly() {
    String grace = household("grace");
    HttpResponse<Buffer> weekly = h.put("/data/policy", grace, policy("weekly", false, 0));
    assertThat(weekly.statusCode()).isEqualTo(400);
    assertThat(h.put("/data/policy", grace, policy("hourly", false, -1)).statusCode())
        .isEqualTo(400);
    assertThat(
            h.put("/data/policy", grace, new JsonObject().put("finestResolution", "hourly"))
                .statusCode())
        .isEqualTo(400);
    assertThat(h.put("/data/policy", institute, policy("hourly", false, 0)).statusCode())
        .isEqualTo(403);
    assertThat(h.get("/data/policy", operator).statusCode()).isEqualTo(403);
    assertThat(h.delete("/data/policy", institute).statusCode()).isEqualTo(403);
  }
}
