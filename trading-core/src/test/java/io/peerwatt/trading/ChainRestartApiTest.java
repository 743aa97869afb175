package io.peerwatt.trading;

import static io.peerwatt.db.schema.Tables.READING;
import static io.peerwatt.db.schema.Tables.READING_CHAIN_RESTART;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.db.testing.TestDatabase;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.reading.ChainRestart;
import io.peerwatt.protocol.reading.MeterReading;
import io.peerwatt.protocol.reading.ReadingFlag;
import io.peerwatt.protocol.reading.ReadingRefusal;
import io.peerwatt.protocol.reading.SignedReading;
import io.peerwatt.protocol.testing.MutableClock;
import io.peerwatt.trading.ingest.IngestReason;
import io.peerwatt.trading.testing.ApiClient;
import io.peerwatt.trading.testing.TestGateway;
import io.peerwatt.trading.testing.TradingHarness;
import io.vertx.core.buffer.Buffer;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Refusals a gateway can live with, over real HTTP into PostgreSQL: a retryable one passes once its
 * cause has, and a permanent one is followed by a device-signed chain restart that the platform
 * verifies, records and links the next readings to, leaving the gap visible.
 */
@ExtendWith(PostgresExtension.class)
class ChainRestartApiTest {
  @TempDir static Path dataDir;
  static TradingHarness h;
  static String alice;
  static long meteringPoint;
  TestGateway gw;

