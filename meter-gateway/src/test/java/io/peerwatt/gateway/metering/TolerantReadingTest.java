package io.peerwatt.gateway.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerwatt.gateway.journal.Journal;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.reading.ReadingFlag;
import io.peerwatt.protocol.reading.SignedReading;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real meters and clones leave registers out: a missing optional register (refused with exception
 * 2, or never answered) leaves the reading valid and flagged, the serial is read once per
 * connection, and a poll takes one or two requests. Over real Modbus TCP against the simulator.
 */
class TolerantReadingTest {
  private static final Instant NOON = Instant.parse("2026-06-21T12:00:00Z");
  private static final int UNIT = 4;

  @TempDir Path dir;
  private MeterSimulator sim;
  private MeterChannel channel;

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.close();
    }
    sim.stop();
  }

  @AfterAll
  static void release() {
    Meters.releaseSharedResources();
  }

  private MeterSimulator start(MeterSimulator.Model model) {
    sim = new MeterSimulator(model, UNIT, 3, 1, Clock.systemUTC(), NOON, 3_000, 4_000_000, 500_000);
    sim.start(0);
    return sim;
  }

  private MeterChannel channel(MapChoice map, Duration timeout) throws Exception {
    MeterConfig config =
        new MeterConfig(
            "grid",
            0,
            MeterUri.parse("tcp://127.0.0.1:" + sim.port()),
            UNIT,
            map,
            Duration.ofSeconds(5),
            timeout,
            0);
    channel = MeterChannel.open(config, Journal.open(dir.resolve("journal"), 1 << 20, 1 << 14), "");
    return channel;
  }

  @Test
  void aMeterWithoutTheSerialRegisterIsProbedAndReadAllTheSame() throws Exception {
    start(MeterSimulator.Model.SDM630).withhold("serial", false);
    Meters.Probe probe =
        Meters.probe(
            MeterUri.parse("tcp://127.0.0.1:" + sim.port()),
            UNIT,
            MapChoice.SDM630,
            Duration.ofMillis(500),
            0);
    assertThat(probe.sample().importWh()).isGreaterThanOrEqualTo(4_000_000);
    assertThat(probe.sample().serial()).isEmpty();
    assertThat(probe.sample().complete()).isTrue();
    assertThat(probe.lacks()).containsExactly("serial");
  }

  @Test
  void aRefusedVoltageRegisterLeavesTheReadingSignedAndFlaggedIncomplete() throws Exception {
    start(MeterSimulator.Model.SDM630).withhold("voltageL1", false);
    MeterChannel ch = channel(MapChoice.SDM630, Duration.ofMillis(500));
    SignedReading signed = ch.take(NOON, true, true, PrivateKey.generate(new SecureRandom()));
    assertThat(signed).isNotNull();
    assertThat(signed.reading().flags()).containsExactly(ReadingFlag.INCOMPLETE);
    assertThat(signed.reading().voltageL1Mv()).isZero();
    assertThat(signed.reading().importWh()).isEqualTo(sim.truth().importWh());
    assertThat(ch.lacks()).containsExactly("voltageL1");
    // the meter refused the one request for voltage to export energy: its values are read one by
    // one,
    // and voltage no more
    long before = sim.requests();
    ch.read(NOON.plusSeconds(5));
    assertThat(sim.requests() - before).isEqualTo(3);
  }

  @Test
  void aRegisterThatTimesOutOnItsOwnIsLeftOut() throws Exception {
    start(MeterSimulator.Model.SDM120).withhold("powerTotal", true);
    MeterChannel ch = channel(MapChoice.SDM120, Duration.ofMillis(200));
    MeterSample sample = ch.read(NOON);
    assertThat(sample.missing()).containsExactly("powerTotal");
    assertThat(sample.powerW()).isZero();
    assertThat(sample.voltageMilliV()).isBetween(226_000L, 234_000L);
    assertThat(ch.lacks()).containsExactly("powerTotal");
    assertThat(ch.lastError()).isNull();
  }

  @Test
  void theEnergyCountersAreNeverOptional() throws Exception {
    start(MeterSimulator.Model.SDM630).withhold("exportTotal", false);
    MeterChannel ch = channel(MapChoice.SDM630, Duration.ofMillis(500));
    assertThatThrownBy(() -> ch.read(NOON))
        .isInstanceOfSatisfying(
            MeterException.class,
            e -> {
              assertThat(e.fault()).isEqualTo(MeterFault.EXCEPTION_RESPONSE);
              assertThat(e.exceptionCode()).isEqualTo(2);
            });
  }

  @Test
  void anSdm630PollIsOneRequestAndTheSerialIsReadOncePerConnection() throws Exception {
    start(MeterSimulator.Model.SDM630);
    MeterChannel ch = channel(MapChoice.SDM630, Duration.ofMillis(500));
    ch.read(NOON);
    // the poll and, on the new connection, the serial
    assertThat(sim.requests()).isEqualTo(2);
    MeterSample last = null;
    for (int i = 1; i <= 3; i++) {
      last = ch.read(NOON.plusSeconds(5L * i));
    }
    assertThat(sim.requests()).isEqualTo(5);
    assertThat(last.serial()).isEqualTo(sim.truth().serial());
  }

  @Test
  void sdm120AndSunSpecPollsAreTwoAndOneRequests() throws Exception {
    start(MeterSimulator.Model.SDM120);
    MeterChannel ch = channel(MapChoice.SDM120, Duration.ofMillis(500));
    ch.read(NOON);
    long before = sim.requests();
    ch.read(NOON.plusSeconds(5));
    assertThat(sim.requests() - before).isEqualTo(2);
    ch.close();
    channel = null;
    sim.stop();

    start(MeterSimulator.Model.SUNSPEC_213);
    MeterChannel sunSpec = channel(MapChoice.SUNSPEC, Duration.ofMillis(500));
    sunSpec.read(NOON);
    before = sim.requests();
    sunSpec.read(NOON.plusSeconds(5));
    assertThat(sim.requests() - before).isEqualTo(1);
  }
}
