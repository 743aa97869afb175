package io.peerwatt.deploy;

import static io.peerwatt.db.schema.Tables.ACCOUNT;
import static io.peerwatt.db.schema.Tables.ANALYTICS_QUERY;
import static io.peerwatt.db.schema.Tables.DEVICE;
import static io.peerwatt.db.schema.Tables.METERING_POINT;
import static io.peerwatt.db.schema.Tables.READING;
import static io.peerwatt.trading.testing.ApiClient.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.testing.MutableClock;
import io.peerwatt.trading.AccountAdmin;
import io.peerwatt.trading.testing.ApiClient;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The zone aggregate API over real HTTP against a running platform on real PostgreSQL. Ten
 * households of zone NL-AN have meters read at every quarter-hour from 09:00 to 11:15 UTC: house i
 * imports 100 + 10 i Wh and exports 40 Wh per quarter-hour, except that house 9 imports 5000 Wh in
 * 10:30-10:45 and house 0's readings stop at 11:00. Zone NL-FEW has three households.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ZoneAnalyticsApiTest {
  private static final String ZONE = "NL-AN";
  private static final String FEW = "NL-FEW";
  private static final Instant DAY = Instant.parse("2026-11-20T09:00:00Z");
  private static final String BASE = "/analytics/zones/" + ZONE;

  private PlatformHarness h;
  private ApiClient api;
  private DSLContext db;
  private String ops;
  private String gridco;
  private String researcher;
  private String petra;
  private final long[] houses = new long[10];
  private int keys;

  @BeforeAll
  void start(@TempDir Path dataDir) throws Exception {
    PlatformHarness.createOperatorByCommand(dataDir);
    h =
        PlatformHarness.start(
            PlatformHarness.settings(dataDir),
            new MutableClock(Instant.parse("2026-11-22T12:00:00Z")));
    api = h.api;
    db = h.platform.database().dsl();
    ops = api.login("ops", PlatformHarness.OPS_PASSWORD);
    for (String zone : new String[] {ZONE, FEW}) {
      ok(api.put("/zones/" + zone, ops, PlatformHarness.utrechtZone()));
    }
    ok(
        api.post(
            "/accounts",
            ops,
            new JsonObject()
                .put("username", "gridco")
                .put("password", "gridco-password-1")
                .put("role", "utility")
                .put("zone", ZONE)));
    gridco = api.login("gridco", "gridco-password-1");
    AccountAdmin.createOperator(db, "institute", "institute-password-1");
    db.update(ACCOUNT)
        .set(ACCOUNT.ROLE, "third_party")
        .where(ACCOUNT.USERNAME.eq("institute"))
        .execute();
    researcher = api.login("institute", "institute-password-1");
    petra = api.prosumer(ops, "petra", ZONE).token();
    for (int i = 0; i < houses.length; i++) {
      long device = household(ZONE, "house" + i);
      houses[i] = device;
      long importWh = 0;
      int quarters = i == 0 ? 8 : 9;
      for (int q = 0; q <= quarters; q++) {
        reading(device, q + 1, DAY.plus(Duration.ofMinutes(15L * q)), importWh, 40L * q);
        importWh += i == 9 && q == 6 ? 5_000 : 100 + 10L * i;
      }
    }
    for (int i = 0; i < 3; i++) {
      long device = household(FEW, "few" + i);
      reading(device, 1, DAY, 0, 0);
      reading(device, 2, DAY.plus(Duration.ofMinutes(15)), 100, 0);
    }
    ok(
        api.put(
            BASE,
            ops,
            new JsonObject()
                .put("minHomes", 10)
                .put("dominanceSharePercent", 50)
                .put("clipWh", 2_000)
                .put("budgetMilliEpsilon", 1_000)));
  }

  @AfterAll
  void stop() {
    h.close();
  }

  private HttpResponse<Buffer> aggregate(String token, String query) {
    return api.get(BASE + "/aggregate?" + query, token);
  }

  @Test
  void answersSumsAndMeansOfQuarterHoursWithTenHomesExactlyToTheUtility() {
    JsonObject body = ok(aggregate(gridco, "from=2026-11-20T10:00:00Z&to=2026-11-20T10:30:00Z"));
    assertThat(body.getInteger("minHomes")).isEqualTo(10);
    assertThat(body.getValue("noise")).isNull();
    JsonArray intervals = body.getJsonArray("intervals");
    assertThat(intervals).hasSize(2);
    JsonObject first = intervals.getJsonObject(0);
    assertThat(first.getInteger("homes")).isEqualTo(10);
    // 100 + 110 + ... + 190
    assertThat(first.getJsonObject("import").getLong("sumWh")).isEqualTo(1_450);
    assertThat(first.getJsonObject("import").getLong("meanWh")).isEqualTo(145);
    assertThat(first.getJsonObject("export").getLong("sumWh")).isEqualTo(400);
    assertThat(first.getJsonObject("export").getLong("meanWh")).isEqualTo(40);
  }

  @Test
  void refusesAZoneBelowKHomesAndSuppressesQuarterHoursBelowK() {
    // a period with no quarter-hour of ten homes is refused as a whole
    HttpResponse<Buffer> few =
        api.get(
            "/analytics/zones/"
                + FEW
                + "/aggregate?from=2026-11-20T09:00:00Z&to=2026-11-20T09:15:00Z",
            ops);
    assertThat(few.statusCode()).isEqualTo(422);
    assertThat(few.bodyAsJsonObject().getString("error")).isEqualTo("TOO_FEW_HOMES");
    assertThat(few.bodyAsString()).contains("at least 10 households");

    // house 0 has no metering after 11:00: nine homes
    JsonObject body =
        ok(aggregate(gridco, "from=2026-11-20T10:45:00Z&to=2026-11-20T11:15:00Z&resolution=PT15M"));
    assertThat(body.getJsonArray("intervals").getJsonObject(0).getInteger("homes")).isEqualTo(10);
    JsonObject cell = body.getJsonArray("intervals").getJsonObject(1);
    assertThat(cell.containsKey("homes")).isFalse();
    assertThat(cell.getJsonObject("import"))
        .isEqualTo(new JsonObject().put("suppressed", "TOO_FEW_HOMES"));
    assertThat(cell.getJsonObject("export"))
        .isEqualTo(new JsonObject().put("suppressed", "TOO_FEW_HOMES"));
  }

  @Test
  void suppressesTheQuarterHourOneHomeDominatesAndEveryIntervalAroundIt() {
    JsonObject quarter =
        ok(aggregate(ops, "from=2026-11-20T10:30:00Z&to=2026-11-20T10:45:00Z"))
            .getJsonArray("intervals")
            .getJsonObject(0);
    // house 9's 5000 Wh are 80 % of 6260 Wh
    assertThat(quarter.getJsonObject("import"))
        .isEqualTo(new JsonObject().put("suppressed", "DOMINANT_HOME"));
    assertThat(quarter.getJsonObject("export").getLong("sumWh")).isEqualTo(400);
    // the hour 10:00-11:00 minus its other quarter-hours would give 10:30 away: suppressed too
    JsonObject hour =
        ok(aggregate(ops, "from=2026-11-20T10:00:00Z&to=2026-11-20T11:00:00Z&resolution=PT1H"))
            .getJsonArray("intervals")
            .getJsonObject(0);
    assertThat(hour.getJsonObject("import"))
        .isEqualTo(new JsonObject().put("suppressed", "DOMINANT_HOME"));
    assertThat(hour.getJsonObject("export").getLong("sumWh")).isEqualTo(1_600);
    // the next hour has nine homes in its first quarter-hour: too few, which outranks dominance
    JsonObject hours =
        ok(aggregate(ops, "from=2026-11-20T10:00:00Z&to=2026-11-20T12:00:00Z&resolution=PT1H"));
    assertThat(hours.getJsonArray("intervals").getJsonObject(1).getJsonObject("export"))
        .isEqualTo(new JsonObject().put("suppressed", "TOO_FEW_HOMES"));
    // an hour that starts mid-way, where the difference would isolate a quarter-hour, is refused
    HttpResponse<Buffer> cut =
        aggregate(ops, "from=2026-11-20T10:15:00Z&to=2026-11-20T11:00:00Z&resolution=PT1H");
    assertThat(cut.statusCode()).isEqualTo(400);
    assertThat(cut.bodyAsJsonObject().getString("error")).isEqualTo("UNALIGNED_PERIOD");
  }

  /**
   * The differencing attack: ask for a quarter-hour, let a household join the zone (with late
   * readings for that quarter-hour) and another leave it, ask again. The zone's live energy
   * changed, the second answer equals the first: the difference is zero and names nobody. A
   * household filter does not exist.
   */
  @Test
  void oneHouseholdCannotBeRecoveredByDifferencingTwoAnswers() {
    String q = "from=2026-11-20T09:00:00Z&to=2026-11-20T09:15:00Z";
    JsonObject before = ok(aggregate(gridco, q)).getJsonArray("intervals").getJsonObject(0);
    assertThat(before.getInteger("homes")).isEqualTo(10);

    long newcomer = household(ZONE, "newcomer");
    reading(newcomer, 1, DAY, 0, 0);
    reading(newcomer, 2, DAY.plus(Duration.ofMinutes(15)), 777, 0);
    db.update(METERING_POINT)
        .set(METERING_POINT.ZONE_CODE, FEW)
        .where(
            METERING_POINT.ID.eq(
                db.select(DEVICE.METERING_POINT_ID)
                    .from(DEVICE)
                    .where(DEVICE.ID.eq(houses[3]))
                    .fetchSingle()
                    .value1()))
        .execute();
    // the zone's live energy changed: house 3's 130 Wh left, the newcomer's 777 Wh came
    assertThat(ok(api.get("/energy?" + q, gridco)).getJsonObject("totals").getLong("importWh"))
        .isEqualTo(1_450 - 130 + 777);

    JsonObject after = ok(aggregate(gridco, q)).getJsonArray("intervals").getJsonObject(0);
    assertThat(after).isEqualTo(before);
    JsonObject asOperator =
        ok(aggregate(ops, q + "&resolution=PT15M")).getJsonArray("intervals").getJsonObject(0);
    assertThat(asOperator).isEqualTo(before);
    // a household filter does not exist: the parameter is ignored, the whole zone is answered
    JsonObject filtered =
        ok(aggregate(gridco, q + "&account=" + houses[3]))
            .getJsonArray("intervals")
            .getJsonObject(0);
    assertThat(filtered).isEqualTo(before);
  }

  @Test
  void noisyAnswersSpendTheThirdPartysBudgetAndAreRefusedBeyondIt() {
    String q = "from=2026-11-20T10:00:00Z&to=2026-11-20T10:30:00Z";
    HttpResponse<Buffer> exact = aggregate(researcher, q);
    assertThat(exact.statusCode()).isEqualTo(400);
    assertThat(exact.bodyAsJsonObject().getString("error")).isEqualTo("EPSILON_REQUIRED");

    JsonObject first = ok(aggregate(researcher, q + "&milliEpsilon=400"));
    JsonObject noise = first.getJsonObject("noise");
    assertThat(noise.getString("mechanism")).isEqualTo("discrete Laplace");
    assertThat(noise.getLong("milliEpsilon")).isEqualTo(400);
    assertThat(noise.getLong("clipWh")).isEqualTo(2_000);
    assertThat(noise.getLong("sensitivityWh")).isEqualTo(4_000);
    assertThat(first.getJsonObject("budget").getLong("spentMilliEpsilon")).isEqualTo(400);
    JsonObject cell = first.getJsonArray("intervals").getJsonObject(0);
    assertThat(cell.getJsonObject("import").getValue("sumWh")).isInstanceOf(Number.class);
    assertThat(cell.getJsonObject("import").getLong("meanWh"))
        .isEqualTo(Math.round(cell.getJsonObject("import").getLong("sumWh") / 10.0));

    JsonObject second = ok(aggregate(researcher, q + "&milliEpsilon=400"));
    assertThat(second.getJsonObject("budget").getLong("remainingMilliEpsilon")).isEqualTo(200);

    HttpResponse<Buffer> third = aggregate(researcher, q + "&milliEpsilon=400");
    assertThat(third.statusCode()).isEqualTo(403);
    assertThat(third.bodyAsJsonObject().getString("error")).isEqualTo("PRIVACY_BUDGET_EXCEEDED");
    assertThat(third.bodyAsJsonObject().getString("message"))
        .contains("needs epsilon 0.4 but only 0.2 of your budget of 1 is left in zone NL-AN");
    // the budget is on record: the refusal spent nothing, a smaller query still fits
    JsonObject rules = ok(api.get(BASE, researcher));
    assertThat(rules.getJsonObject("budget").getLong("spentMilliEpsilon")).isEqualTo(800);
    ok(aggregate(researcher, q + "&milliEpsilon=200"));
    assertThat(
            db.fetchCount(
                ANALYTICS_QUERY,
                ANALYTICS_QUERY.ACCOUNT_ID.eq(
                    db.select(ACCOUNT.ID)
                        .from(ACCOUNT)
                        .where(ACCOUNT.USERNAME.eq("institute"))
                        .fetchSingle()
                        .value1())))
        .isEqualTo(3);
  }

  @Test
  void onlyUtilitiesOfTheZoneOperatorsAndThirdPartiesAskAndOnlyForFinishedDays() {
    String q = "from=2026-11-20T10:00:00Z&to=2026-11-20T10:15:00Z";
    assertThat(aggregate(petra, q).statusCode()).isEqualTo(403);
    assertThat(api.get("/analytics/zones/" + FEW + "/aggregate?" + q, gridco).statusCode())
        .isEqualTo(403);
    assertThat(
            api.put(
                    BASE,
                    gridco,
                    new JsonObject()
                        .put("minHomes", 2)
                        .put("dominanceSharePercent", 99)
                        .put("clipWh", 2_000)
                        .put("budgetMilliEpsilon", 100_000))
                .statusCode())
        .isEqualTo(403);
    HttpResponse<Buffer> recent =
        aggregate(ops, "from=2026-11-22T10:00:00Z&to=2026-11-22T10:15:00Z");
    assertThat(recent.statusCode()).isEqualTo(400);
    assertThat(recent.bodyAsJsonObject().getString("error")).isEqualTo("PERIOD_NOT_FINAL");
    assertThat(aggregate(ops, q + "&milliEpsilon=0").statusCode()).isEqualTo(400);
    assertThat(aggregate(ops, q + "&milliEpsilon=0.5").statusCode()).isEqualTo(400);
    assertThat(api.get("/analytics/zones/NOPE/aggregate?" + q, ops).statusCode()).isEqualTo(404);
  }

  /** A household of {@code zone} with one metering point and a gateway enrolled days before. */
  private long household(String zone, String name) {
    long account =
        db.insertInto(ACCOUNT)
            .set(ACCOUNT.USERNAME, name)
            .set(ACCOUNT.ROLE, "prosumer")
            .set(ACCOUNT.PASSWORD_HASH, "x")
            .set(ACCOUNT.ZONE_CODE, zone)
            .returning(ACCOUNT.ID)
            .fetchOne()
            .getId();
    long point =
        db.insertInto(METERING_POINT)
            .set(METERING_POINT.ACCOUNT_ID, account)
            .set(METERING_POINT.ZONE_CODE, zone)
            .set(METERING_POINT.LABEL, "home")
            .set(METERING_POINT.MAX_POWER_W, 30_000L)
            .returning(METERING_POINT.ID)
            .fetchOne()
            .getId();
    byte[] key = new byte[33];
    key[0] = 2;
    key[31] = (byte) 0x7e;
    key[32] = (byte) ++keys;
    return db.insertInto(DEVICE)
        .set(DEVICE.PUBLIC_KEY, key)
        .set(DEVICE.METERING_POINT_ID, point)
        .set(DEVICE.ENROLLED_AT, DAY.minus(Duration.ofDays(3)))
        .returning(DEVICE.ID)
        .fetchOne()
        .getId();
  }

  /**
   * A reading row as ingestion stores it; its encoded bytes are placeholders (aggregates never
   * prove readings).
   */
  private void reading(long device, long sequence, Instant at, long importWh, long exportWh) {
    byte[] hash = Hashes.sha256((device + "/" + sequence).getBytes(StandardCharsets.UTF_8));
    byte[] encoded = new byte[110];
    System.arraycopy(hash, 0, encoded, 0, 32);
    db.insertInto(READING)
        .set(READING.DEVICE_ID, device)
        .set(READING.SEQUENCE, sequence)
        .set(READING.METER_CHANNEL, 0)
        .set(READING.TAKEN_AT, at)
        .set(READING.IMPORT_WH, importWh)
        .set(READING.EXPORT_WH, exportWh)
        .set(READING.POWER_W, 0L)
        .set(READING.QUALITY_FLAGS, 0)
        .set(READING.PREV_HASH, new byte[32])
        .set(READING.READING_HASH, hash)
        .set(READING.SIGNATURE, new byte[70])
        .set(READING.ENCODED, encoded)
        .execute();
  }
}
