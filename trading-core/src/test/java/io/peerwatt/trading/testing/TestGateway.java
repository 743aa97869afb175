package io.peerwatt.trading.testing;

import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.reading.BatchAndEnrolmentSigning;
import io.peerwatt.protocol.reading.MeterReading;
import io.peerwatt.protocol.reading.ReadingFlag;
import io.peerwatt.protocol.reading.SignedReading;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * A gateway as the tests need it: its key, its chain on channel 0, and signed enrolment and
 * batches.
 */
public final class TestGateway {
  private static final SecureRandom RANDOM = new SecureRandom();
  public final PrivateKey key;
  public long deviceId;
  private MeterReading last;
  private long importWh = 1_000;
  private Instant takenAt;

  public TestGateway(Instant start) {
    this.key = PrivateKey.generate(RANDOM);
    this.takenAt = start;
  }

  public static JsonObject enrolBody(PrivateKey key, String code, List<String> serials) {
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    byte[] digest =
        BatchAndEnrolmentSigning.enrolmentDigest(
            code, key.publicKey().compressedBytes(), nonce, serials);
    return new JsonObject()
        .put("code", code)
        .put("deviceKey", key.publicKey().hex())
        .put("meterSerials", new JsonArray(new ArrayList<>(serials)))
        .put("nonce", HexFormat.of().formatHex(nonce))
        .put("signature", HexFormat.of().formatHex(key.signDer(digest)));
  }

  /**
   * Enrols through the API with a fresh code made by {@code ownerToken}; returns the response body.
   */
  public JsonObject enrol(ApiClient h, String ownerToken, long meteringPointId) {
    String code =
        h.post(
                "/metering-points/" + meteringPointId + "/enrolment-codes",
                ownerToken,
                new JsonObject())
            .bodyAsJsonObject()
            .getString("code");
    HttpResponse<Buffer> r =
        h.post("/devices/enroll", null, enrolBody(key, code, List.of("SDM630-" + meteringPointId)));
    if (r.statusCode() != 201) {
      throw new AssertionError("enrol: " + r.bodyAsString());
    }
    deviceId = r.bodyAsJsonObject().getLong("deviceId");
    return r.bodyAsJsonObject();
  }

  /** The next reading of the chain (5 s later, +2 Wh import) without advancing the chain. */
  public SignedReading peekNext(int powerW, Set<ReadingFlag> flags) {
    long sequence = last == null ? 1 : last.sequence() + 1;
    byte[] prev = last == null ? MeterReading.noPrevious() : last.hash();
    MeterReading r =
        new MeterReading(
            MeterReading.VERSION_1,
            key.publicKey(),
            0,
            sequence,
            takenAt.plusSeconds(5),
            importWh + 2,
            500,
            powerW,
            230_000,
            flags,
            prev);
    return SignedReading.sign(r, key);
  }

  /** The next reading, advancing the chain as if the platform accepted it. */
  public SignedReading next() {
    SignedReading s = peekNext(1500, EnumSet.noneOf(ReadingFlag.class));
    advance(s);
    return s;
  }

  public void advance(SignedReading s) {
    last = s.reading();
    importWh = s.reading().importWh();
    takenAt = s.reading().takenAt();
  }

  public List<SignedReading> next(int n) {
    List<SignedReading> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(next());
    }
    return out;
  }

  /** A batch body with a fresh nonce, signed by this gateway's key. */
  public JsonObject batch(List<SignedReading> readings, Instant sentAt) {
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    return batch(readings, sentAt, nonce, key);
  }

  public static JsonObject batch(
      List<SignedReading> readings, Instant sentAt, byte[] nonce, PrivateKey signer) {
    JsonArray items = new JsonArray();
    readings.forEach(s -> items.add(new JsonObject(Json.write(s.toJson()))));
    byte[] digest =
        BatchAndEnrolmentSigning.batchDigest(
            nonce, sentAt, readings.stream().map(SignedReading::hash).toList());
    return new JsonObject()
        .put("deviceKey", signer.publicKey().hex())
        .put("batchNonce", HexFormat.of().formatHex(nonce))
        .put("sentAt", sentAt.toString())
        .put("readings", items)
        .put("signature", HexFormat.of().formatHex(signer.signDer(digest)));
  }

  public Instant takenAt() {
    return takenAt;
  }
}
