package io.peerwatt.trading.market;

import static io.peerwatt.db.schema.Tables.DEVICE;
import static io.peerwatt.db.schema.Tables.READING;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.db.testing.TestDatabase;
import io.peerwatt.protocol.testing.MutableClock;
import io.peerwatt.trading.testing.ApiClient;
import io.peerwatt.trading.testing.TradingHarness;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Standing rules place orders from synthetic readings through the platform's scheduler, without
 * anyone online.
 */
@ExtendWith(PostgresExtension.class)
class StandingRulesApiTest {
  static final Instant START = Instant.parse("2026-11-25T21:00:00Z");
  @TempDir static Path dataDir;
  static TradingHarness h;
  static String operator;

  @BeforeAll
  static void start(TestDatabase db) {
    h = TradingHarness.start(db, dataDir, new MutableClock(START));
    operator = h.operator("root");
    h.zone(operator, "DE-RULES", ApiClient.zoneBody("Zone DE-RULES", "CALL_AUCTION", 100, 10));
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  /**
   * One reading in the middle of every quarter-hour of the last 8 days: per quarter-hour the home
   * exports 500 Wh and imports 100 Wh, so the forecast net export of any slot is 400 Wh.
   */
  static void readings(DSLContext dsl, long meteringPointId, byte keyByte) {
    byte[] key = new byte[33];
    key[0] = 2;
    key[32] = keyByte;
    long device =
        dsl.insertInto(DEVICE)
            .set(DEVICE.PUBLIC_KEY, key)
            .set(DEVICE.METERING_POINT_ID, meteringPointId)
            .returning(DEVICE.ID)
            .fetchOne()
            .getId();
    Instant first = START.minus(Duration.ofDays(8));
    var insert =
        dsl.insertInto(
            READING,
            READING.DEVICE_ID,
            READING.SEQUENCE,
            READING.METER_CHANNEL,
            READING.TAKEN_AT,
            READING.IMPORT_WH,
            READING.EXPORT_WH,
            READING.POWER_W,
            READING.QUALITY_FLAGS,
            READING.PREV_HASH,
            READING.READING_HASH,
            READING.SIGNATURE,
            READING.ENCODED);
    for (int k = 0; k < 8 * 96; k++) {
      Instant at = first.plus(Duration.ofMinutes(15L * k + 7));
      insert =
          insert.values(
              device,
              (long) k,
              0,
              at,
              100L * k,
              500L * k,
              1600L,
              0,
              new byte[32],
              new byte[32],
              new byte[70],
              new byte[100]);
    }
    insert.execute();
  }

  static JsonObject rule(long meteringPointId, String side) {
    return new JsonObject()
        .put("meteringPointId", meteringPointId)
        .put("side", side)
        .put("reserveWh", 100)
        .put("limitPriceMilliCtPerKwh", 20_000)
        .put("dailyCapWh", 1000);
  }

  static JsonArray ruleOrders(String token, long ruleId) {
    JsonArray out = new JsonArray();
    h.get("/orders", token).bodyAsJsonObject().getJsonArray("orders").stream()
        .map(JsonObject.class::cast)
        .filter(o -> Long.valueOf(ruleId).equals(o.getLong("ruleId")))
        .forEach(out::add);
    return out;
  }

  @Test
  void sellRuleOffersForecastSurplusAboveReserveUpToTheDailyCap(TestDatabase db) {
    ApiClient.Account alice = h.prosumer(operator, "alice", "DE-RULES");
    long point = h.meteringPoint(alice.token(), 30_000);
    readings(db.dsl(), point, (byte) 1);
    JsonObject created =
        ApiClient.check(h.post("/rules", alice.token(), rule(point, "SELL")), 201)
            .bodyAsJsonObject();
    long ruleId = created.getLong("id");
    // a client that does not know the forecast methods gets what every rule did before them
    assertThat(created.getString("forecast")).isEqualTo("HISTORY");
    assertThat(created.getInteger("horizonMinutes")).isEqualTo(60);

    h.clock.advance(Duration.ofMinutes(2));
    ApiClient.eventually(() -> ruleOrders(alice.token(), ruleId).size() >= 8);

    JsonArray orders = ruleOrders(alice.token(), ruleId);
    // 21:00 UTC on the 25th is 22:00 in Berlin: the 25th has 21:30..22:45 open (6 slots) and the
    // 26th all 96;
    // 300 Wh per slot (400 forecast minus 100 reserve), capped at 1000 Wh per local day:
    // 300+300+300+100 each day
    assertThat(orders).hasSize(8);
    assertThat(
            orders.stream()
                .map(JsonObject.class::cast)
                .allMatch(
                    o ->
                        o.getString("side").equals("SELL")
                            && o.getLong("limitPriceMilliCtPerKwh") == 20_000))
        .isTrue();
    List<Long> quantities =
        orders.stream()
            .map(JsonObject.class::cast)
            .sorted((a, b) -> a.getString("slot").compareTo(b.getString("slot")))
            .map(o -> o.getLong("quantityWh"))
            .collect(Collectors.toList());
    assertThat(quantities).containsExactly(300L, 300L, 300L, 100L, 300L, 300L, 300L, 100L);
    JsonObject status = h.get("/rules/" + ruleId, alice.token()).bodyAsJsonObject();
    assertThat(status.getJsonObject("status").getString("code")).isEqualTo("OK");

    // a later run places nothing twice
    h.clock.advance(Duration.ofMinutes(2));
    ApiClient.eventually(
        () ->
            !h.get("/rules/" + ruleId, alice.token())
                .bodyAsJsonObject()
                .getJsonObject("status")
                .getString("code")
                .equals("OK"));
    assertThat(ruleOrders(alice.token(), ruleId)).hasSize(8);
    assertThat(
            h.get("/rules/" + ruleId, alice.token())
                .bodyAsJsonObject()
                .getJsonObject("status")
                .getString("code"))
        .isEqualTo("CAP_REACHED");

    // pausing cancels the rule's open orders; deleting hides the rule
    JsonObject paused =
        ApiClient.check(
                h.patch("/rules/" + ruleId, alice.token(), new JsonObject().put("state", "PAUSED")),
                200)
            .bodyAsJsonObject();
    assertThat(paused.getString("state")).isEqualTo("PAUSED");
    assertThat(
            ruleOrders(alice.token(), ruleId).stream()
                .map(JsonObject.class::cast)
                .map(o -> o.getString("state")))
        .containsOnly("CANCELLED");
    ApiClient.check(h.delete("/rules/" + ruleId, alice.token()), 200);
    assertThat(h.get("/rules/" + ruleId, alice.token()).statusCode()).isEqualTo(404);
  }

  @Test
  void homeWithoutReadingsGetsNoOrdersAndIsToldWhy() {
    ApiClient.Account bob = h.prosumer(operator, "bob", "DE-RULES");
    long point = h.meteringPoint(bob.token(), 30_000);
    long ruleId =
        ApiClient.check(h.post("/rules", bob.token(), rule(point, "BUY")), 201)
            .bodyAsJsonObject()
            .getLong("id");
    h.clock.advance(Duration.ofMinutes(2));
    ApiClient.eventually(
        () ->
            h.get("/rules/" + ruleId, bob.token())
                .bodyAsJsonObject()
                .getJsonObject("status")
                .getString("code")
                .equals("NO_READINGS"));
    assertThat(ruleOrders(bob.token(), ruleId)).isEmpty();
    assertThat(
            h.get("/rules/" + ruleId, bob.token())
                .bodyAsJsonObject()
                .getJsonObject("status")
                .getString("message"))
        .contains("no readings");
  }

  @Test
  void rulesAreValidatedAndPrivate() {
    ApiClient.Account carol = h.prosumer(operator, "carol", "DE-RULES");
    ApiClient.Account dave = h.prosumer(operator, "dave", "DE-RULES");
    long point = h.meteringPoint(carol.token(), 30_000);
    var noCap = h.post("/rules", carol.token(), rule(point, "SELL").put("dailyCapWh", 0));
    assertThat(noCap.statusCode()).isEqualTo(400);
    assertThat(noCap.bodyAsJsonObject().getString("field")).isEqualTo("dailyCapWh");
    // dave cannot attach a rule to carol's metering point, nor see carol's rule
    assertThat(h.post("/rules", dave.token(), rule(point, "SELL")).statusCode()).isEqualTo(404);
    long ruleId =
        ApiClient.check(h.post("/rules", carol.token(), rule(point, "SELL")), 201)
            .bodyAsJsonObject()
            .getLong("id");
    assertThat(h.get("/rules/" + ruleId, dave.token()).statusCode()).isEqualTo(404);
    assertThat(h.delete("/rules/" + ruleId, dave.token()).statusCode()).isEqualTo(404);
    assertThat(h.get("/rules", dave.token()).bodyAsJsonObject().getJsonArray("rules")).isEmpty();
    assertThat(h.post("/rules", null, rule(point, "SELL")).statusCode()).isEqualTo(401);
    assertThat(
            new ArrayList<>(
                h.get("/rules", carol.token()).bodyAsJsonObject().getJsonArray("rules").getList()))
        .hasSize(1);
  }
}
