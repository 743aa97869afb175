package io.peerwatt.gateway.metering;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gateway probe --scan}: a simulated bus of three meters at three unit ids, over TCP and
 * over RTU.
 */
class ScanTest {
  private static final Instant NOON = Instant.parse("2026-06-21T12:00:00Z");
  @TempDir Path dir;
  private SimulatedBus bus;

  @AfterEach
  void stop() {
    if (bus != null) {
      bus.stop();
    }
  }

  @AfterAll
  static void release() {
    Meters.releaseSharedResources();
  }

  private static List<SimulatedMeter> threeMeters() {
    return List.of(
        new MeterSimulator(
            MeterSimulator.Model.SDM630, 2, 1, 1, Clock.systemUTC(), NOON, 0, 1_000_000, 0),
        new MeterSimulator(
            MeterSimulator.Model.EM24, 5, 2, 1, Clock.systemUTC(), NOON, 0, 2_000_000, 0),
        new MeterSimulator(
            MeterSimulator.Model.SUNSPEC_213,
            9,
            3,
            1,
            Clock.systemUTC(),
            NOON,
            4_000,
            3_000_000,
            10));
  }

  private static void assertTheThreeMeters(List<Meters.Found> found) {
    assertThat(found).extracting(Meters.Found::unit).containsExactly(2, 5, 9);
    assertThat(found)
        .extracting(f -> f.fits().get(0).map())
        .containsExactly("sdm630", "em24", "sunspec-213");
    assertThat(found).allSatisfy(f -> assertThat(f.fits().get(0).complete()).isTrue());
    assertThat(found.get(0).fits().get(0).sample().importWh()).isBetween(1_000_000L, 1_001_000L);
    assertThat(found.get(1).fits().get(0).sample().importWh()).isBetween(2_000_000L, 2_001_000L);
    assertThat(found.get(2).fits().get(0).sample().importWh()).isBetween(3_000_000L, 3_001_000L);
    // the other Eastron maps read the SDM630's registers too; the Carlo Gavazzi and SunSpec ones do
    // not
    assertThat(found.get(0).fits())
        .extracting(Meters.Fit::map)
        .doesNotContain("em24", "sunspec-213");
  }

  @Test
  void findsTheMetersOnABusOfThreeUnitsOverTcp() throws Exception {
    bus = new SimulatedBus(threeMeters()).start(0);
    List<Meters.Found> reported = new ArrayList<>();
    List<Meters.Found> found =
        Meters.scan(
            MeterUri.parse("tcp://127.0.0.1:" + bus.port()),
            1,
            12,
            Duration.ofMillis(150),
            reported::add);
    assertTheThreeMeters(found);
    assertThat(reported).isEqualTo(found);
  }

  @Test
  void findsTheMetersOnAnRtuLine() throws Exception {
    try (SocatPair line = SocatPair.open(dir)) {
      bus = new SimulatedBus(threeMeters()).startRtu(line.meterDevice(), 115_200);
      assertTheThreeMeters(
          Meters.scan(line.gatewayUri(115_200), 1, 10, Duration.ofMillis(300), f -> {}));
    }
  }
}
