package io.peerwatt.gateway.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One suite, run per transport (TCP, RTU over a pseudo-terminal pair): subclasses connect the
 * simulator.
 */
abstract class MeterTransportSuite {
  static final int UNIT = 3;
  static final Instant NOON = Instant.parse("2026-06-21T12:00:00Z");
  MeterSimulator sim;

  /** Starts {@link #sim} on the transport and returns the URI the gateway uses. */
  abstract MeterUri startSimulator(MeterSimulator.Model model) throws Exception;

  MeterSimulator newSimulator(MeterSimulator.Model model) {
    sim =
        new MeterSimulator(model, UNIT, 11, 1, Clock.systemUTC(), NOON, 4_000, 2_000_000, 300_000);
    return sim;
  }

  @BeforeEach
  void noSimulatorYet() {
    sim = null;
  }

  @AfterEach
  void stopSimulator() {
    if (sim != null) {
      sim.stop();
    }
  }

  @AfterAll
  static void release() {
    Meters.releaseSharedResources();
  }

  @Test
  void readsSdm630() throws Exception {
    MeterUri uri = startSimulator(MeterSimulator.Model.SDM630);
    Meters.Probe probe = Meters.probe(uri, UNIT, MapChoice.SDM630, Duration.ofMillis(800), 1);
    assertThat(probe.map()).isEqualTo("sdm630");
    assertThat(probe.sample().importWh()).isBetween(2_000_000L, sim.truth().importWh());
    assertThat(probe.sample().serial()).isEqualTo(sim.truth().serial());
  }

  @Test
  void autoFindsSunSpec203() throws Exception {
    MeterUri uri = startSimulator(MeterSimulator.Model.SUNSPEC_203);
    Meters.Probe probe = Meters.probe(uri, UNIT, MapChoice.AUTO, Duration.ofMillis(800), 1);
    assertThat(probe.map()).isEqualTo("sunspec-203");
    assertThat(probe.found()).contains("model 203");
    assertThat(probe.sample().exportWh()).isBetween(300_000L, sim.truth().exportWh());
  }

  @Test
  void wrongUnitIdIsATimeout() throws Exception {
    MeterUri uri = startSimulator(MeterSimulator.Model.SDM630);
    assertThatThrownBy(
            () -> Meters.probe(uri, UNIT + 1, MapChoice.SDM630, Duration.ofMillis(300), 0))
        .isInstanceOfSatisfying(
            MeterException.class, e -> assertThat(e.fault()).isEqualTo(MeterFault.TIMEOUT));
  }

  @Test
  void exceptionCodeIsReported() throws Exception {
    MeterUri uri = startSimulator(MeterSimulator.Model.SDM630);
    sim.failWith(2);
    assertThatThrownBy(() -> Meters.probe(uri, UNIT, MapChoice.SDM630, Duration.ofMillis(800), 0))
        .isInstanceOfSatisfying(
            MeterException.class,
            e -> assertThat(e.exceptionCode()).as(e.getMessage()).isEqualTo(2));
  }
}
