package io.peerwatt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.reading.BatchAndEnrolmentSigning;
import io.peerwatt.protocol.reading.MeterReading;
import io.peerwatt.protocol.reading.SignedReading;
import io.peerwatt.trading.testing.ApiClient;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trading API end to end through {@code peerwatt}: {@code admin create-operator}, then
 * {@code platform}, then an operator, a prosumer and a gateway speaking HTTP to it, the way a gateway
 * builds its signatures from the documented byte layouts (not from trading-core's code).
 */
class TradingPlatformTest {

  @Test
  void operatorCommandThenLoginEnrolmentAndIngestionOverHttp(@TempDir Path dataDir) throws Exception {
    Path passwordFile = dataDir.resolve("operator.pw");
    Files.writeString(passwordFile, "correct horse battery staple\n");
    assertThat(PeerwattCommand.run("admin", "create-operator", "--username", "ops",
        "--password-file", passwordFile.toString(), "--data-dir", dataDir.toString())).isZero();

    try (PlatformHarness h = PlatformHarness.start(dataDir)) {
      ApiClient api = h.api;
      assertThat(Files.exists(dataDir.resolve("keys").resolve("platform-signing.key"))).isTrue();
      String ops = api.login("ops", "correct horse battery staple");
      assertThat(api.put("/zones/NL-1", ops, PlatformHarness.utrechtZone()).statusCode()).isEqualTo(200);
      assertThat(api.post("/accounts", ops, new JsonObject().put("username", "anna").put("password", "anna-password-1")
          .put("role", "prosumer").put("zone", "NL-1")).statusCode()).isEqualTo(201);
      String anna = api.login("anna", "anna-password-1");
      long mp = api.post("/metering-points", anna, new JsonObject().put("label", "roof").put("maxPowerW", 11000))
          .bodyAsJsonObject().getLong("id");
      String code = api.post("/metering-points/" + mp + "/enrolment-codes", anna, new JsonObject())
          .bodyAsJsonObject().getString("code");

      PrivateKey device = PrivateKey.generate(new SecureRandom());
      byte[] nonce = new byte[16];
      // the gateway's own enrolment bytes: the platform must accept exactly what gateways sign
      byte[] enrolDigest = BatchAndEnrolmentSigning.enrolmentDigest(code, device.publicKey().compressedBytes(), nonce, List.of("SN-1"));
      HttpResponse<Buffer> enrolled = api.post("/devices/enroll", null, new JsonObject().put("code", code)
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
      HttpResponse<Buffer> answer = api.post("/readings", null, upload);
      assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(200);
      assertThat(answer.bodyAsJsonObject().getInteger("accepted")).isEqualTo(1);
      assertThat(api.post("/readings", null, upload).statusCode()).isEqualTo(409);
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
