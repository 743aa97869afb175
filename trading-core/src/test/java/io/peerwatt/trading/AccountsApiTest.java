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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Login, tokens, roles, zones and metering points over real HTTP against PostgreSQL. */
@ExtendWith(PostgresExtension.class)
class AccountsApiTest {
  @TempDir static Path dataDir;
  static TradingHarness h;
  static String operator;

  @BeforeAll
  static void start(TestDatabase db) {
    h = TradingHarness.start(db, dataDir, new MutableClock(Instant.parse("2026-11-25T10:00:00Z")));
    operator = h.operator("root");
    h.zone(operator, "DE-TEST", ApiClient.zoneBody("Zone DE-TEST", "CALL_AUCTION", 5000, 1));
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  @Test
  void loginGivesATokenThatCarriesRoleAndZone() {
    h.prosumer(operator, "alice", "DE-TEST");
    HttpResponse<Buffer> r =
        h.post(
            "/auth/login",
            null,
            new JsonObject().put("username", "alice").put("password", "alice-password"));
    assertThat(r.statusCode()).isEqualTo(200);
    String token = r.bodyAsJsonObject().getString("token");
    JsonObject me = h.get("/accounts/me", token).bodyAsJsonObject();
    assertThat(me.getString("username")).isEqualTo("alice");
    assertThat(me.getString("role")).isEqualTo("prosumer");
    assertThat(me.getString("zone")).isEqualTo("DE-TEST");
    assertThat(r.bodyAsString()).doesNotContain("argon2");
  }

  @Test
  void wrongPasswordIs401AndUnknownUserLooksTheSame() {
    h.prosumer(operator, "bob", "DE-TEST");
    HttpResponse<Buffer> wrong =
        h.post(
            "/auth/login", null, new JsonObject().put("username", "bob").put("password", "nope"));
    HttpResponse<Buffer> unknown =
        h.post(
            "/auth/login",
            null,
            new JsonObject().put("username", "nobody").put("password", "nope"));
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(unknown.statusCode()).isEqualTo(401);
    assertThat(wrong.bodyAsJsonObject().getString("error")).isEqualTo("INVALID_CREDENTIALS");
    assertThat(unknown.bodyAsJsonObject()).isEqualTo(wrong.bodyAsJsonObject());
  }

  @Test
  void unauthenticatedAndForgedTokensAre401() {
    assertThat(h.get("/accounts/me", null).statusCode()).isEqualTo(401);
    assertThat(h.get("/accounts/me", null).bodyAsJsonObject().getString("error"))
        .isEqualTo("UNAUTHENTICATED");
    String token = h.login("root", "operator-password-1");
    String[] parts = token.split("\\.");
    String forged =
        parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 4) + "AAAA";
    assertThat(h.get("/accounts/me", forged).statusCode()).isEqualTo(401);
    assertThat(h.post("/accounts", null, new JsonObject().put("username", "x")).statusCode())
        .isEqualTo(401);
  }

  @Test
  void onlyOperatorsCreateAccountsAndZones() {
    h.prosumer(operator, "carol", "DE-TEST");
    String carol = h.login("carol", "carol-password");
    HttpResponse<Buffer> r =
        h.post(
            "/accounts",
            carol,
            new JsonObject()
                .put("username", "mallory")
                .put("password", "mallory-password")
                .put("role", "operator"));
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo("FORBIDDEN");
    assertThat(
            h.put("/zones/EVIL", carol, ApiClient.zoneBody("evil", "CALL_AUCTION", 5000, 1))
                .statusCode())
        .isEqualTo(403);
  }

  @Test
  void validationErrorsNameTheField() {
    HttpResponse<Buffer> r =
        h.post(
            "/accounts",
            operator,
            new JsonObject()
                .put("username", "Bad Name!")
                .put("password", "long-enough-password")
                .put("role", "prosumer")
                .put("zone", "DE-TEST"));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo("INVALID_REQUEST");
    assertThat(r.bodyAsJsonObject().getString("field")).isEqualTo("username");
    HttpResponse<Buffer> noZone =
        h.post(
            "/accounts",
            operator,
            new JsonObject()
                .put("username", "dave")
                .put("password", "long-enough-password")
                .put("role", "prosumer"));
    assertThat(noZone.bodyAsJsonObject().getString("field")).isEqualTo("zone");
    HttpResponse<Buffer> garbage = h.post("/accounts", operator, Buffer.buffer("{not json"));
    assertThat(garbage.statusCode()).isEqualTo(400);
    assertThat(garbage.bodyAsString()).doesNotContain("Exception").doesNotContain("at io.");
  }

