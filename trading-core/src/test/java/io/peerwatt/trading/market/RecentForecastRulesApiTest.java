package io.peerwatt.trading.market;

import static io.peerwatt.db.schema.Tables.DEVICE;
import static io.peerwatt.db.schema.Tables.READING;
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
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * RECENT rules trade from the last hour's readings, on a home with no previous days, and only for
 * the slots within their horizon; HISTORY rules keep doing what they did. The rules run through the
 * platform's scheduler at clock times the test sets.
 */
@ExtendWith(PostgresExtension.class)
class RecentForecastRulesApiTest {
  static final Instant START =
      StandingRulesApiTest.START; // 2026-11-25T21:00Z, 22:00 in the zone's Berlin
  @TempDir static Path dataDir;
  static TradingHarness h;
  static String operator;

  @BeforeAll
  static void start(TestDatabase db) {
    h = TradingHarness.start(db, dataDir, new MutableClock(START));
    operator = h.operator("root");
    h.zone(operator, "DE-RECENT", ApiClient.zoneBody("Zone DE-RECENT", "CALL_AUCTION", 100, 10));
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  /** A meter of a metering point as the test feeds it: readings stored as ingestion stores them. */
  static final class Meter {
    private final DSLContext dsl;
    private final long deviceId;
    private long sequence;
    private Instant takenAt;
    private long importWh;
    private long exportWh;

    Meter(DSLContext dsl, long meteringPointId, int keyByte) {
      this.dsl = dsl;
      byte[] key = new byte[33];
      key[0] = 3;
      key[32] = (byte) keyByte;
      this.deviceId =
          dsl.insertInto(DEVICE)
              .set(DEVICE.PUBLIC_KEY, key)
              .set(DEVICE.METERING_POINT_ID, meteringPointId)
              .returning(DEVICE.ID)
              .fetchOne()
              .getId();
    }

    /** One reading with these counters. */
    Meter reading(Instant at, long importWh, long exportWh) {
      this.takenAt = at;
      this.importWh = importWh;
      this.exportWh = exportWh;
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
              READING.ENCODED)
          .values(
              deviceId,
              ++sequence,
              0,
              at,
              importWh,
              exportWh,
              0L,
              0,
              new byte[32],
              new byte[32],
              new byte[70],
              new byte[100])
          .execute();
      return this;
    }

    /**
     * A reading every minute after the last one up to {@code until}, the counters growing by these
     * Wh a minute.
     */
    Meter everyMinuteUntil(Instant until, long importWhPerMinute, long exportWhPerMinute) {
      while (takenAt.isBefore(until)) {
        reading(
            takenAt.plus(Duration.ofMinutes(1)),
            importWh + importWhPerMinute,
            exportWh + exportWhPerMinute);
      }
      return this;
    }
  }

  static JsonObject recentRule(long meteringPointId, String side) {
    return StandingRulesApiTest.rule(meteringPointId, side).put("forecast", "RECENT");
  }

  static long create(String token, JsonObject rule) {
    return ApiClient.check(h.post("/rules", token, rule), 201).bodyAsJsonObject().getLong("id");
  }

  static JsonObject rule(String token, long ruleId) {
    return ApiClient.check(h.get("/rules/" + ruleId, token), 200).bodyAsJsonObject();
  }

  /** Sets the clock to {@code now} and waits until the scheduler has run each rule at that time. */
  static void runRulesAt(Instant now, String token, long... ruleIds) {
    h.clock.set(now);
    for (long ruleId : ruleIds) {
      ApiClient.eventually(
          () ->
              now.toString()
                  .equals(rule(token, ruleId).getJsonObject("status").getString("lastRunAt")));
    }
  }

  /** The rule's orders, slot start to quantity in Wh. */
  static Map<String, Long> ordersBySlot(String token, long ruleId) {
    Map<String, Long> out = new TreeMap<>();
    h.get("/orders", token).bodyAsJsonObject().getJsonArray("orders").stream()
        .map(JsonObject.class::cast)
        .filter(o -> Long.valueOf(ruleId).equals(o.getLong("ruleId")))
        .forEach(o -> out.put(o.getString("slot"), o.getLong("quantityWh")));
    return out;
  }

