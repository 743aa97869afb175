package io.peerwatt.benchmarks.trading;

import io.peerwatt.db.Database;
import io.peerwatt.http.ApiRouter;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.reading.BatchAndEnrolmentSigning;
import io.peerwatt.protocol.reading.MeterReading;
import io.peerwatt.protocol.reading.ReadingFlag;
import io.peerwatt.trading.AccountAdmin;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The load driver's set-up through the platform's own API: an operator, a zone, a prosumer and
 * {@code devices} enrolled gateways, as an installer would make them.
 */
final class BenchDevices {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Enrolments through the API at once during set-up. */
  private static final int ENROL_THREADS = 8;

  private BenchDevices() {}

  /**
   * The reading after {@code previous} (null: the first) in a device's synthetic chain: 5 s apart
   * from {@code firstTaken}, import growing by 1 Wh a reading.
   */
  static MeterReading nextReading(PrivateKey key, MeterReading previous, Instant firstTaken) {
    long seq = previous == null ? 1 : previous.sequence() + 1;
    return new MeterReading(
        MeterReading.VERSION_1,
        key.publicKey(),
        0,
        seq,
        firstTaken.plusSeconds(5 * seq),
        1_000 + seq,
        10,
        1500,
        230_000,
        EnumSet.noneOf(ReadingFlag.class),
        previous == null ? MeterReading.noPrevious() : previous.hash());
  }

  static List<PrivateKey> enrol(HttpClient http, Database db, int devices) throws Exception {
    AccountAdmin.createOperator(db.dsl(), "bench-ops", "bench-operator-password");
    String ops = login(http, "bench-ops", "bench-operator-password");
    call(
        http,
        "PUT",
        "/zones/BENCH",
        ops,
        new JsonObject()
            .put("name", "Bench")
            .put("currency", "EUR")
            .put("priceUnit", "MILLI_CT_PER_KWH")
            .put("clearingMode", "CALL_AUCTION")
            .put("gateClosureLeadSeconds", 900)
            .put("gridFeePerKwh", 0)
            .put("imbalancePricePerKwh", 0)
            .put("negativePricesAllowed", false)
            .put("localTimeZone", "UTC")
            .put("minQuantityWh", 1)
            .put("maxQuantityWh", 1_000_000)
            .put("minPricePerKwh", 0)
            .put("maxPricePerKwh", 1_000_000),
        200);
    call(
        http,
        "POST",
        "/accounts",
        ops,
        new JsonObject()
            .put("username", "bench-home")
            .put("password", "bench-home-password")
            .put("role", "prosumer")
            .put("zone", "BENCH"),
        201);
    String home = login(http, "bench-home", "bench-home-password");
    ExecutorService pool = Executors.newFixedThreadPool(ENROL_THREADS);
    try {
      List<java.util.concurrent.Future<PrivateKey>> enrolled = new ArrayList<>();
      for (int d = 0; d < devices; d++) {
        int n = d;
        enrolled.add(pool.submit(() -> enrolOne(http, home, n)));
      }
      List<PrivateKey> keys = new ArrayList<>();
      for (java.util.concurrent.Future<PrivateKey> f : enrolled) {
        keys.add(f.get());
      }
      return keys;
    } finally {
      pool.shutdown();
    }
  }

  private static PrivateKey enrolOne(HttpClient http, String home, int n) throws Exception {
    long mp =
        call(
                http,
                "POST",
                "/metering-points",
                home,
                new JsonObject().put("label", "home " + n).put("maxPowerW", 50_000),
                201)
            .getLong("id");
    String code =
        call(
                http,
                "POST",
                "/metering-points/" + mp + "/enrolment-codes",
                home,
                new JsonObject(),
                201)
            .getString("code");
    PrivateKey key = PrivateKey.generate(RANDOM);
    call(http, "POST", "/devices/enroll", null, enrolBody(key, code), 201);
    return key;
  }

  private static JsonObject enrolBody(PrivateKey key, String code) {
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    byte[] digest =
        BatchAndEnrolmentSigning.enrolmentDigest(
            code, key.publicKey().compressedBytes(), nonce, List.of());
    return new JsonObject()
        .put("code", code)
        .put("deviceKey", key.publicKey().hex())
        .put("meterSerials", new JsonArray())
        .put("nonce", HexFormat.of().formatHex(nonce))
        .put("signature", HexFormat.of().formatHex(key.signDer(digest)));
  }

  private static String login(HttpClient http, String user, String password) throws Exception {
    return call(
            http,
            "POST",
            "/auth/login",
            null,
            JsonObject.of("username", user, "password", password),
            200)
        .getString("token");
  }

  private static JsonObject call(
      HttpClient http, String method, String path, String token, JsonObject body, int expected)
      throws Exception {
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.valueOf(method))
            .setURI(ApiRouter.BASE_PATH + path)
            .putHeader("content-type", "application/json");
    if (token != null) {
      options.putHeader("Authorization", "Bearer " + token);
    }
    return IngestLoad.await(
        http.request(options)
            .compose(req -> req.send(body.encode()))
            .compose(
                resp ->
                    resp.body()
                        .map(
                            b -> {
                              if (resp.statusCode() != expected) {
                                throw new IllegalStateException(
                                    method
                                        + " "
                                        + path
                                        + " answered "
                                        + resp.statusCode()
                                        + ": "
                                        + b);
                              }
                              return new JsonObject(b);
                            })));
  }
}