  @BeforeAll
  static void start(TestDatabase db) {
    h = TradingHarness.start(db, dataDir, new MutableClock(Instant.parse("2026-11-25T10:00:00Z")));
    String operator = h.operator("root");
    h.zone(operator, "DE-TEST", ApiClient.zoneBody("Zone DE-TEST", "CALL_AUCTION", 5000, 1));
    h.prosumer(operator, "alice", "DE-TEST");
    alice = h.login("alice", "alice-password");
    meteringPoint = h.meteringPoint(alice, 30_000);
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  @BeforeEach
  void enrolAFreshDevice() {
    gw = new TestGateway(h.clock.instant().minusSeconds(3600));
    gw.enrol(h, alice, meteringPoint);
  }

  private JsonObject upload(List<SignedReading> readings) {
    HttpResponse<Buffer> r = h.post("/readings", null, gw.batch(readings, h.clock.instant()));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  private HttpResponse<Buffer> restart(ChainRestart restart) {
    return h.post(
        "/readings/restarts", null, new JsonObject(Json.write(restart.sign(gw.key).toJson())));
  }

  private long stored() {
    return h.db.dsl().fetchCount(READING, READING.DEVICE_ID.eq(gw.deviceId));
  }

  private ChainRestart restartAfter(
      JsonObject rejected, SignedReading skipped, ReadingRefusal reason) {
    JsonObject head = rejected.getJsonObject("chainHead");
    return new ChainRestart(
        gw.key.publicKey(),
        0,
        head.getLong("sequence"),
        HexFormat.of().parseHex(head.getString("hash")),
        skipped.reading().sequence() + 1,
        skipped.hash(),
        reason,
        h.clock.instant());
  }

  @Test
  void everyIngestReasonIsARefusalBothEndsNameAlike() {
    for (IngestReason reason : IngestReason.values()) {
      ReadingRefusal refusal = ReadingRefusal.ofName(reason.name());
      assertThat(refusal).as(reason.name()).isNotNull();
      assertThat(refusal.code()).isEqualTo(reason.code());
    }
    assertThat(ReadingRefusal.values()).hasSameSizeAs(IngestReason.values());
  }

  @Test
  void aFutureReadingIsRefusedRetryablyAndAcceptedOnceThePlatformClockCatchesUp() {
    List<SignedReading> before = gw.next(2);
    assertThat(upload(before).getInteger("accepted")).isEqualTo(2);
    // the gateway's clock runs an hour ahead while it reads the next three
    TestGateway ahead = gw;
    SignedReading future = ahead.peekNext(1500, EnumSet.noneOf(ReadingFlag.class));
    MeterReading shifted =
        new MeterReading(
            MeterReading.VERSION_1,
            future.reading().deviceKey(),
            0,
            future.reading().sequence(),
            h.clock.instant().plus(Duration.ofHours(1)),
            future.reading().importWh(),
            future.reading().exportWh(),
            1500,
            230_000,
            EnumSet.noneOf(ReadingFlag.class),
            future.reading().prevHash());
    SignedReading s3 = SignedReading.sign(shifted, gw.key);
    gw.advance(s3);
    List<SignedReading> after = gw.next(2);
    List<SignedReading> batch = List.of(s3, after.get(0), after.get(1));
    JsonObject refused = upload(batch);
    assertThat(refused.getJsonArray("results").getJsonObject(0).getString("reason"))
        .isEqualTo("FUTURE_TIMESTAMP");
    assertThat(refused.getJsonArray("results").getJsonObject(1).getString("reason"))
        .isEqualTo("GAP");
    assertThat(ReadingRefusal.FUTURE_TIMESTAMP.retryable()).isTrue();
    assertThat(stored()).isEqualTo(2);

    h.clock.advance(Duration.ofHours(1));
    assertThat(upload(batch).getInteger("accepted")).isEqualTo(3);
    assertThat(stored()).isEqualTo(5);
    h.clock.advance(Duration.ofMinutes(10));
  }

  @Test
  void aPermanentRefusalIsFollowedByASignedRestartAndTheReadingsAfterItAreStored() {
    assertThat(upload(gw.next(3)).getInteger("accepted")).isEqualTo(3);
    SignedReading implausible = gw.peekNext(50_000, EnumSet.noneOf(ReadingFlag.class));
    gw.advance(implausible);
    List<SignedReading> later = gw.next(3);
    JsonObject answer = upload(List.of(implausible, later.get(0), later.get(1), later.get(2)));
    JsonObject rejected = answer.getJsonArray("results").getJsonObject(0);
    assertThat(rejected.getString("reason")).isEqualTo("POWER_IMPLAUSIBLE");
    assertThat(rejected.getJsonObject("chainHead").getLong("sequence")).isEqualTo(3);
    assertThat(answer.getJsonArray("results").getJsonObject(1).getString("reason"))
        .isEqualTo("GAP");
    assertThat(stored()).isEqualTo(3);

    ChainRestart restart = restartAfter(rejected, implausible, ReadingRefusal.POWER_IMPLAUSIBLE);
    HttpResponse<Buffer> recorded = restart(restart);
    assertThat(recorded.statusCode()).as(recorded.bodyAsString()).isEqualTo(201);
    assertThat(recorded.bodyAsJsonObject().getLong("resumeSequence")).isEqualTo(5);
    HttpResponse<Buffer> again = restart(restart);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.bodyAsJsonObject().getBoolean("duplicate")).isTrue();

    assertThat(upload(later).getInteger("accepted")).isEqualTo(3);
    assertThat(stored()).isEqualTo(6);
    assertThat(
            h.db
                .dsl()
                .fetchCount(READING_CHAIN_RESTART, READING_CHAIN_RESTART.DEVICE_ID.eq(gw.deviceId)))
        .isEqualTo(1);

    // once the chain moved on, the same restart (or one naming the old position) is refused
    ChainRestart replay =
        new ChainRestart(
            restart.deviceKey(),
            0,
            restart.lastSequence(),
            restart.lastHash(),
            restart.resumeSequence(),
            restart.resumePrevHash(),
            restart.reason(),
            restart.restartedAt().plusMillis(1));
    HttpResponse<Buffer> moved = restart(replay);
    assertThat(moved.statusCode()).isEqualTo(409);
    assertThat(moved.bodyAsJsonObject().getString("error")).isEqualTo("CHAIN_MOVED");
    assertThat(moved.bodyAsJsonObject().getString("field")).isEqualTo("lastSequence");

    // the gap is listed beside the readings of the metering point
    JsonObject listed =
        ApiClient.ok(
            h.get(
                "/readings?meteringPoint="
                    + meteringPoint
                    + "&from=2026-11-25T00:00:00Z&to=2026-11-26T00:00:00Z",
                alice));
    JsonObject gap =
        listed.getJsonArray("chainRestarts").stream()
            .map(JsonObject.class::cast)
            .filter(g -> g.getLong("deviceId") == gw.deviceId)
            .findFirst()
            .orElseThrow();
    assertThat(gap.getString("reason")).isEqualTo("POWER_IMPLAUSIBLE");
    assertThat(gap.getLong("lastSequence")).isEqualTo(3);
    assertThat(gap.getLong("resumeSequence")).isEqualTo(5);
    assertThat(Instant.parse(gap.getString("gapTo"))).isEqualTo(later.get(0).reading().takenAt());
  }

  @Test
  void aChainThatCannotLinkRestartsAtTheRefusedReadingWhichIsKept() {
    assertThat(upload(gw.next(2)).getInteger("accepted")).isEqualTo(2);
    // the meter was replaced without the flag: its counters start again lower
    SignedReading template = gw.peekNext(1500, EnumSet.noneOf(ReadingFlag.class));
    MeterReading lower =
        new MeterReading(
            MeterReading.VERSION_1,
            gw.key.publicKey(),
            0,
            template.reading().sequence(),
            template.reading().takenAt(),
            5,
            0,
            1500,
            230_000,
            EnumSet.noneOf(ReadingFlag.class),
            template.reading().prevHash());
    SignedReading reset = SignedReading.sign(lower, gw.key);
    JsonObject rejected = upload(List.of(reset)).getJsonArray("results").getJsonObject(0);
    assertThat(rejected.getString("reason")).isEqualTo("COUNTER_DECREASED");
    assertThat(ReadingRefusal.COUNTER_DECREASED.remedy())
        .isEqualTo(ReadingRefusal.Remedy.RESTART_AT);
    JsonObject head = rejected.getJsonObject("chainHead");
    HttpResponse<Buffer> recorded =
        restart(
            new ChainRestart(
                gw.key.publicKey(),
                0,
                head.getLong("sequence"),
                HexFormat.of().parseHex(head.getString("hash")),
                reset.reading().sequence(),
                reset.reading().prevHash(),
                ReadingRefusal.COUNTER_DECREASED,
                h.clock.instant()));
    assertThat(recorded.statusCode()).as(recorded.bodyAsString()).isEqualTo(201);
    assertThat(upload(List.of(reset)).getInteger("accepted")).isEqualTo(1);
    assertThat(stored()).isEqualTo(3);
  }

  @Test
  void restartsThatAreForgedStaleOrFromStrangersChangeNothing() {
    assertThat(upload(gw.next(1)).getInteger("accepted")).isEqualTo(1);
    SignedReading bad = gw.peekNext(50_000, EnumSet.noneOf(ReadingFlag.class));
    gw.advance(bad);
    JsonObject rejected = upload(List.of(bad)).getJsonArray("results").getJsonObject(0);
    ChainRestart restart = restartAfter(rejected, bad, ReadingRefusal.POWER_IMPLAUSIBLE);

    JsonObject forged = new JsonObject(Json.write(restart.sign(gw.key).toJson()));
    forged.put("resumeSequence", 9);
    HttpResponse<Buffer> badSignature = h.post("/readings/restarts", null, forged);
    assertThat(badSignature.statusCode()).isEqualTo(401);
    assertThat(badSignature.bodyAsJsonObject().getString("error"))
        .isEqualTo("BAD_RESTART_SIGNATURE");

    ChainRestart stale =
        new ChainRestart(
            restart.deviceKey(),
            0,
            restart.lastSequence(),
            restart.lastHash(),
            restart.resumeSequence(),
            restart.resumePrevHash(),
            restart.reason(),
            h.clock.instant().plus(Duration.ofHours(1)));
    HttpResponse<Buffer> future = restart(stale);
    assertThat(future.statusCode()).isEqualTo(400);
    assertThat(future.bodyAsJsonObject().getString("error")).isEqualTo("STALE_RESTART");
    assertThat(future.bodyAsJsonObject().getString("field")).isEqualTo("restartedAt");

    TestGateway stranger = new TestGateway(h.clock.instant());
    HttpResponse<Buffer> unknown =
        h.post(
            "/readings/restarts",
            null,
            new JsonObject(
                Json.write(
                    new ChainRestart(
                            stranger.key.publicKey(),
                            0,
                            0,
                            MeterReading.noPrevious(),
                            2,
                            bad.hash(),
                            ReadingRefusal.NOT_CHAIN_START,
                            h.clock.instant())
                        .sign(stranger.key)
                        .toJson())));
    assertThat(unknown.statusCode()).isEqualTo(401);
    assertThat(unknown.bodyAsJsonObject().getString("error")).isEqualTo("UNKNOWN_DEVICE");

    HttpResponse<Buffer> malformed =
        h.post("/readings/restarts", null, new JsonObject().put("version", 1));
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(
            h.db
                .dsl()
                .fetchCount(READING_CHAIN_RESTART, READING_CHAIN_RESTART.DEVICE_ID.eq(gw.deviceId)))
        .isZero();
    assertThat(stored()).isEqualTo(1);
  }
}
