package io.peerwatt.deploy;

import static io.peerwatt.trading.testing.ApiClient.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.reading.BatchAndEnrolmentSigning;
import io.peerwatt.protocol.reading.MeterReading;
import io.peerwatt.protocol.reading.ReadingFlag;
import io.peerwatt.protocol.reading.SignedReading;
import io.peerwatt.protocol.testing.MutableClock;
import io.peerwatt.settlement.report.EspiSchema;
import io.peerwatt.trading.testing.ApiClient;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API the portal's people pages read, over real HTTP against a running platform on real
 * PostgreSQL, on a clock the test moves: zone tariffs, energy per interval and as ESPI, readings
 * and statements as CSV, market history and the operator's monitor. Anna's gateway uploads readings
 * around two quarter-hours; Ben, in the same zone, never uploads anything.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PeopleApiTest {
  private static final Instant T0 = Instant.parse("2026-11-25T09:50:00Z");
  private static final String ZONE = "NL-A";

  private PlatformHarness h;
  private MutableClock clock;
  private ApiClient api;
  private String anna;
  private String ops;
  private long annasPoint;

  @BeforeAll
  void start(@TempDir Path dataDir) throws Exception {
    PlatformHarness.createOperatorByCommand(dataDir);
    clock = new MutableClock(T0);
    h = PlatformHarness.start(PlatformHarness.settings(dataDir), clock);
    api = h.api;
    PlatformHarness.Gateway gateway = h.annasEnrolledGateway(ZONE);
    anna = gateway.ownerToken();
    ops = api.login("ops", PlatformHarness.OPS_PASSWORD);
    annasPoint =
        ok(api.get("/metering-points", anna))
            .getJsonArray("meteringPoints")
            .getJsonObject(0)
            .getLong("id");
    ApiClient.Account ben = api.prosumer(ops, "ben", ZONE);
    api.meteringPoint(ben.token(), 11_000);
    ok(
        api.post(
            "/accounts",
            ops,
            new JsonObject()
                .put("username", "gridco")
                .put("password", "gridco-password-1")
                .put("role", "utility")
                .put("zone", ZONE)));
    // readings at 09:55, 10:05, 10:20 and 10:30: 100 Wh imported per 5 minutes, 50 exported
    PrivateKey key = gateway.key();
    byte[] previous = MeterReading.noPrevious();
    long sequence = 1;
    for (int minutes : new int[] {5, 15, 30, 40}) {
      Instant at = T0.plus(Duration.ofMinutes(minutes));
      clock.set(at.plusSeconds(1));
      SignedReading r =
          SignedReading.sign(
              new MeterReading(
                  MeterReading.VERSION_1,
                  key.publicKey(),
                  0,
                  sequence++,
                  at,
                  1_000 + 20L * minutes,
                  500 + 10L * minutes,
                  1_200,
                  230_000,
                  EnumSet.noneOf(ReadingFlag.class),
                  previous),
              key);
      previous = r.hash();
      byte[] nonce = new byte[16];
      nonce[0] = (byte) minutes;
      byte[] digest =
          BatchAndEnrolmentSigning.batchDigest(nonce, clock.instant(), List.of(r.hash()));
      JsonObject batch =
          new JsonObject()
              .put("deviceKey", key.publicKey().hex())
              .put("batchNonce", HexFormat.of().formatHex(nonce))
              .put("sentAt", clock.instant().toString())
              .put("readings", new JsonArray().add(new JsonObject(Json.write(r.toJson()))))
              .put("signature", HexFormat.of().formatHex(key.signDer(digest)));
      assertThat(ok(api.post("/readings", null, batch)).getInteger("accepted")).isEqualTo(1);
    }
  }

  @AfterAll
  void stop() {
    h.close();
  }

  @Test
  void aZoneKeepsItsGridTariffsAndLeavesThemAtZeroWhenNotGiven() {
    JsonObject zone = ok(api.get("/zones/" + ZONE, anna));
    assertThat(zone.getLong("retailPricePerKwh")).isZero();
    assertThat(zone.getLong("feedInTariffPerKwh")).isZero();
    JsonObject body =
        PlatformHarness.utrechtZone()
            .put("retailPricePerKwh", 31_500)
            .put("feedInTariffPerKwh", 7_000);
    assertThat(ok(api.put("/zones/NL-T", ops, body)).getLong("retailPricePerKwh"))
        .isEqualTo(31_500);
    assertThat(ok(api.get("/zones/NL-T", anna)).getLong("feedInTariffPerKwh")).isEqualTo(7_000);
    HttpResponse<Buffer> negative =
        api.put("/zones/NL-T", ops, PlatformHarness.utrechtZone().put("retailPricePerKwh", -1));
    assertThat(negative.statusCode()).isEqualTo(400);
  }

  @Test
  void aHouseholdReadsItsEnergyPerQuarterHourInterpolatedAtTheBoundaries() {
    JsonObject energy =
        ok(
            api.get(
                "/energy?from=2026-11-25T10:00:00Z&to=2026-11-25T10:30:00Z&resolution=PT15M",
                anna));
    assertThat(energy.getString("timeZone")).isEqualTo("Europe/Amsterdam");
    JsonArray intervals = energy.getJsonArray("intervals");
    assertThat(intervals).hasSize(2);
    // 20 Wh imported per minute: 300 per quarter-hour, exports 150
    assertThat(intervals.getJsonObject(0).getLong("importWh")).isEqualTo(300);
    assertThat(intervals.getJsonObject(0).getLong("exportWh")).isEqualTo(150);
    assertThat(intervals.getJsonObject(0).getLong("gridImportWh")).isEqualTo(300);
    assertThat(intervals.getJsonObject(1).getBoolean("missing")).isFalse();
    assertThat(energy.getJsonObject("totals").getLong("importWh")).isEqualTo(600);

    JsonObject day =
        ok(
            api.get(
                "/energy?from=2026-11-24T23:00:00Z&to=2026-11-25T23:00:00Z&resolution=P1D", anna));
    assertThat(day.getJsonArray("intervals")).hasSize(1);
    // only the quarter-hours with readings on both sides of both boundaries are metered
    assertThat(day.getJsonObject("totals").getLong("importWh")).isEqualTo(600);
  }

  @Test
  void energyIsRefusedInWordsForAnotherHouseholdOrAPeriodTooLong() {
    String ben = api.login("ben", "ben-password");
    long annasAccount = ok(api.get("/accounts/me", anna)).getLong("id");
    assertThat(
            api.get(
                    "/energy?from=2026-11-25T10:00:00Z&to=2026-11-25T10:30:00Z&account="
                        + annasAccount,
                    ben)
                .statusCode())
        .isEqualTo(403);
    HttpResponse<Buffer> tooLong =
        api.get("/energy?from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z", anna);
    assertThat(tooLong.statusCode()).isEqualTo(400);
    assertThat(tooLong.bodyAsJsonObject().getString("error")).isEqualTo("PERIOD_TOO_LONG");
    assertThat(api.get("/energy?from=yesterday&to=2026-03-01T00:00:00Z", anna).statusCode())
        .isEqualTo(400);
  }

  @Test
  void theZonesEspiFeedListsEveryMeteringPointTradedOrNotAndIsValid() {
    String utility = api.login("gridco", "gridco-password-1");
    HttpResponse<Buffer> espi =
        api.get("/energy?from=2026-11-25T10:00:00Z&to=2026-11-25T10:30:00Z&format=espi", utility);
    assertThat(espi.statusCode()).as(espi.bodyAsString()).isEqualTo(200);
    assertThat(espi.getHeader("content-type")).isEqualTo("application/atom+xml");
    assertThat(EspiSchema.errors(espi.body().getBytes())).isEmpty();
    String xml = espi.bodyAsString();
    assertThat(xml.split("<espi:UsagePoint>", -1)).hasSize(3);
    assertThat(xml).contains("<espi:LocalTimeParameters>").contains("<espi:value>300</espi:value>");
    // the report's ESPI form covers both homes too, though neither traded
    HttpResponse<Buffer> report =
        api.get(
            "/reports?zone="
                + ZONE
                + "&from=2026-11-25T10:00:00Z&to=2026-11-25T10:30:00Z&format=espi",
            utility);
    assertThat(report.statusCode()).isEqualTo(200);
    assertThat(EspiSchema.errors(report.body().getBytes())).isEmpty();
    assertThat(report.bodyAsString().split("<espi:UsagePoint>", -1)).hasSize(3);
  }

  @Test
  void readingsAndStatementsComeAsCsv() {
    HttpResponse<Buffer> readings =
        api.get(
            "/readings?format=csv&meteringPoint="
                + annasPoint
                + "&from=2026-11-25T00:00:00Z&to=2026-11-26T00:00:00Z",
            anna);
    assertThat(readings.statusCode()).isEqualTo(200);
    List<String> lines = readings.bodyAsString().lines().toList();
    assertThat(lines).hasSize(5);
    assertThat(lines.get(0)).startsWith("meteringPointId,deviceId,meterChannel,sequence,takenAt");
    assertThat(lines.get(1)).contains(",2026-11-25T09:55:00Z,1100,550,1200,0,");
    JsonArray json =
        ok(api.get(
                "/readings?meteringPoint="
                    + annasPoint
                    + "&from=2026-11-25T00:00:00Z&to=2026-11-26T00:00:00Z",
                anna))
            .getJsonArray("readings");
    // nothing is anchored yet: the portal offers no proof link
    assertThat(json.getJsonObject(0).getValue("anchor")).isNull();

    HttpResponse<Buffer> statements =
        api.get("/statements?format=csv&from=2026-11-25T00:00:00Z&to=2026-11-26T00:00:00Z", anna);
    assertThat(statements.statusCode()).isEqualTo(200);
    assertThat(statements.bodyAsString())
        .startsWith("accountId,zone,slotStart,slotEnd,version,currency,importWh");
    assertThat(api.get("/statements?limit=0", anna).statusCode()).isEqualTo(400);
  }

  @Test
  void marketHistoryAndTheMonitorAnswer() {
    JsonObject history =
        ok(
            api.get(
                "/market/" + ZONE + "/history?from=2026-11-25T00:00:00Z&to=2026-11-26T00:00:00Z",
                anna));
    assertThat(history.getJsonArray("slots")).isEmpty();
    assertThat(
            api.get(
                    "/market/"
                        + ZONE
                        + "/history?from=2026-11-26T00:00:00Z&to=2026-11-25T00:00:00Z",
                    anna)
                .statusCode())
        .isEqualTo(400);
    JsonObject monitor = ok(api.get("/monitor", ops));
    assertThat(monitor.getJsonObject("chain").getString("network")).isEqualTo("devnet");
    assertThat(monitor.getJsonObject("hubWallet").getLong("sats")).isPositive();
    assertThat(monitor.getString("time")).isEqualTo(clock.instant().toString());
    assertThat(monitor.getJsonObject("anchors").containsKey("pending")).isTrue();
    assertThat(api.get("/monitor", anna).statusCode()).isEqualTo(403);
  }
}
