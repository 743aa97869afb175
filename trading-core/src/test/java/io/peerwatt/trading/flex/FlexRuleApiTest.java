package io.peerwatt.trading.flex;

import static io.peerwatt.trading.testing.ApiClient.check;
import static io.peerwatt.trading.testing.ApiClient.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.db.schema.Tables;
import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.db.testing.TestDatabase;
import io.peerwatt.protocol.flex.SignedFlexCommand;
import io.peerwatt.protocol.testing.MutableClock;
import io.peerwatt.trading.testing.ApiClient;
import io.peerwatt.trading.testing.ApiClient.Account;
import io.peerwatt.trading.testing.TestGateway;
import io.peerwatt.trading.testing.TradingHarness;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The grid operator's events from the platform's API, and the households' standing rules that
 * accept them: which rules match (price, direction, zone), for how much (the rule's watts, the
 * device's maximum power, what the request still needs), and that applying them again changes
 * nothing.
 */
@ExtendWith(PostgresExtension.class)
class FlexRuleApiTest {
  static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

  @TempDir static Path dataDir;
  static TradingHarness h;
  static String operator;
  static String utility;
  static long sequence = 1;

  @BeforeAll
  static void start(TestDatabase db) {
    h = TradingHarness.start(db, dataDir, new MutableClock(NOW));
    operator = h.operator("root");
    h.zone(operator, "DE-RULE", ApiClient.zoneBody("Zone RULE", "CALL_AUCTION", 5000, 1));
    h.zone(operator, "DE-OTHER", ApiClient.zoneBody("Zone OTHER", "CALL_AUCTION", 5000, 1));
    h.zone(operator, "DE-LATE", ApiClient.zoneBody("Zone LATE", "CALL_AUCTION", 5000, 1));
    check(
        h.post(
            "/accounts",
            operator,
            new JsonObject()
                .put("username", "grid-rule")
                .put("password", "grid-rule-password")
                .put("role", "utility")
                .put("zone", "DE-RULE")),
        201);
    utility = h.login("grid-rule", "grid-rule-password");
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  /** A home of {@code zone} with a gateway whose battery moves {@code maxPowerW}. */
  record Home(Account account, long deviceId) {}

  static Home home(String username, String zone, long maxPowerW) {
    Account account = h.prosumer(operator, username, zone);
    TestGateway gateway = new TestGateway(NOW.minusSeconds(7200));
    gateway.enrol(h, account.token(), h.meteringPoint(account.token(), 10_000));
    check(
        h.put(
            "/devices/" + gateway.deviceId + "/flexibility",
            account.token(),
            new JsonObject().put("kind", "battery").put("maxPowerW", maxPowerW)),
        200);
    return new Home(account, gateway.deviceId);
  }

  static HttpResponse<Buffer> rule(Home home, long minPricePerKwh, long maxWatts, String... dirs) {
    return h.put(
        "/devices/" + home.deviceId() + "/flexibility/rule",
        home.account().token(),
        new JsonObject()
            .put("minPricePerKwh", minPricePerKwh)
            .put("maxWatts", maxWatts)
            .put("directions", new JsonArray(List.of((Object[]) dirs))));
  }

  /** Meter readings of {@code deviceId} in the hour before now: {@code wh} used in it. */
  /**
   * Readings 58 minutes apart within the hour before {@code NOW} whose mean power is {@code meanW}:
   * the zone's baseline is its devices' mean power over the time their readings span.
   */
  static void usedInTheLastHour(long deviceId, long meanW) {
    storeReading(deviceId, NOW.minus(Duration.ofMinutes(59)), 1_000_000);
    storeReading(deviceId, NOW.minus(Duration.ofMinutes(1)), 1_000_000 + meanW * 58 / 60);
  }

  static JsonObject event(String zone, String direction, String start, long price, Long... w) {
    return new JsonObject()
        .put("zone", zone)
        .put("direction", direction)
        .put("start", start)
        .put("limitsW", new JsonArray(List.of((Object[]) w)))
        .put("pricePerKwh", price);
  }

  /** Per device, the watts it accepted request {@code requestId} for. */
  static Map<Long, Long> accepted(long requestId) {
    return h
        .db
        .dsl()
        .selectFrom(Tables.FLEX_ACCEPTANCE)
        .where(Tables.FLEX_ACCEPTANCE.REQUEST_ID.eq(requestId))
        .fetch()
        .stream()
        .collect(Collectors.toMap(a -> a.getDeviceId(), a -> a.getWatts()));
  }

  @Test
  void rulesAcceptARequestByPriceAndDirectionWithinTheDevicesPowerAndTheRequestsNeed() {
    Home cheap = home("rule-cheap", "DE-RULE", 1200);
    Home dear = home("rule-dear", "DE-RULE", 1200);
    Home exporter = home("rule-exporter", "DE-RULE", 1200);
    Home big = home("rule-big", "DE-RULE", 1000);
    Home last = home("rule-last", "DE-RULE", 1000);
    Home elsewhere = home("rule-elsewhere", "DE-OTHER", 1000);
    // the zone drew 3000 W on average in the hour before: its baseline
    usedInTheLastHour(cheap.deviceId(), 3000);

    // a rule moves at most what the device can
    HttpResponse<Buffer> tooMuch = rule(big, 0, 1500, "REDUCE_IMPORT");
    assertThat(tooMuch.statusCode()).isEqualTo(400);
    assertThat(tooMuch.bodyAsJsonObject().getString("message"))
        .isEqualTo(
            "1500 W is more than the 1000 W your battery (device " + big.deviceId() + ") can move");

    // set in this order: cheap first, then big, then last
    JsonObject cheapRule = ok(rule(cheap, 20_000, 800, "REDUCE_IMPORT"));
    assertThat(cheapRule.getJsonArray("directions")).containsExactly("REDUCE_IMPORT");
    assertThat(cheapRule.getJsonArray("accepted")).isEmpty();
    check(rule(dear, 30_000, 1000, "REDUCE_IMPORT", "REDUCE_EXPORT"), 200);
    check(rule(exporter, 0, 1000, "REDUCE_EXPORT"), 200);
    h.clock.advance(Duration.ofSeconds(1));
    check(rule(big, 0, 1000, "REDUCE_IMPORT"), 200);
    h.clock.advance(Duration.ofSeconds(1));
    check(rule(last, 0, 1000, "REDUCE_IMPORT"), 200);
    check(rule(elsewhere, 0, 1000, "REDUCE_IMPORT"), 200);
    h.clock.set(NOW);

    // 0.25 EUR/kWh; limits of 1 kW and 2 kW: 2000 W needed at most
    JsonObject request =
        ok(
            h.post(
                "/flex/events",
                utility,
                event("DE-RULE", "REDUCE_IMPORT", "2026-12-06T17:00:00Z", 25_000, 1000L, 2000L)));
    assertThat(request.getLong("baselineW")).isEqualTo(3000);
    assertThat(request.getJsonArray("slots"))
        .extracting(s -> ((JsonObject) s).getLong("neededW"))
        .containsExactly(2000L, 1000L);
    long id = request.getLong("id");

    // dear asks more than the price, exporter another direction, elsewhere is another zone; cheap
    // takes its 800 W, big its 1000 W, last only the 200 W still needed
    assertThat(accepted(id))
        .isEqualTo(Map.of(cheap.deviceId(), 800L, big.deviceId(), 1000L, last.deviceId(), 200L));
    assertThat(request.getInteger("acceptances")).isEqualTo(3);
    assertThat(request.getJsonArray("slots").getJsonObject(0).getLong("acceptedW")).isEqualTo(2000);

    // each acceptance is recorded like one by hand: the household sees it, its gateway gets a
    // command signed by the platform for its watts
    JsonObject mine =
        ok(h.get("/flex/requests", cheap.account().token())).getJsonArray("requests").stream()
            .map(JsonObject.class::cast)
            .filter(r -> r.getLong("id") == id)
            .findFirst()
            .orElseThrow()
            .getJsonArray("myAcceptances")
            .getJsonObject(0);
    assertThat(mine.getString("clientKey")).isEqualTo("rule-" + id + "-" + cheap.deviceId());
    assertThat(mine.getLong("watts")).isEqualTo(800);
    var row =
        h.db
            .dsl()
            .selectFrom(Tables.FLEX_ACCEPTANCE)
            .where(Tables.FLEX_ACCEPTANCE.ID.eq(mine.getLong("id")))
            .fetchOne();
    SignedFlexCommand signed = SignedFlexCommand.fromJson(row.getSignedCommand());
    assertThat(signed.verify(h.keys.signingKey().publicKey())).isTrue();
    assertThat(signed.command().watts()).isEqualTo(800);
    assertThat(signed.command().deviceId()).isEqualTo(Long.toString(cheap.deviceId()));
    assertThat(
            h.db
                .dsl()
                .fetchExists(
                    Tables.OPENADR_OBJECT, Tables.OPENADR_OBJECT.ID.eq(row.getOpenadrEventId())))
        .isTrue();

    // applying the rules again (setting one again applies them to the zone's open requests)
    // accepts nothing more
    JsonObject again = ok(rule(last, 0, 1000, "REDUCE_IMPORT"));
    assertThat(again.getJsonArray("accepted")).isEmpty();
    assertThat(accepted(id)).hasSize(3);

    // the grid operator's listing shows the request with what was accepted
    JsonObject listed =
        ok(h.get("/flex/events", utility)).getJsonArray("events").stream()
            .map(JsonObject.class::cast)
            .filter(e -> e.getLong("id") == id)
            .findFirst()
            .orElseThrow();
    assertThat(listed.getInteger("acceptances")).isEqualTo(3);
    assertThat(listed.getJsonArray("slots").getJsonObject(1).containsKey("deliveredW"))
        .as("not before the slot ends")
        .isFalse();
  }

  @Test
  void aRuleSetWhileARequestIsOpenTakesItAtOnceButNeverOneThatStarted() {
    Home late = home("rule-late", "DE-LATE", 1500);
    // the zone drew about 5000 W in the hour before and exported nothing
    usedInTheLastHour(late.deviceId(), 5000);
    long noExport =
        ok(h.post(
                "/flex/events",
                operator,
                event("DE-LATE", "REDUCE_EXPORT", "2026-12-06T20:00:00Z", 10_000, 0L)))
            .getLong("id");
    long started =
        ok(h.post(
                "/flex/events",
                operator,
                event("DE-LATE", "REDUCE_IMPORT", "2026-12-06T12:15:00Z", 10_000, 0L)))
            .getLong("id");
    long open =
        ok(h.post(
                "/flex/events",
                operator,
                event("DE-LATE", "REDUCE_IMPORT", "2026-12-06T21:00:00Z", 10_000, 0L)))
            .getLong("id");
    h.clock.set(Instant.parse("2026-12-06T12:20:00Z"));
    try {
      JsonObject set = ok(rule(late, 5_000, 1500, "REDUCE_IMPORT", "REDUCE_EXPORT"));
      // the open import request needs 5000 W: taken at once; the export one needs nothing (the
      // zone exported nothing), the started one takes no acceptance
      assertThat(accepted(open)).isEqualTo(Map.of(late.deviceId(), 1500L));
      assertThat(set.getJsonArray("accepted")).hasSize(1);
      assertThat(accepted(noExport)).isEmpty();
      assertThat(accepted(started)).isEmpty();
      JsonObject settings =
          ok(h.get("/devices/" + late.deviceId() + "/flexibility", late.account().token()));
      assertThat(settings.getLong("maxPowerW")).isEqualTo(1500);
      assertThat(settings.getJsonObject("rule").getLong("minPricePerKwh")).isEqualTo(5_000);
      assertThat(settings.getJsonObject("rule").getJsonArray("directions"))
          .containsExactly("REDUCE_IMPORT", "REDUCE_EXPORT");
      check(
          h.delete("/devices/" + late.deviceId() + "/flexibility/rule", late.account().token()),
          204);
      assertThat(
              ok(h.get("/devices/" + late.deviceId() + "/flexibility", late.account().token()))
                  .containsKey("rule"))
          .isFalse();
    } finally {
      h.clock.set(NOW);
    }
  }

  @Test
  void theGridOperatorSeesWhatTheHomesDeliveredAgainstTheHourBeforeTheEvent() {
    h.zone(operator, "DE-FRESH", ApiClient.zoneBody("Zone FRESH", "CALL_AUCTION", 5000, 1));
    check(
        h.post(
            "/accounts",
            operator,
            new JsonObject()
                .put("username", "grid-fresh")
                .put("password", "grid-fresh-password")
                .put("role", "utility")
                .put("zone", "DE-FRESH")),
        201);
    String freshUtility = h.login("grid-fresh", "grid-fresh-password");
    Home fresh = home("fresh-home", "DE-FRESH", 1200);
    long id =
        ok(h.post(
                "/flex/events",
                freshUtility,
                event("DE-FRESH", "REDUCE_IMPORT", "2026-12-06T13:00:00Z", 25_000, 0L)))
            .getLong("id");
    check(
        h.post(
            "/flex/requests/" + id + "/acceptances",
            fresh.account().token(),
            new JsonObject()
                .put("deviceId", fresh.deviceId())
                .put("watts", 1000)
                .put("clientKey", "fresh")),
        201);
    // the home started metering at 11:45:05, so it has no comparable days (nor a whole 11:45
    // quarter-hour): its baseline is the hour before the event, 300 Wh in each quarter-hour; in the
    // event's slot its meter counts 100 Wh. Readings 5 s either side of each boundary: the energy
    // is the counters interpolated at the boundaries, as the statements measure it.
    Instant event = Instant.parse("2026-12-06T13:00:00Z");
    long counter = 2_000_000;
    for (int back = 5; back >= 0; back--) {
      Instant start = event.minus(Duration.ofMinutes(15L * back));
      storeReading(fresh.deviceId(), start.plusSeconds(5), counter);
      counter += back == 0 ? 100 : 300;
      storeReading(fresh.deviceId(), start.plusSeconds(895), counter);
    }
    storeReading(fresh.deviceId(), event.plus(Duration.ofMinutes(15)).plusSeconds(5), counter);
    h.clock.set(event.plus(Duration.ofMinutes(15)));
    JsonObject homeSlot;
    JsonObject listed;
    try {
      homeSlot =
          ok(h.get("/flex/requests", fresh.account().token())).getJsonArray("requests").stream()
              .map(JsonObject.class::cast)
              .filter(r -> r.getLong("id") == id)
              .findFirst()
              .orElseThrow()
              .getJsonArray("myAcceptances")
              .getJsonObject(0)
              .getJsonArray("slots")
              .getJsonObject(0);
      listed =
          ok(h.get("/flex/events", freshUtility)).getJsonArray("events").stream()
              .map(JsonObject.class::cast)
              .filter(e -> e.getLong("id") == id)
              .findFirst()
              .orElseThrow();
    } finally {
      h.clock.set(NOW);
    }
    // the home delivered 300 - 100 = 200 Wh of the 250 Wh it accepted, at 25 ct/kWh; the grid
    // operator sees the same
    assertThat(homeSlot.getLong("baselineWh")).isEqualTo(300);
    assertThat(homeSlot.getLong("deliveredWh")).isEqualTo(200);
    assertThat(homeSlot.getLong("earned")).isEqualTo(5_000);
    JsonObject gridSlot = listed.getJsonArray("slots").getJsonObject(0);
    assertThat(gridSlot.getLong("deliveredWh")).isEqualTo(homeSlot.getLong("deliveredWh"));
    assertThat(gridSlot.getLong("deliveredW")).isEqualTo(800);
    assertThat(listed.getLong("earned")).isEqualTo(homeSlot.getLong("earned"));
  }

  @Test
  void theGridOperatorsEventIsAnOpenAdrEventAndItsFormIsCheckedInWords() {
    JsonObject made =
        ok(
            h.post(
                "/flex/events",
                utility,
                event("DE-RULE", "REDUCE_IMPORT", "2026-12-06T22:00:00Z", 12_345, 500L)));
    // the VTN holds the event, in the portal's program, targeted at the zone, limit and price as
    // OpenADR writes them
    JsonObject stored =
        new JsonObject(
            h.db
                .dsl()
                .select(Tables.OPENADR_OBJECT.BODY)
                .from(Tables.OPENADR_OBJECT)
                .where(Tables.OPENADR_OBJECT.ID.eq(made.getString("eventId")))
                .fetchOne(Tables.OPENADR_OBJECT.BODY)
                .data());
    assertThat(stored.getJsonArray("targets")).containsExactly("DE-RULE");
    assertThat(
            h.db
                .dsl()
                .select(Tables.OPENADR_OBJECT.NAME)
                .from(Tables.OPENADR_OBJECT)
                .where(Tables.OPENADR_OBJECT.ID.eq(stored.getString("programID")))
                .fetchOne(Tables.OPENADR_OBJECT.NAME))
        .isEqualTo(GridFlexEvents.PROGRAM_NAME);
    JsonArray payloads = stored.getJsonArray("intervals").getJsonObject(0).getJsonArray("payloads");
    assertThat(payloads.getJsonObject(0).getString("type")).isEqualTo("IMPORT_CAPACITY_LIMIT");
    assertThat(payloads.getJsonObject(0).getJsonArray("values").getValue(0).toString())
        .isEqualTo("0.5");
    assertThat(payloads.getJsonObject(1).getJsonArray("values").getValue(0).toString())
        .isEqualTo("0.12345");
    assertThat(made.getLong("pricePerKwh")).isEqualTo(12_345);

    assertRefused(
        h.post(
            "/flex/events",
            utility,
            event("DE-RULE", "REDUCE_IMPORT", "2026-12-06T11:00:00Z", 1, 500L)),
        400,
        "not in the future");
    assertRefused(
        h.post(
            "/flex/events",
            utility,
            event("DE-RULE", "REDUCE_IMPORT", "2026-12-06T22:05:00Z", 1, 500L)),
        400,
        "not the start of a 15-minute slot");
    assertRefused(
        h.post(
            "/flex/events",
            utility,
            event("DE-OTHER", "REDUCE_IMPORT", "2026-12-06T22:00:00Z", 1, 500L)),
        403,
        "zone DE-RULE");
    assertRefused(
        h.post(
            "/flex/events",
            operator,
            event("XX-NONE", "REDUCE_IMPORT", "2026-12-06T22:00:00Z", 1, 500L)),
        400,
        "no zone XX-NONE");
    Account household = h.prosumer(operator, "rule-household", "DE-RULE");
    assertThat(
            h.post(
                    "/flex/events",
                    household.token(),
                    event("DE-RULE", "REDUCE_IMPORT", "2026-12-06T22:00:00Z", 1, 500L))
                .statusCode())
        .isEqualTo(403);
    assertThat(h.get("/flex/events", household.token()).statusCode()).isEqualTo(403);
    // an operator sees every zone's, or the zone asked for
    assertThat(ok(h.get("/flex/events?zone=DE-OTHER", operator)).getJsonArray("events")).isEmpty();
    assertThat(ok(h.get("/flex/events", operator)).getJsonArray("events")).isNotEmpty();
  }

  static void assertRefused(HttpResponse<Buffer> r, int status, String words) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    assertThat(r.bodyAsJsonObject().getString("message")).contains(words);
  }

  /** A reading row of {@code deviceId}, as ingestion stores one (the fields the baseline reads). */
  private static void storeReading(long deviceId, Instant takenAt, long importWh) {
    h.db
        .dsl()
        .insertInto(Tables.READING)
        .set(Tables.READING.DEVICE_ID, deviceId)
        .set(Tables.READING.SEQUENCE, sequence++)
        .set(Tables.READING.METER_CHANNEL, 0)
        .set(Tables.READING.TAKEN_AT, takenAt)
        .set(Tables.READING.IMPORT_WH, importWh)
        .set(Tables.READING.EXPORT_WH, 0L)
        .set(Tables.READING.POWER_W, 0L)
        .set(Tables.READING.QUALITY_FLAGS, 0)
        .set(Tables.READING.PREV_HASH, new byte[32])
        .set(Tables.READING.READING_HASH, new byte[32])
        .set(Tables.READING.SIGNATURE, new byte[70])
        .set(Tables.READING.ENCODED, new byte[1])
        .execute();
  }
}
