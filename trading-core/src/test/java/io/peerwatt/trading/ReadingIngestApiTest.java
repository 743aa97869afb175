package io.peerwatt.trading;

import static io.peerwatt.db.schema.Tables.READING;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.db.testing.TestDatabase;
import io.peerwatt.protocol.reading.MeterReading;
import io.peerwatt.protocol.reading.ReadingFlag;
import io.peerwatt.protocol.reading.SignedReading;
import io.peerwatt.protocol.testing.MutableClock;
import io.peerwatt.trading.ingest.ReadingPartitions;
import io.peerwatt.trading.testing.ApiClient;
import io.peerwatt.trading.testing.TestGateway;
import io.peerwatt.trading.testing.TradingHarness;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ingestion over real HTTP into PostgreSQL: good batches are stored once; forged, replayed,
 * reordered, gapped and rolled-back readings are refused with their reason and change nothing.
 */
@ExtendWith(PostgresExtension.class)
class ReadingIngestApiTest {
  @TempDir static Path dataDir;
  static TradingHarness h;
  static String operator;
  static String alice;
  static long meteringPoint;
  TestGateway gw;

  @BeforeAll
  static void start(TestDatabase db) {
    h = TradingHarness.start(db, dataDir, new MutableClock(Instant.parse("2026-11-25T10:00:00Z")));
    operator = h.operator("root");
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
    // each test gets its own device (a new enrolment rotates the previous one out)
    gw = new TestGateway(h.clock.instant().minusSeconds(3600));
    gw.enrol(h, alice, meteringPoint);
  }

  private HttpResponse<Buffer> upload(JsonObject batch) {
    return h.post("/readings", null, batch);
  }

