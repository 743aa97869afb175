package io.peerwatt.trading;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.db.testing.TestDatabase;
import io.peerwatt.protocol.testing.MutableClock;
import io.peerwatt.trading.testing.ApiClient;
import io.peerwatt.trading.testing.TestGateway;
import io.peerwatt.trading.testing.TradingHarness;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
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
 * Who may see and touch what: prosumer B gets 404 (no hint of existence) or 403 for everything of
 * prosumer A; a utility sees its zone only; nobody unauthenticated gets anything.
 */
@ExtendWith(PostgresExtension.class)
class AuthorizationMatrixTest {
  @TempDir static Path dataDir;
  static TradingHarness h;
  static String operator;
  static String alice;
  static String bob;
  static String utilityTest;
  static String utilityOther;
  static long aliceMp;
  static long bobMp;
  static TestGateway aliceGw;

  @BeforeAll
  static void start(TestDatabase db) {
    h = TradingHarness.start(db, dataDir, new MutableClock(Instant.parse("2026-11-25T10:00:00Z")));
    operator = h.operator("root");
    h.zone(operator, "DE-TEST", ApiClient.zoneBody("Zone DE-TEST", "CALL_AUCTION", 5000, 1));
    h.zone(operator, "DE-OTHER", ApiClient.zoneBody("Zone DE-OTHER", "CALL_AUCTION", 5000, 1));
    h.prosumer(operator, "alice", "DE-TEST");
    h.prosumer(operator, "bob", "DE-TEST");
    alice = h.login("alice", "alice-password");
    bob = h.login("bob", "bob-password");
    for (String[] u : new String[][] {{"grid-test", "DE-TEST"}, {"grid-other", "DE-OTHER"}}) {
      assertThat(
              h.post(
                      "/accounts",
                      operator,
                      new JsonObject()
                          .put("username", u[0])
                          .put("password", u[0] + "-password")
                          .put("role", "utility")
                          .put("zone", u[1]))
                  .statusCode())
          .isEqualTo(201);
    }
    utilityTest = h.login("grid-test", "grid-test-password");
    utilityOther = h.login("grid-other", "grid-other-password");
    aliceMp = h.meteringPoint(alice, 30_000);
    bobMp = h.meteringPoint(bob, 30_000);
    aliceGw = new TestGateway(h.clock.instant().minusSeconds(600));
    aliceGw.enrol(h, alice, aliceMp);
    assertThat(
            h.post("/readings", null, aliceGw.batch(aliceGw.next(2), h.clock.instant()))
                .statusCode())
        .isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  private static String readingsOf(long mp) {
    return "/readings?meteringPoint=" + mp + "&from=2026-11-25T00:00:00Z&to=2026-11-26T00:00:00Z";
  }

  @Test
  void bobCannotSeeAlicesThings() {
    for (String path :
        List.of(
            "/metering-points/" + aliceMp, "/devices/" + aliceGw.deviceId, readingsOf(aliceMp))) {
      HttpResponse<Buffer> r = h.get(path, bob);
      assertThat(r.statusCode()).as(path).isEqualTo(404);
      // the same answer as for something that does not exist at all
      assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo("NOT_FOUND");
    }
    assertThat(
            h
                .get("/metering-points", bob)
                .bodyAsJsonObject()
                .getJsonArray("meteringPoints")
                .stream()
                .map(o -> ((JsonObject) o).getLong("id")))
        .containsExactly(bobMp);
    assertThat(h.get("/devices", bob).bodyAsJsonObject().getJsonArray("devices")).isEmpty();
  }

  @Test
  void bobCannotTouchAlicesThings() {
    assertThat(
            h.post("/metering-points/" + aliceMp + "/enrolment-codes", bob, new JsonObject())
                .statusCode())
        .isEqualTo(404);
    assertThat(h.post("/devices/" + aliceGw.deviceId + "/revoke", bob, null).statusCode())
        .isEqualTo(404);
    assertThat(
            h.post(
                    "/metering-points",
                    bob,
                    new JsonObject()
                        .put("label", "x")
                        .put("maxPowerW", 1)
                        .put(
                            "accountId",
                            h.get("/metering-points/" + aliceMp, alice)
                                .bodyAsJsonObject()
                                .getLong("accountId")))
                .statusCode())
        .isEqualTo(403);
    assertThat(h.get("/devices/" + aliceGw.deviceId, alice).bodyAsJsonObject().getString("status"))
        .isEqualTo("active");
  }

  @Test
  void utilitiesSeeTheirZoneOnlyAndChangeNothing() {
    assertThat(h.get(readingsOf(aliceMp), utilityTest).bodyAsJsonObject().getJsonArray("readings"))
        .hasSize(2);
    assertThat(h.get(readingsOf(aliceMp), utilityOther).statusCode()).isEqualTo(404);
    assertThat(
            h.get("/metering-points", utilityOther)
                .bodyAsJsonObject()
                .getJsonArray("meteringPoints"))
        .isEmpty();
    assertThat(h.post("/devices/" + aliceGw.deviceId + "/revoke", utilityTest, null).statusCode())
        .isEqualTo(403);
    assertThat(
            h.post(
                    "/metering-points/" + aliceMp + "/enrolment-codes",
                    utilityTest,
                    new JsonObject())
                .statusCode())
        .isEqualTo(403);
  }

  @Test
  void operatorsSeeEverything() {
    assertThat(h.get(readingsOf(aliceMp), operator).bodyAsJsonObject().getJsonArray("readings"))
        .hasSize(2);
    assertThat(h.get("/devices", operator).bodyAsJsonObject().getJsonArray("devices")).hasSize(1);
    assertThat(
            h.get("/metering-points", operator).bodyAsJsonObject().getJsonArray("meteringPoints"))
        .hasSize(2);
  }

  @Test
  void everythingNeedsAToken() {
    List<Object[]> calls =
        List.of(
            new Object[] {HttpMethod.GET, "/metering-points"},
            new Object[] {HttpMethod.GET, "/metering-points/" + aliceMp},
            new Object[] {HttpMethod.POST, "/metering-points"},
            new Object[] {HttpMethod.POST, "/metering-points/" + aliceMp + "/enrolment-codes"},
            new Object[] {HttpMethod.GET, "/devices"},
            new Object[] {HttpMethod.GET, "/devices/" + aliceGw.deviceId},
            new Object[] {HttpMethod.POST, "/devices/" + aliceGw.deviceId + "/revoke"},
            new Object[] {HttpMethod.GET, readingsOf(aliceMp)},
            new Object[] {HttpMethod.GET, "/zones"},
            new Object[] {HttpMethod.PUT, "/zones/DE-TEST"},
            new Object[] {HttpMethod.GET, "/accounts"},
            new Object[] {HttpMethod.POST, "/accounts"},
            new Object[] {HttpMethod.GET, "/accounts/me"});
    for (Object[] c : calls) {
      HttpResponse<Buffer> r =
          h.call(
              (HttpMethod) c[0],
              (String) c[1],
              null,
              c[0] == HttpMethod.GET ? null : new JsonObject());
      assertThat(r.statusCode()).as(c[0] + " " + c[1]).isEqualTo(401);
      assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo("UNAUTHENTICATED");
    }
  }
}
