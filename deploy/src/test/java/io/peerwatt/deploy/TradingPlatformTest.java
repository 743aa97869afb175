package io.peerwatt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.trading.testing.ApiClient;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trading API end to end through {@code peerwatt}: {@code admin create-operator}, then {@code
 * platform}, then an operator, a prosumer and a gateway speaking HTTP to it, the way a gateway
 * builds its signatures from the documented byte layouts (not from trading-core's code).
 */
class TradingPlatformTest {

  @Test
  void operatorCommandThenLoginEnrolmentAndIngestionOverHttp(@TempDir Path dataDir)
      throws Exception {
    PlatformHarness.createOperatorByCommand(dataDir);
    try (PlatformHarness h = PlatformHarness.start(dataDir)) {
      ApiClient api = h.api;
      assertThat(Files.exists(dataDir.resolve("keys").resolve("platform-signing.key"))).isTrue();
      PrivateKey device = h.annasEnrolledGateway("NL-1").key();

      Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      JsonObject upload = PlatformHarness.firstReadingBatch(device, now.minusSeconds(5), now);
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
        .isEqualTo(2);
  }
}
