package io.peerwatt.trading;

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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, item 6: NUL and other control characters in a label, display name, zone name or
 * username gave HTTP 500 from PostgreSQL. Each is refused with 400 naming the field, over real HTTP
 * against real PostgreSQL, and nothing is stored.
 */
@ExtendWith(PostgresExtension.class)
class ControlCharactersApiTest {
  @TempDir static Path dataDir;
  static TradingHarness h;
  static String operator;
  static ApiClient.Account anna;

  @BeforeAll
  static void start(TestDatabase db) {
    h = TradingHarness.start(db, dataDir, new MutableClock(Instant.parse("2026-11-25T10:00:00Z")));
    operator = h.operator("root");
    h.zone(operator, "DE-TEST", ApiClient.zoneBody("Zone DE-TEST", "CALL_AUCTION", 5000, 1));
    anna = h.prosumer(operator, "anna", "DE-TEST");
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  private static void refused(HttpResponse<Buffer> r, String field) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getString("error")).isIn("INVALID_TEXT", "INVALID_REQUEST");
    assertThat(r.bodyAsJsonObject().getString("field")).isEqualTo(field);
  }

  @Test
  void aNulInAMeteringPointLabelIs400() {
    refused(
        h.post(
            "/metering-points",
            anna.token(),
            new JsonObject().put("label", "home\u0000").put("maxPowerW", 10_000)),
        "label");
    assertThat(h.get("/metering-points", anna.token()).bodyAsString())
        .doesNotContain("home\\u0000");
  }

  @Test
  void aNulOrControlCharacterInAnAccountsNamesIs400() {
    refused(
        h.post(
            "/accounts",
            operator,
            new JsonObject()
                .put("username", "ben")
                .put("password", "ben-password-1")
                .put("role", "prosumer")
                .put("zone", "DE-TEST")
                .put("displayName", "Ben\u0000Smith")),
        "displayName");
    refused(
        h.post(
            "/accounts",
            operator,
            new JsonObject()
                .put("username", "ben\u0007")
                .put("password", "ben-password-1")
                .put("role", "prosumer")
                .put("zone", "DE-TEST")),
        "username");
    refused(
        h.post(
            "/auth/login",
            null,
            new JsonObject().put("username", "ben\u0000").put("password", "x")),
        "username");
  }

  @Test
  void aNulInAZoneNameIs400() {
    refused(
        h.put("/zones/DE-NUL", operator, ApiClient.zoneBody("Zone\u0000", "CALL_AUCTION", 5000, 1)),
        "name");
    assertThat(h.get("/zones/DE-NUL", operator).statusCode()).isEqualTo(404);
  }

  @Test
  void aControlCharacterInAPathOrQueryIsNever500() {
    assertThat(h.get("/zones/DE%00X", operator).statusCode()).isBetween(400, 499);
  }
}