  @Test
  void unknownPathsAndOversizedBodiesGetJsonErrors() {
    HttpResponse<Buffer> missing = h.get("/no-such-thing", operator);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.bodyAsJsonObject().getString("error")).isEqualTo("NOT_FOUND");
    Buffer huge = Buffer.buffer("{\"username\":\"" + "x".repeat(2 << 20) + "\"}");
    HttpResponse<Buffer> tooBig = h.post("/auth/login", null, huge);
    assertThat(tooBig.statusCode()).isEqualTo(413);
  }

  @Test
  void zonesCarryTheirMarketSettings() {
    JsonObject zone = h.get("/zones/DE-TEST", operator).bodyAsJsonObject();
    assertThat(zone.getString("clearingMode")).isEqualTo("CALL_AUCTION");
    assertThat(zone.getLong("gridFeePerKwh")).isEqualTo(5000);
    HttpResponse<Buffer> bad =
        h.put(
            "/zones/DE-BAD",
            operator,
            ApiClient.zoneBody("bad", "CALL_AUCTION", 5000, 1).put("currency", "BSV"));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.bodyAsJsonObject().getString("error")).isEqualTo("INVALID_ZONE");
    assertThat(h.get("/zones", operator).bodyAsJsonObject().getJsonArray("zones")).hasSize(1);
  }

  @Test
  void aZonesPlatformFeeOnDataIsTenPercentUntilTheOperatorSetsIt() {
    assertThat(
            h.get("/zones/DE-TEST", operator).bodyAsJsonObject().getInteger("dataFeeBasisPoints"))
        .isEqualTo(1_000);
    JsonObject body = ApiClient.zoneBody("Zone DE-TEST", "CALL_AUCTION", 5000, 1);
    assertThat(
            h.put("/zones/DE-TEST", operator, body.copy().put("dataFeeBasisPoints", 250))
                .bodyAsJsonObject()
                .getInteger("dataFeeBasisPoints"))
        .isEqualTo(250);
    // left out, it stays as it is
    assertThat(
            h.put("/zones/DE-TEST", operator, body)
                .bodyAsJsonObject()
                .getInteger("dataFeeBasisPoints"))
        .isEqualTo(250);
    assertThat(
            h.put("/zones/DE-TEST", operator, body.copy().put("dataFeeBasisPoints", 10_001))
                .statusCode())
        .isEqualTo(400);
  }

  @Test
  void loginIsRateLimitedPerUsername() {
    h.prosumer(operator, "erin", "DE-TEST");
    h.clock.advance(java.time.Duration.ofMinutes(2));
    for (int i = 0; i < 5; i++) {
      assertThat(
              h.post(
                      "/auth/login",
                      null,
                      new JsonObject().put("username", "erin").put("password", "bad"))
                  .statusCode())
          .isEqualTo(401);
    }
    HttpResponse<Buffer> limited =
        h.post(
            "/auth/login",
            null,
            new JsonObject().put("username", "erin").put("password", "erin-password"));
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(Long.parseLong(limited.getHeader("Retry-After"))).isBetween(1L, 60L);
    h.clock.advance(java.time.Duration.ofSeconds(61));
    assertThat(
            h.post(
                    "/auth/login",
                    null,
                    new JsonObject().put("username", "erin").put("password", "erin-password"))
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void loginIsRateLimitedPerAddressAcrossUsernames() {
    h.clock.advance(java.time.Duration.ofMinutes(2));
    int refusedAt = -1;
    for (int i = 0; i < 25 && refusedAt < 0; i++) {
      if (h.post(
                  "/auth/login",
                  null,
                  new JsonObject().put("username", "guess" + i).put("password", "bad"))
              .statusCode()
          == 429) {
        refusedAt = i;
      }
    }
    assertThat(refusedAt).isEqualTo(20);
    h.clock.advance(java.time.Duration.ofMinutes(2));
  }

  @Test
  void keysAreCreatedOwnerOnly() throws Exception {
    Path key = dataDir.resolve("keys").resolve(PlatformKeys.SIGNING_KEY_FILE);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-------");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(
                    dataDir.resolve("keys").resolve(PlatformKeys.JWT_SECRET_FILE))))
        .isEqualTo("rw-------");
  }

  @Test
  void openApiDocumentIsServed() {
    HttpResponse<Buffer> r = h.get("/openapi.yaml", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.bodyAsString()).startsWith("openapi: 3.1.0");
  }
}