  @Test
  void recentRuleTradesTheLastHoursAverageOnlyWithinItsHorizon(TestDatabase db) {
    // a HISTORY rule with eight days of readings, run once at 21:01 so that nothing else runs
    // before 21:02
    ApiClient.Account hanna = h.prosumer(operator, "hanna", "DE-RECENT");
    long hannasPoint = h.meteringPoint(hanna.token(), 30_000);
    StandingRulesApiTest.readings(db.dsl(), hannasPoint, (byte) 1);
    long history =
        create(
            hanna.token(),
            StandingRulesApiTest.rule(hannasPoint, "SELL").put("horizonMinutes", 15));
    runRulesAt(START.plus(Duration.ofMinutes(1)), hanna.token(), history);

    // the horizon is stored but does not limit a HISTORY rule: same orders as StandingRulesApiTest
    JsonObject historyRule = rule(hanna.token(), history);
    assertThat(historyRule.getString("forecast")).isEqualTo("HISTORY");
    assertThat(historyRule.getInteger("horizonMinutes")).isEqualTo(15);
    assertThat(ordersBySlot(hanna.token(), history))
        .hasSize(8)
        .containsEntry("2026-11-25T21:30Z/PT15M", 300L)
        .containsEntry("2026-11-25T22:15Z/PT15M", 100L)
        .containsEntry("2026-11-25T23:45Z/PT15M", 100L);

    // alice's home came online at 19:30: 50 Wh export a minute until 20:00, then 20 export and 4
    // import
    ApiClient.Account alice = h.prosumer(operator, "alice", "DE-RECENT");
    long point = h.meteringPoint(alice.token(), 30_000);
    Meter meter =
        new Meter(db.dsl(), point, 2)
            .reading(Instant.parse("2026-11-25T19:30:00Z"), 1_000, 2_000)
            .everyMinuteUntil(Instant.parse("2026-11-25T20:00:00Z"), 0, 50)
            .everyMinuteUntil(Instant.parse("2026-11-25T21:02:00Z"), 4, 20);
    long recent = create(alice.token(), recentRule(point, "SELL"));
    long shortHorizon = create(alice.token(), recentRule(point, "SELL").put("horizonMinutes", 15));
    // a HISTORY rule on the same point has no previous day for today's slots
    long historyWithoutDays = create(alice.token(), StandingRulesApiTest.rule(point, "SELL"));
    JsonObject created = rule(alice.token(), recent);
    assertThat(created.getString("forecast")).isEqualTo("RECENT");
    assertThat(created.getInteger("horizonMinutes")).isEqualTo(60);

    // bob's meter has no readings; carol's two are 90 s apart
    ApiClient.Account bob = h.prosumer(operator, "bob", "DE-RECENT");
    long bobs = create(bob.token(), recentRule(h.meteringPoint(bob.token(), 30_000), "BUY"));
    ApiClient.Account carol = h.prosumer(operator, "carol", "DE-RECENT");
    long carolsPoint = h.meteringPoint(carol.token(), 30_000);
    new Meter(db.dsl(), carolsPoint, 3)
        .reading(Instant.parse("2026-11-25T21:00:00Z"), 0, 0)
        .reading(Instant.parse("2026-11-25T21:01:30Z"), 50, 0);
    long carols = create(carol.token(), recentRule(carolsPoint, "BUY"));

    Instant firstRun = Instant.parse("2026-11-25T21:02:00Z");
    runRulesAt(firstRun, alice.token(), recent, shortHorizon, historyWithoutDays);
    runRulesAt(firstRun, bob.token(), bobs);
    runRulesAt(firstRun, carol.token(), carols);

    // the hour 20:02..21:02: 960 Wh net -> 240 a quarter-hour, 140 above the reserve; the 21:15
    // gate is
    // closed, so the slots starting within 60 minutes are 21:30, 21:45 and 22:00
    assertThat(ordersBySlot(alice.token(), recent))
        .containsExactly(
            Map.entry("2026-11-25T21:30Z/PT15M", 140L),
            Map.entry("2026-11-25T21:45Z/PT15M", 140L),
            Map.entry("2026-11-25T22:00Z/PT15M", 140L));
    JsonObject status = rule(alice.token(), recent).getJsonObject("status");
    assertThat(status.getString("code")).isEqualTo("OK");
    assertThat(status.getString("message"))
        .isEqualTo("placed 3 order(s), the last for 2026-11-25T22:00Z/PT15M");
    assertThat(ordersBySlot(alice.token(), shortHorizon)).isEmpty();
    assertThat(rule(alice.token(), shortHorizon).getJsonObject("status").getString("message"))
        .isEqualTo("no open slot of zone DE-RECENT starts within the rule's horizon of 15 minutes");
    assertThat(ordersBySlot(alice.token(), historyWithoutDays).keySet())
        .allMatch(slot -> slot.startsWith("2026-11-26T"));
    JsonObject bobsStatus = rule(bob.token(), bobs).getJsonObject("status");
    assertThat(bobsStatus.getString("code")).isEqualTo("NO_READINGS");
    assertThat(bobsStatus.getString("message")).contains("no readings in the last hour");
    JsonObject carolsStatus = rule(carol.token(), carols).getJsonObject("status");
    assertThat(carolsStatus.getString("code")).isEqualTo("NO_READINGS");
    assertThat(carolsStatus.getString("message")).contains("two readings at least 2 minutes apart");
    assertThat(ordersBySlot(bob.token(), bobs)).isEmpty();
    assertThat(ordersBySlot(carol.token(), carols)).isEmpty();

    // at 21:20 the export has slowed to 8 Wh net a minute: the hour 20:20..21:20 gives 42 * 16 + 18
    // * 8
    // = 816 Wh -> 204 a quarter-hour, 104 above the reserve, for the one slot that came within the
    // horizon
    meter.everyMinuteUntil(Instant.parse("2026-11-25T21:20:00Z"), 2, 10);
    Instant secondRun = Instant.parse("2026-11-25T21:20:00Z");
    runRulesAt(secondRun, alice.token(), recent);
    assertThat(ordersBySlot(alice.token(), recent))
        .containsExactly(
            Map.entry("2026-11-25T21:30Z/PT15M", 140L),
            Map.entry("2026-11-25T21:45Z/PT15M", 140L),
            Map.entry("2026-11-25T22:00Z/PT15M", 140L),
            Map.entry("2026-11-25T22:15Z/PT15M", 104L));

    // a later run at the same readings has nothing new within the horizon
    runRulesAt(secondRun.plus(Duration.ofMinutes(1)), alice.token(), recent);
    assertThat(ordersBySlot(alice.token(), recent)).hasSize(4);
    assertThat(rule(alice.token(), recent).getJsonObject("status").getString("message"))
        .isEqualTo("every open slot starting within 60 minutes has an order of this rule");
  }

