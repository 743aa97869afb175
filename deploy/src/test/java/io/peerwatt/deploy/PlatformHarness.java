package io.peerwatt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.reading.BatchAndEnrolmentSigning;
import io.peerwatt.protocol.reading.MeterReading;
import io.peerwatt.protocol.reading.ReadingFlag;
import io.peerwatt.protocol.reading.SignedReading;
import io.peerwatt.trading.testing.ApiClient;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A running {@code peerwatt platform} for tests, on embedded defaults (any free port, embedded
 * PostgreSQL and devnet in a data dir of the test's), with an {@link ApiClient} speaking to it.
 */
final class PlatformHarness implements AutoCloseable {
  /** The password of operator {@code ops} made by {@link #createOperatorByCommand}. */
  static final String OPS_PASSWORD = "correct horse battery staple";

  final Platform platform;
  final ApiClient api;

  private PlatformHarness(Platform platform) {
    this.platform = platform;
    this.api = new ApiClient(platform.port());
  }

  /**
   * The platform's settings for {@code dataDir} on any free port, with config {@code overrides}
   * (key, value, ...).
   */
  static PlatformSettings settings(Path dataDir, String... overrides) {
    Map<String, String> flags =
        new HashMap<>(Map.of("http.port", "0", "data-dir", dataDir.toString()));
    for (int i = 0; i < overrides.length; i += 2) {
      flags.put(overrides[i], overrides[i + 1]);
    }
    return PlatformSettings.from(Config.load(PlatformSettings.KEYS, null, Map.of(), flags));
  }

  /** Starts the platform on {@code dataDir} with config {@code overrides} (key, value, ...). */
  static PlatformHarness start(Path dataDir, String... overrides) {
    return new PlatformHarness(Platform.start(settings(dataDir, overrides)));
  }

  /** Starts the platform with {@code settings} on the embedded devnet and {@code clock}. */
  static PlatformHarness start(PlatformSettings settings, Clock clock) {
    return new PlatformHarness(Platform.start(settings, ChainSettings.devnet(), clock));
  }

  /**
   * Creates an operator in the platform's database, as {@code peerwatt admin create-operator} does,
   * and logs it in.
   */
  String operator(String username, String password) {
    return api.operator(platform.database().dsl(), username, password);
  }

  /**
   * A continuous zone in Amsterdam time with no grid fee, 30 ct/kWh imbalance, negative prices
   * allowed, orders of 1 Wh..100 kWh at -100..100 ct/kWh.
   */
  static JsonObject utrechtZone() {
    return new JsonObject()
        .put("name", "Utrecht")
        .put("currency", "EUR")
        .put("priceUnit", "MILLI_CT_PER_KWH")
        .put("clearingMode", "CONTINUOUS")
        .put("gateClosureLeadSeconds", 900)
        .put("gridFeePerKwh", 0)
        .put("imbalancePricePerKwh", 30000)
        .put("negativePricesAllowed", true)
        .put("localTimeZone", "Europe/Amsterdam")
        .put("minQuantityWh", 1)
        .put("maxQuantityWh", 100000)
        .put("minPricePerKwh", -100000)
        .put("maxPricePerKwh", 100000);
  }

  /**
   * A continuous zone in Berlin time with a 2 ct/kWh grid fee, 40 ct/kWh imbalance, no negative
   * prices, orders of 100 Wh..1 MWh at 0..100 ct/kWh.
   */
  static JsonObject testStreetZone() {
    return new JsonObject()
        .put("name", "Test street")
        .put("currency", "EUR")
        .put("priceUnit", "MILLI_CT_PER_KWH")
        .put("clearingMode", "CONTINUOUS")
        .put("gateClosureLeadSeconds", 900)
        .put("gridFeePerKwh", 2_000)
        .put("imbalancePricePerKwh", 40_000)
        .put("negativePricesAllowed", false)
        .put("localTimeZone", "Europe/Berlin")
        .put("minQuantityWh", 100)
        .put("maxQuantityWh", 1_000_000)
        .put("minPricePerKwh", 0)
        .put("maxPricePerKwh", 100_000);
  }

  /**
   * Creates operator {@code ops} with {@code peerwatt admin create-operator} on {@code dataDir}, as
   * an installer does before the first start; its password is {@link #OPS_PASSWORD}.
   */
  static void createOperatorByCommand(Path dataDir) throws IOException {
    Path passwordFile = dataDir.resolve("operator.pw");
    Files.writeString(passwordFile, OPS_PASSWORD + "\n");
    assertThat(
            PeerwattCommand.run(
                "admin",
                "create-operator",
                "--username",
                "ops",
                "--password-file",
                passwordFile.toString(),
                "--data-dir",
                dataDir.toString()))
        .isZero();
  }

  /**
   * A gateway enrolled over the API, the way gateways sign their enrolment (protocol's documented
   * bytes, not trading-core's code).
   *
   * @param ownerToken the login of its owner, prosumer anna
   * @param enrolment the platform's answer: device id and certificate
   */
  record Gateway(String ownerToken, PrivateKey key, JsonObject enrolment) {}

  /**
   * As operator {@code ops}: zone {@code zone} ({@link #utrechtZone}), prosumer anna in it with
   * metering point "roof", and her gateway enrolled with a fresh key and meter SN-1.
   */
  Gateway annasEnrolledGateway(String zone) {
    String ops = api.login("ops", OPS_PASSWORD);
    assertThat(api.put("/zones/" + zone, ops, utrechtZone()).statusCode()).isEqualTo(200);
    assertThat(
            api.post(
                    "/accounts",
                    ops,
                    new JsonObject()
                        .put("username", "anna")
                        .put("password", "anna-password-1")
                        .put("role", "prosumer")
                        .put("zone", zone))
                .statusCode())
        .isEqualTo(201);
    String anna = api.login("anna", "anna-password-1");
    long mp =
        api.post(
                "/metering-points",
                anna,
                new JsonObject().put("label", "roof").put("maxPowerW", 11000))
            .bodyAsJsonObject()
            .getLong("id");
    String code =
        api.post("/metering-points/" + mp + "/enrolment-codes", anna, new JsonObject())
            .bodyAsJsonObject()
            .getString("code");
    PrivateKey device = PrivateKey.generate(new SecureRandom());
    byte[] nonce = new byte[16];
    byte[] digest =
        BatchAndEnrolmentSigning.enrolmentDigest(
            code, device.publicKey().compressedBytes(), nonce, List.of("SN-1"));
    HttpResponse<Buffer> enrolled =
        api.post(
            "/devices/enroll",
            null,
            new JsonObject()
                .put("code", code)
                .put("deviceKey", device.publicKey().hex())
                .put("meterSerials", new JsonArray().add("SN-1"))
                .put("nonce", HexFormat.of().formatHex(nonce))
                .put("signature", HexFormat.of().formatHex(device.signDer(digest))));
    assertThat(enrolled.statusCode()).as(enrolled.bodyAsString()).isEqualTo(201);
    assertThat(enrolled.bodyAsJsonObject().getJsonObject("certificate").getString("zoneCode"))
        .isEqualTo(zone);
    return new Gateway(anna, device, enrolled.bodyAsJsonObject());
  }

  /**
   * An upload batch of the first reading of {@code device}'s chain on channel 0 (100 Wh imported,
   * 2.5 kW exported), taken at {@code takenAt}, sent at {@code sentAt} with a zero nonce, signed as
   * gateways sign.
   */
  static JsonObject firstReadingBatch(PrivateKey device, Instant takenAt, Instant sentAt) {
    SignedReading reading =
        SignedReading.sign(
            new MeterReading(
                MeterReading.VERSION_1,
                device.publicKey(),
                0,
                1,
                takenAt,
                100,
                0,
                -2500,
                230_000,
                EnumSet.noneOf(ReadingFlag.class),
                MeterReading.noPrevious()),
            device);
    byte[] nonce = new byte[16];
    byte[] digest = BatchAndEnrolmentSigning.batchDigest(nonce, sentAt, List.of(reading.hash()));
    return new JsonObject()
        .put("deviceKey", device.publicKey().hex())
        .put("batchNonce", HexFormat.of().formatHex(nonce))
        .put("sentAt", sentAt.toString())
        .put("readings", new JsonArray().add(new JsonObject(Json.write(reading.toJson()))))
        .put("signature", HexFormat.of().formatHex(device.signDer(digest)));
  }

  /**
   * The platform's event-bus handlers in use, from {@code /metrics}: one per open API stream,
   * besides its own.
   */
  long eventBusHandlers() {
    return api.getPath("/metrics")
        .bodyAsString()
        .lines()
        .filter(line -> line.startsWith("vertx_eventbus_handlers "))
        .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .findFirst()
        .orElse(0); // the gauge appears with the first handler
  }

  @Override
  public void close() {
    try {
      api.close();
    } finally {
      platform.close();
    }
  }
}
