package io.peerwatt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.reading.BatchAndEnrolmentSigning;
import io.peerwatt.protocol.reading.MeterReading;
import io.peerwatt.protocol.reading.SignedReading;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trading API end to end through {@code peerwatt}: {@code admin create-operator}, then
 * {@code platform}, then an operator, a prosumer and a gateway speaking HTTP to it, the way a gateway
 * builds its signatures from the documented byte layouts (not from trading-core's code).
 */
class TradingPlatformTest {
  private static Vertx clientVertx;
  private static WebClient client;

  @BeforeAll
  static void client() {
    clientVertx = Vertx.vertx();
    client = WebClient.create(clientVertx);
  }

  @AfterAll
  static void closeClient() {
    Platform.await(clientVertx.close());
  }

  private static HttpResponse<Buffer> post(Platform p, String path, String token, JsonObject body) {
    var req = client.post(p.port(), "127.0.0.1", "/api/v1" + path);
    if (token != null) {
      req.bearerTokenAuthentication(token);
    }
    return Platform.await(req.sendJsonObject(body));
  }

  private static HttpResponse<Buffer> put(Platform p, String path, String token, JsonObject body) {
    return Platform.await(client.put(p.port(), "127.0.0.1", "/api/v1" + path).bearerTokenAuthentication(token).sendJsonObject(body));
  }

  private static String login(Platform p, String user, String password) {
    HttpResponse<Buffer> r = post(p, "/auth/login", null, new JsonObject().put("username", user).put("password", password));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getString("token");
  }

  @Test
  void operatorCommandThenLoginEnrolmentAndIngestionOverHttp(@TempDir Path dataDir) throws Exception {
    Path passwordFile = dataDir.resolve("operator.pw");
    Files.writeString(passwordFile, "correct horse battery staple\n");
    assertThat(PeerwattCommand.run("admin", "create-operator", "--username", "ops",
        "--password-file", passwordFile.toString(), "--data-dir", dataDir.toString())).isZero();

    PlatformSettings settings = PlatformSettings.from(Config.load(PlatformSettings.KEYS, null, Map.of(),
        Map.of("http.port", "0", "data-dir", dataDir.toString())));
    try (Platform platform = Platform.start(settings)) {
      assertThat(Files.exists(dataDir.resolve("keys").resolve("platform-signing.key"))).isTrue();
      String ops = login(platform, "ops", "correct horse battery staple");
      assertThat(put(platform, "/zones/NL-1", ops, new JsonObject().put("name", "Utrecht").put("currency", "EUR")
          .put("priceUnit", "MILLI_CT_PER_KWH").put("clearingMode", "CONTINUOUS").put("gateClosureLeadSeconds", 900)
          .put("gridFeePerKwh", 0).put("imbalancePricePerKwh", 30000).put("negativePricesAllowed", true)
          .put("localTimeZone", "Europe/Amsterdam").put("minQuantityWh", 1).put("maxQuantityWh", 100000)
          .put("minPricePerKwh", -100000).put("maxPricePerKwh", 100000)).statusCode()).isEqualTo(200);
      assertThat(post(platform, "/accounts", ops, new JsonObject().put("username", "anna").put("password", "anna-password-1")
          .put("role", "prosumer").put("zone", "NL-1")).statusCode()).isEqualTo(201);
      String anna = login(platform, "anna", "anna-password-1");
      long mp = post(platform, "/metering-points", anna, new JsonObject().put("label", "roof").put("maxPowerW", 11000))
          .bodyAsJsonObject().getLong("id");
      String code = post(platform, "/metering-points/" + mp + "/enrolment-codes", anna, new JsonObject())
          .bodyAsJsonObject().getString("code");

      PrivateKey device = PrivateKey.generate(new SecureRandom());
      byte[] nonce = new byte[16];
      // the gateway's own enrolment bytes: the platform must accept exactly what gateways sign
      byte[] enrolDigest = BatchAndEnrolmentSigning.enrolmentDigest(code, device.publicKey().compressedBytes(), nonce, List.of("SN-1"));
      HttpResponse<Buffer> enrolled = post(platform, "/devices/enroll", null, new JsonObject().put("code", code)
          .put("deviceKey", device.publicKey().hex()).put("meterSerials", new JsonArray().add("SN-1"))
          .put("nonce", HexFormat.of().formatHex(nonce))
          .put("signature", HexFormat.of().formatHex(device.signDer(enrolDigest))));
      assertThat(enrolled.statusCode()).as(enrolled.bodyAsString()).isEqualTo(201);
      assertThat(enrolled.bodyAsJsonObject().getJsonObject("certificate").getString("zoneCode")).isEqualTo("NL-1");

      Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      SignedReading reading = SignedReading.sign(new MeterReading(MeterReading.VERSION_1, device.publicKey(), 0, 1,
          now.minusSeconds(5), 100, 0, -2500, 230_000, EnumSet.noneOf(io.peerwatt.protocol.reading.ReadingFlag.class),
          MeterReading.noPrevious()), device);
      byte[] batchDigest = BatchAndEnrolmentSigning.batchDigest(nonce, now, List.of(reading.hash()));
      JsonObject upload = new JsonObject().put("deviceKey", device.publicKey().hex())
          .put("batchNonce", HexFormat.of().formatHex(nonce)).put("sentAt", now.toString())
          .put("readings", new JsonArray().add(new JsonObject(Json.write(reading.toJson()))))
          .put("signature", HexFormat.of().formatHex(device.signDer(batchDigest)));
      HttpResponse<Buffer> answer = post(platform, "/readings", null, upload);
      assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(200);
      assertThat(answer.bodyAsJsonObject().getInteger("accepted")).isEqualTo(1);
      assertThat(post(platform, "/readings", null, upload).statusCode()).isEqualTo(409);
    }
  }

  @Test
  void createOperatorRefusesAShortPassword(@TempDir Path dataDir) throws Exception {
    Path passwordFile = dataDir.resolve("pw");
    Files.writeString(passwordFile, "short\n");
    assertThat(PeerwattCommand.run("admin", "create-operator", "--username", "ops",
        "--password-file", passwordFile.toString(), "--data-dir", dataDir.toString())).isEqualTo(2);
  }
}