  @Test
  void invalidForecastOrHorizonIsRefusedNamingTheFieldAndChangesNothing() {
    ApiClient.Account erin = h.prosumer(operator, "erin", "DE-RECENT");
    long point = h.meteringPoint(erin.token(), 30_000);
    long ruleId = create(erin.token(), recentRule(point, "SELL").put("horizonMinutes", 30));
    // (the scheduler may run the rule meanwhile: its status is not what a refused request must
    // keep)
    JsonObject before = rule(erin.token(), ruleId).copy();
    before.remove("status");

    assertRefused(
        h.post("/rules", erin.token(), recentRule(point, "SELL").put("forecast", "TOMORROW")),
        "forecast");
    assertRefused(
        h.post("/rules", erin.token(), recentRule(point, "SELL").put("forecast", "recent")),
        "forecast");
    assertRefused(
        h.post("/rules", erin.token(), recentRule(point, "SELL").putNull("forecast")), "forecast");
    assertRefused(
        h.post("/rules", erin.token(), recentRule(point, "SELL").put("horizonMinutes", "60")),
        "horizonMinutes");
    for (long horizon :
        new long[] {
          14, 1441, 0, -60, 4_294_967_356L /* 2^32 + 60: refused, not truncated to 60 */
        }) {
      HttpResponse<Buffer> r =
          h.post("/rules", erin.token(), recentRule(point, "SELL").put("horizonMinutes", horizon));
      assertRefused(r, "horizonMinutes");
      assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo("INVALID_HORIZON");
      assertThat(r.bodyAsJsonObject().getString("message"))
          .isEqualTo("horizonMinutes: must be 15..1440");
    }
    // validated for HISTORY rules too, although they do not use it
    assertRefused(
        h.post(
            "/rules",
            erin.token(),
            StandingRulesApiTest.rule(point, "SELL").put("horizonMinutes", 2_000)),
        "horizonMinutes");
    assertRefused(
        h.patch("/rules/" + ruleId, erin.token(), new JsonObject().put("forecast", "LAST_WEEK")),
        "forecast");
    assertRefused(
        h.patch(
            "/rules/" + ruleId,
            erin.token(),
            new JsonObject().put("horizonMinutes", 10).put("reserveWh", 5)),
        "horizonMinutes");
    assertThat(h.get("/rules", erin.token()).bodyAsJsonObject().getJsonArray("rules")).hasSize(1);
    JsonObject after = rule(erin.token(), ruleId);
    after.remove("status");
    assertThat(after).isEqualTo(before);

    // the bounds themselves are valid, and a rule can change its forecast both ways
    JsonObject changed =
        ApiClient.check(
                h.patch(
                    "/rules/" + ruleId,
                    erin.token(),
                    new JsonObject().put("forecast", "HISTORY").put("horizonMinutes", 1440)),
                200)
            .bodyAsJsonObject();
    assertThat(changed.getString("forecast")).isEqualTo("HISTORY");
    assertThat(changed.getInteger("horizonMinutes")).isEqualTo(1440);
    changed =
        ApiClient.check(
                h.patch(
                    "/rules/" + ruleId,
                    erin.token(),
                    new JsonObject().put("forecast", "RECENT").put("horizonMinutes", 15)),
                200)
            .bodyAsJsonObject();
    assertThat(changed.getString("forecast")).isEqualTo("RECENT");
    assertThat(changed.getInteger("horizonMinutes")).isEqualTo(15);
    // a change that leaves them out keeps them
    changed =
        ApiClient.check(
                h.patch("/rules/" + ruleId, erin.token(), new JsonObject().put("reserveWh", 50)),
                200)
            .bodyAsJsonObject();
    assertThat(changed.getString("forecast")).isEqualTo("RECENT");
    assertThat(changed.getInteger("horizonMinutes")).isEqualTo(15);
  }

  private static void assertRefused(HttpResponse<Buffer> r, String field) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getString("field")).as(r.bodyAsString()).isEqualTo(field);
  }
}
