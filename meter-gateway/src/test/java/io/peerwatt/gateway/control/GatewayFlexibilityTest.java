package io.peerwatt.gateway.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.gateway.Gateway;
import io.peerwatt.gateway.GatewayConfig;
import io.peerwatt.gateway.StatusFile;
import io.peerwatt.gateway.metering.MapChoice;
import io.peerwatt.gateway.metering.MeterConfig;
import io.peerwatt.gateway.metering.MeterSimulator;
import io.peerwatt.gateway.metering.MeterUri;
import io.peerwatt.gateway.metering.Meters;
import io.peerwatt.gateway.metering.SimulatedDer;
import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.flex.FlexAction;
import io.peerwatt.protocol.flex.FlexCommand;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.reading.DeviceCertificate;
import io.peerwatt.protocol.reading.SignedDeviceCertificate;
import io.peerwatt.protocol.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway with a {@code flexibility:} device: its VEN starts once enrolled, trusting the key
 * that signed its device certificate, and {@code gateway status} shows the flexibility block.
 */
class GatewayFlexibilityTest {
  private static final Instant START = Instant.parse("2026-12-06T17:00:00Z");
  private static final PrivateKey PLATFORM =
      PrivateKey.fromBytes(Hashes.sha256("platform".getBytes(StandardCharsets.US_ASCII)));
  private static final PrivateKey DEVICE =
      PrivateKey.fromBytes(Hashes.sha256("device".getBytes(StandardCharsets.US_ASCII)));

  @TempDir Path dataDir;

  @AfterAll
  static void release() {
    Meters.releaseSharedResources();
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> flexibilityStatus() throws Exception {
    Map<String, Object> status =
        Json.parseObject(Files.readString(StatusFile.path(dataDir), StandardCharsets.UTF_8));
    return (Map<String, Object>) status.get("flexibility");
  }

  @Test
  void theVenStartsOnceEnrolledAndTheStatusShowsWhatItDid() throws Exception {
    MutableClock clock = new MutableClock(START);
    MeterSimulator home =
        new MeterSimulator(MeterSimulator.Model.SDM630, 1, 3, 1, clock, START, 0, 10_000, 0);
    SimulatedDer der = new SimulatedDer(2, false, new SimulatedDer.Battery(8_000, 4_000, 90, 70));
    home.attach(der);
    home.start(0);
    try (OpenAdrTestServer vtn = new OpenAdrTestServer(DEVICE.publicKey(), "42")) {
      FlexibilityConfig flex =
          new FlexibilityConfig(
              FlexibilityConfig.Kind.BATTERY,
              MeterUri.parse("tcp://127.0.0.1:" + home.port()),
              2,
              OptionalInt.of(124),
              OptionalLong.empty(),
              20,
              3_000,
              AllowedHours.ALL_DAY,
              ZoneOffset.UTC,
              Duration.ofSeconds(30),
              Duration.ofMinutes(5),
              FlexibilityConfig.DEFAULT_CLOCK_SKEW);
      GatewayConfig config =
          new GatewayConfig(
              dataDir,
              Optional.of(vtn.uri()),
              Duration.ofSeconds(60),
              Duration.ofSeconds(1),
              100,
              1 << 20,
              1 << 14,
              true,
              List.of(
                  new MeterConfig(
                      "grid",
                      0,
                      MeterUri.parse("tcp://127.0.0.1:" + home.port()),
                      1,
                      MapChoice.AUTO,
                      Duration.ofSeconds(10),
                      Duration.ofMillis(500),
                      0)),
              Optional.empty(),
              Optional.empty(),
              Optional.of(flex));
      try (Gateway gateway = Gateway.open(config, DEVICE, clock, () -> true)) {
        gateway.flexibilityStep();
        gateway.writeStatus();
        assertThat(flexibilityStatus())
            .containsEntry(
                "waiting", "not enrolled yet: the platform key and device id come from enrolment");
        assertThat(vtn.eventPolls()).isZero();

        DeviceCertificate certificate =
            new DeviceCertificate(
                DeviceCertificate.VERSION_1,
                7,
                DEVICE.publicKey(),
                "MP-42",
                "acct-1",
                "DE-TEST",
                START.minus(Duration.ofDays(1)),
                START.plus(Duration.ofDays(365)),
                PLATFORM.publicKey());
        Map<String, Object> enrolment =
            Map.of(
                "deviceId",
                42L,
                "certificate",
                SignedDeviceCertificate.sign(certificate, PLATFORM).toJson());
        Files.writeString(dataDir.resolve("enrollment.json"), Json.write(enrolment));
        FlexCommand c =
            new FlexCommand(
                "cmd-7",
                "42",
                "ev-7",
                FlexAction.REDUCE_IMPORT,
                2_000,
                START,
                START.plus(Duration.ofHours(1)),
                START);
        vtn.addEvent(
            OpenAdrTestServer.event(
                "ev-7", "42", c.validFrom(), c.validUntil(), -2.0, c.sign(PLATFORM).toJson()));
        gateway.flexibilityStep();
        gateway.writeStatus();
        assertThat(der.batteryPowerW()).isEqualTo(-2_000);
        Map<String, Object> status = flexibilityStatus();
        assertThat(status).containsEntry("venName", "42").containsEntry("refusals", 0L);
        assertThat((Map<String, Object>) status.get("lastCommand"))
            .containsEntry("commandId", "cmd-7")
            .doesNotContainKey("signature");
        assertThat((Map<String, Object>) status.get("applied"))
            .containsEntry(
                "setpoint",
                "124 StorCtl_Mod=DISCHARGE OutWRte=50.00 % of WChaMax 4000 W MinRsvPct=20 %");
      }
      // closing the gateway puts the battery back
      assertThat(der.batteryPowerW()).isZero();
    } finally {
      home.stop();
    }
  }
}