  private JsonObject uploadOk(List<SignedReading> readings) {
    HttpResponse<Buffer> r = upload(gw.batch(readings, h.clock.instant()));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  private long stored() {
    return h.db.dsl().fetchCount(READING, READING.DEVICE_ID.eq(gw.deviceId));
  }

  private static List<String> statuses(JsonObject answer) {
    List<String> out = new ArrayList<>();
    answer
        .getJsonArray("results")
        .forEach(
            o -> {
              JsonObject j = (JsonObject) o;
              out.add(
                  j.getString("status")
                      + (j.getString("reason") == null ? "" : ":" + j.getString("reason")));
            });
    return out;
  }

  @Test
  void goodBatchIsStoredAndResendingGivesDuplicates() {
    List<SignedReading> readings = gw.next(3);
    JsonObject first = uploadOk(readings);
    assertThat(first.getInteger("accepted")).isEqualTo(3);
    assertThat(statuses(first)).containsExactly("accepted", "accepted", "accepted");
    JsonObject again = uploadOk(readings);
    assertThat(again.getInteger("duplicates")).isEqualTo(3);
    assertThat(stored()).isEqualTo(3);
    // the stored bytes are exactly the signed ones
    byte[] encoded =
        h.db
            .dsl()
            .select(READING.ENCODED)
            .from(READING)
            .where(READING.DEVICE_ID.eq(gw.deviceId))
            .and(READING.SEQUENCE.eq(1L))
            .fetchSingle()
            .value1();
    assertThat(encoded).isEqualTo(readings.get(0).reading().encode());
  }

  @Test
  void forgedReadingSignatureIsRejected() {
    SignedReading good = gw.next();
    SignedReading forged =
        new SignedReading(good.reading(), new TestGateway(Instant.EPOCH).key.signDer(good.hash()));
    JsonObject answer = uploadOk(List.of(forged));
    assertThat(statuses(answer)).containsExactly("rejected:BAD_SIGNATURE");
    assertThat(stored()).isZero();
  }

  @Test
  void forgedBatchSignatureIsRefusedWhole() {
    List<SignedReading> readings = gw.next(2);
    byte[] nonce = new byte[16];
    JsonObject batch = TestGateway.batch(readings, h.clock.instant(), nonce, gw.key);
    batch.put("sentAt", h.clock.instant().minusSeconds(1).toString());
    HttpResponse<Buffer> r = upload(batch);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo("BAD_BATCH_SIGNATURE");
    // signed by another key that is not enrolled
    TestGateway stranger = new TestGateway(h.clock.instant());
    HttpResponse<Buffer> unknown = upload(stranger.batch(stranger.next(1), h.clock.instant()));
    assertThat(unknown.statusCode()).isEqualTo(401);
    assertThat(unknown.bodyAsJsonObject().getString("error")).isEqualTo("UNKNOWN_DEVICE");
    assertThat(stored()).isZero();
  }

  @Test
  void replayedBatchIsRefused() {
    JsonObject batch = gw.batch(gw.next(2), h.clock.instant());
    assertThat(upload(batch).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> replay = upload(batch);
    assertThat(replay.statusCode()).isEqualTo(409);
    assertThat(replay.bodyAsJsonObject().getString("error")).isEqualTo("REPLAYED_BATCH");
    assertThat(stored()).isEqualTo(2);
  }

  @Test
  void reorderedAndGappedReadingsAreRejectedNeverSkipped() {
    List<SignedReading> readings = gw.next(4);
    JsonObject reordered = uploadOk(List.of(readings.get(1), readings.get(0)));
    // the chain has nothing yet: reading 2 cannot start it; reading 1 can
    assertThat(statuses(reordered)).containsExactly("rejected:NOT_CHAIN_START", "accepted");
    JsonObject gapped = uploadOk(List.of(readings.get(2), readings.get(3)));
    assertThat(statuses(gapped)).containsExactly("rejected:GAP", "rejected:GAP");
    assertThat(stored()).isEqualTo(1);
    JsonObject filled = uploadOk(readings.subList(1, 4));
    assertThat(filled.getInteger("accepted")).isEqualTo(3);
  }

  @Test
  void rolledBackCountersAndRewrittenHistoryAreRejected() {
    uploadOk(gw.next(2));
    SignedReading next = gw.peekNext(1500, EnumSet.noneOf(ReadingFlag.class));
    MeterReading n = next.reading();
    MeterReading rolledBack =
        new MeterReading(
            n.version(),
            n.deviceKey(),
            n.channel(),
            n.sequence(),
            n.takenAt(),
            n.importWh() - 100,
            n.exportWh(),
            n.powerW(),
            n.voltageL1Mv(),
            n.flags(),
            n.prevHash());
    assertThat(statuses(uploadOk(List.of(SignedReading.sign(rolledBack, gw.key)))))
        .containsExactly("rejected:COUNTER_DECREASED");
    // the same decrease announced as a counter reset is an explicit event and accepted
    MeterReading reset =
        new MeterReading(
            n.version(),
            n.deviceKey(),
            n.channel(),
            n.sequence(),
            n.takenAt(),
            0,
            0,
            n.powerW(),
            n.voltageL1Mv(),
            EnumSet.of(ReadingFlag.COUNTER_RESET),
            n.prevHash());
    SignedReading resetSigned = SignedReading.sign(reset, gw.key);
    assertThat(statuses(uploadOk(List.of(resetSigned)))).containsExactly("accepted");
    gw.advance(resetSigned);
    // a different reading at an already stored sequence is a conflict, not a duplicate
    MeterReading rewritten =
        new MeterReading(
            n.version(),
            n.deviceKey(),
            n.channel(),
            1,
            n.takenAt(),
            5,
            5,
            0,
            0,
            EnumSet.noneOf(ReadingFlag.class),
            MeterReading.noPrevious());
    assertThat(statuses(uploadOk(List.of(SignedReading.sign(rewritten, gw.key)))))
        .containsExactly("rejected:CONFLICT");
    assertThat(stored()).isEqualTo(3);
  }

  @Test
  void implausiblePowerAndFutureTimestampsAreRejected() {
    SignedReading tooStrong = gw.peekNext(31_000, EnumSet.noneOf(ReadingFlag.class));
    assertThat(statuses(uploadOk(List.of(tooStrong))))
        .containsExactly("rejected:POWER_IMPLAUSIBLE");
    uploadOk(List.of(gw.next()));
    MeterReading n = gw.peekNext(100, EnumSet.noneOf(ReadingFlag.class)).reading();
    MeterReading ahead =
        new MeterReading(
            n.version(),
            n.deviceKey(),
            n.channel(),
            n.sequence(),
            h.clock.instant().plusSeconds(600),
            n.importWh(),
            n.exportWh(),
            n.powerW(),
            n.voltageL1Mv(),
            n.flags(),
            n.prevHash());
    assertThat(statuses(uploadOk(List.of(SignedReading.sign(ahead, gw.key)))))
        .containsExactly("rejected:FUTURE_TIMESTAMP");
    assertThat(stored()).isEqualTo(1);
  }

  @Test
  void malformedOversizedAndStaleBatchesAreRefused() {
    JsonObject bad = gw.batch(gw.next(1), h.clock.instant());
    bad.getJsonArray("readings").getJsonObject(0).put("channel", -1);
    HttpResponse<Buffer> malformed = upload(bad);
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(malformed.bodyAsJsonObject().getString("field")).isEqualTo("readings[0]");
    JsonObject many =
        new JsonObject()
            .put("deviceKey", gw.key.publicKey().hex())
            .put("batchNonce", "00".repeat(16))
            .put("sentAt", h.clock.instant().toString())
            .put("signature", "3006020101020101")
            .put("readings", new JsonArray(java.util.Collections.nCopies(501, new JsonObject())));
    assertThat(upload(many).statusCode()).isEqualTo(413);
    HttpResponse<Buffer> stale =
        upload(gw.batch(gw.next(1), h.clock.instant().minusSeconds(2 * 86_400)));
    assertThat(stale.statusCode()).isEqualTo(400);
    assertThat(stale.bodyAsJsonObject().getString("error")).isEqualTo("STALE_BATCH");
    assertThat(stored()).isZero();
  }

  /** The batch is checked by the upload's own parser, not the API document: each fault named. */
  @Test
  void hostileBatchesAreRefusedNamingTheirField() {
    String good = gw.batch(gw.next(1), h.clock.instant()).encode();
    Map<String, String> expectedField = new LinkedHashMap<>();
    expectedField.put("[]", null);
    expectedField.put("{\"deviceKey\": ", null);
    expectedField.put(good.replaceFirst("\\{", "{\"extra\":1,"), "batch");
    expectedField.put(
        good.replaceFirst("\"deviceKey\":\"0", "\"deviceKey\":\"\\u0000"), "deviceKey");
    expectedField.put(good.replaceFirst("\"sentAt\":\"", "\"sentAt\":\"\\u007f"), "sentAt");
    expectedField.put(
        good.replaceFirst("\"sequence\":\\d+", "\"sequence\":123456789012345678901234567890"),
        "readings[0]");
    expectedField.put(good.replaceFirst("\"readings\":\\[", "\"readings\":{\"a\":["), null);
    for (Map.Entry<String, String> e : expectedField.entrySet()) {
      HttpResponse<Buffer> r = h.post("/readings", null, Buffer.buffer(e.getKey()));
      assertThat(r.statusCode()).as(e.getKey()).isEqualTo(400);
      JsonObject error = r.bodyAsJsonObject();
      assertThat(error.getString("error")).as(e.getKey()).isEqualTo("MALFORMED_BATCH");
      if (e.getValue() != null) {
        assertThat(error.getString("field")).as(e.getKey()).isEqualTo(e.getValue());
      }
    }
    assertThat(stored()).isZero();
  }

  @Test
  void revokedAndRotatedDevicesAreRefused() {
    uploadOk(gw.next(1));
    TestGateway replacement = new TestGateway(gw.takenAt());
    replacement.enrol(h, alice, meteringPoint);
    HttpResponse<Buffer> rotated = upload(gw.batch(gw.next(1), h.clock.instant()));
    assertThat(rotated.statusCode()).isEqualTo(401);
    assertThat(rotated.bodyAsJsonObject().getString("error")).isEqualTo("DEVICE_NOT_ACTIVE");
    JsonObject old = h.get("/devices/" + gw.deviceId, alice).bodyAsJsonObject();
    assertThat(old.getString("status")).isEqualTo("rotated");
    assertThat(old.getLong("supersededBy")).isEqualTo(replacement.deviceId);
    assertThat(h.post("/devices/" + replacement.deviceId + "/revoke", alice, null).statusCode())
        .isEqualTo(200);
    HttpResponse<Buffer> revoked =
        upload(replacement.batch(replacement.next(1), h.clock.instant()));
    assertThat(revoked.statusCode()).isEqualTo(401);
  }

  @Test
  void readingsAreListedForTheOwner() {
    uploadOk(gw.next(3));
    JsonObject list =
        h.get(
                "/readings?meteringPoint="
                    + meteringPoint
                    + "&from=2026-11-25T00:00:00Z&to=2026-11-26T00:00:00Z",
                alice)
            .bodyAsJsonObject();
    JsonArray readings = list.getJsonArray("readings");
    assertThat(readings.stream().filter(o -> ((JsonObject) o).getLong("deviceId") == gw.deviceId))
        .hasSize(3);
    JsonObject first =
        readings.stream()
            .map(o -> (JsonObject) o)
            .filter(o -> o.getLong("deviceId") == gw.deviceId)
            .findFirst()
            .orElseThrow()
            .getJsonObject("reading");
    assertThat(first.getString("signature")).isNotBlank();
  }

  @Test
  void readingsLandInMonthlyPartitionsAndMoveOffTheDefault() {
    assertThat(
            h.db
                .dsl()
                .fetchExists(DSL.table("pg_class"), DSL.field("relname").eq("reading_y2026m11")))
        .isTrue();
    // a reading far in the past lands in the default partition until its month's partition exists
    h.db
        .dsl()
        .insertInto(READING)
        .set(READING.DEVICE_ID, gw.deviceId)
        .set(READING.SEQUENCE, 999_999L)
        .set(READING.METER_CHANNEL, 9)
        .set(READING.TAKEN_AT, Instant.parse("2024-03-10T12:00:00Z"))
        .set(READING.IMPORT_WH, 1L)
        .set(READING.EXPORT_WH, 1L)
        .set(READING.POWER_W, 1L)
        .set(READING.QUALITY_FLAGS, 0)
        .set(READING.PREV_HASH, new byte[32])
        .set(READING.READING_HASH, new byte[32])
        .set(READING.SIGNATURE, new byte[8])
        .set(READING.ENCODED, new byte[110])
        .execute();
    assertThat(h.db.dsl().fetchCount(DSL.table("reading_default"))).isEqualTo(1);
    assertThat(ReadingPartitions.ensure(h.db.dsl(), LocalDate.parse("2024-03-01")))
        .isEqualTo("reading_y2024m03");
    assertThat(h.db.dsl().fetchCount(DSL.table("reading_default"))).isZero();
    assertThat(h.db.dsl().fetchCount(DSL.table("reading_y2024m03"))).isEqualTo(1);
    h.db.dsl().deleteFrom(READING).where(READING.SEQUENCE.eq(999_999L)).execute();
  }

  @Test
  void enrolmentSignatureAndCodeAreChecked() {
    String code =
        h.post("/metering-points/" + meteringPoint + "/enrolment-codes", alice, new JsonObject())
            .bodyAsJsonObject()
            .getString("code");
    TestGateway g = new TestGateway(h.clock.instant());
    JsonObject body = TestGateway.enrolBody(g.key, code, List.of("A1"));
    body.put("meterSerials", new JsonArray().add("B2"));
    HttpResponse<Buffer> forged = h.post("/devices/enroll", null, body);
    assertThat(forged.statusCode()).isEqualTo(401);
    assertThat(forged.bodyAsJsonObject().getString("error")).isEqualTo("BAD_SIGNATURE");
    JsonObject ok =
        h.post("/devices/enroll", null, TestGateway.enrolBody(g.key, code, List.of("A1")))
            .bodyAsJsonObject();
    JsonObject cert = ok.getJsonObject("certificate");
    assertThat(cert.getString("deviceKey")).isEqualTo(g.key.publicKey().hex());
    assertThat(cert.getString("meteringPointId")).isEqualTo(Long.toString(meteringPoint));
    assertThat(cert.getString("zoneCode")).isEqualTo("DE-TEST");
    assertThat(
            io.peerwatt.protocol.reading.SignedDeviceCertificate.fromJson(
                    io.peerwatt.protocol.encoding.Json.parseObject(cert.encode()))
                .check(h.keys.signingKey().publicKey(), h.clock.instant()))
        .isEqualTo(io.peerwatt.protocol.reading.CertificateCheck.VALID);
    TestGateway again = new TestGateway(h.clock.instant());
    HttpResponse<Buffer> reused =
        h.post("/devices/enroll", null, TestGateway.enrolBody(again.key, code, List.of("A1")));
    assertThat(reused.statusCode()).isEqualTo(401);
    assertThat(reused.bodyAsJsonObject().getString("error")).isEqualTo("INVALID_ENROLMENT_CODE");
  }
}
