package io.peerwatt.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.gateway.journal.JournalEntry;
import io.peerwatt.gateway.metering.MapChoice;
import io.peerwatt.gateway.metering.MeterConfig;
import io.peerwatt.gateway.metering.MeterSimulator;
import io.peerwatt.gateway.metering.MeterUri;
import io.peerwatt.gateway.metering.Meters;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.keys.SignatureCheck;
import io.peerwatt.protocol.reading.MeterReading;
import io.peerwatt.protocol.reading.ReadingChain;
import io.peerwatt.protocol.reading.ReadingChainCheck;
import io.peerwatt.protocol.reading.ReadingFlag;
import io.peerwatt.protocol.reading.SignedReading;
import io.peerwatt.protocol.testing.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway against the simulator over real Modbus TCP, with a clock the test moves. */
class GatewayReadingTest {
  private static final Instant START = Instant.parse("2026-06-21T11:58:30Z");

  @TempDir Path dataDir;
  private final MutableClock clock = new MutableClock(START);
  private final AtomicBoolean synced = new AtomicBoolean(true);
  private final PrivateKey key = PrivateKey.generate(new SecureRandom());
  private MeterSimulator grid;
  private MeterSimulator pv;
  private Gateway gateway;

  @AfterAll
  static void release() {
    Meters.releaseSharedResources();
  }

  @BeforeEach
  void start() throws IOException {
    grid = new MeterSimulator(MeterSimulator.Model.SDM630, 1, 7, 1, clock, START, 0, 5_000_000, 0);
    pv =
        new MeterSimulator(
            MeterSimulator.Model.SUNSPEC_203, 2, 8, 1, clock, START, 6_000, 100_000, 2_000_000);
    grid.start(0);
    pv.start(0);
    gateway = Gateway.open(config(), key, clock, synced::get);
  }

  private GatewayConfig config() {
    return new GatewayConfig(
        dataDir,
        Optional.empty(),
        Duration.ofSeconds(60),
        Duration.ofSeconds(1),
        100,
        1 << 20,
        1 << 14,
        false,
        List.of(
            new MeterConfig(
                "grid",
                0,
                MeterUri.parse("tcp://127.0.0.1:" + grid.port()),
                1,
                MapChoice.AUTO,
                Duration.ofSeconds(10),
                Duration.ofMillis(300),
                0),
            new MeterConfig(
                "pv",
                1,
                MeterUri.parse("tcp://127.0.0.1:" + pv.port()),
                2,
                MapChoice.SUNSPEC,
                Duration.ofSeconds(10),
                Duration.ofMillis(300),
                0)),
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  @AfterEach
  void stop() {
    gateway.close();
    grid.stop();
    pv.stop();
  }

  private void runUntil(Instant end) throws IOException {
    while (clock.instant().isBefore(end)) {
      Instant next = gateway.tick();
      clock.set(next.isAfter(end) ? end : next);
    }
    gateway.tick();
  }

  private List<SignedReading> readings(int channel) throws IOException {
    List<SignedReading> out = new ArrayList<>();
    for (JournalEntry e : gateway.journals().get(channel).all()) {
      out.add(SignedReading.decode(e.signedReading()));
    }
    return out;
  }

  @Test
  void readingsEveryMinuteAndAtQuarterHoursSignedAndChained() throws IOException {
    runUntil(Instant.parse("2026-06-21T12:16:00Z"));
    for (int channel : List.of(0, 1)) {
      List<SignedReading> list = readings(channel);
      // started 11:58:30: the first reading is due at 11:59, then every minute through 12:16
      assertThat(list).hasSize(18);
      assertThat(list.get(0).reading().takenAt()).isEqualTo(Instant.parse("2026-06-21T11:59:00Z"));
      assertThat(list)
          .extracting(s -> s.reading().takenAt())
          .contains(Instant.parse("2026-06-21T12:00:00Z"), Instant.parse("2026-06-21T12:15:00Z"));
      assertThat(ReadingChain.checkFirst(list.get(0).reading()))
          .isEqualTo(ReadingChainCheck.LINKED);
      for (int i = 0; i < list.size(); i++) {
        assertThat(list.get(i).verify()).isEqualTo(SignatureCheck.VALID);
        assertThat(list.get(i).reading().channel()).isEqualTo(channel);
        assertThat(list.get(i).reading().flags()).isEmpty();
        if (i > 0) {
          assertThat(ReadingChain.checkLink(list.get(i - 1).reading(), list.get(i).reading()))
              .isEqualTo(ReadingChainCheck.LINKED);
        }
      }
      List<JournalEntry> entries = gateway.journals().get(channel).all();
      assertThat(entries.stream().filter(JournalEntry::boundary).map(JournalEntry::takenAt))
          .containsExactly(
              Instant.parse("2026-06-21T12:00:00Z"), Instant.parse("2026-06-21T12:15:00Z"));
    }
    // the counters are the meters' own registers: they match the simulators at the last reading
    MeterReading lastGrid = readings(0).get(17).reading();
    assertThat(lastGrid.importWh()).isEqualTo(grid.truth().importWh());
    MeterReading lastPv = readings(1).get(17).reading();
    assertThat(lastPv.exportWh()).isEqualTo(pv.truth().exportWh());
    assertThat(lastPv.exportWh()).isGreaterThan(2_000_000);
    // status for 'gateway status'
    var status = Json.parseObject(Files.readString(dataDir.resolve("status.json")));
    assertThat(Json.integer(status, "journalDepth")).isEqualTo(36);
    assertThat(Json.array(status, "meters")).hasSize(2);
  }

  @Test
  void faultsBecomeFlagsNeverSilentNumbers() throws IOException {
    runUntil(Instant.parse("2026-06-21T11:59:00Z"));
    // meter silent through a quarter-hour boundary: cadence readings skipped, the boundary one
    // repeats
    // the last good counters flagged timeout + estimated
    grid.silent(true);
    runUntil(Instant.parse("2026-06-21T12:00:00Z"));
    grid.silent(false);
    List<SignedReading> list = readings(0);
    MeterReading boundary = list.get(list.size() - 1).reading();
    assertThat(boundary.takenAt()).isEqualTo(Instant.parse("2026-06-21T12:00:00Z"));
    assertThat(boundary.flags())
        .containsExactlyInAnyOrder(ReadingFlag.TIMEOUT, ReadingFlag.ESTIMATED);
    assertThat(boundary.importWh()).isEqualTo(list.get(list.size() - 2).reading().importWh());
    assertThat(boundary.powerW()).isZero();

    // counters going backwards: flagged counterReset
    grid.shiftCounters(-10_000);
    runUntil(Instant.parse("2026-06-21T12:01:00Z"));
    MeterReading reset = last(0);
    assertThat(reset.flags()).containsExactly(ReadingFlag.COUNTER_RESET);
    assertThat(reset.importWh()).isLessThan(boundary.importWh());

    // a different meter behind the channel (the old one gone quiet while it was swapped): the
    // serial is
    // read again once it answers, and the reading is flagged meterSwapped
    grid.silent(true);
    grid.serial("99887766");
    runUntil(Instant.parse("2026-06-21T12:01:30Z"));
    grid.silent(false);
    runUntil(Instant.parse("2026-06-21T12:02:00Z"));
    assertThat(last(0).flags()).containsExactly(ReadingFlag.METER_SWAPPED);
    runUntil(Instant.parse("2026-06-21T12:03:00Z"));
    assertThat(last(0).flags()).isEmpty();

    // NaN energy on a cadence reading: no reading at all, never a made-up number
    long before = gateway.journals().get(0).nextSequence();
    grid.invalidEnergy(true);
    runUntil(Instant.parse("2026-06-21T12:04:00Z"));
    assertThat(gateway.journals().get(0).nextSequence()).isEqualTo(before);
    grid.invalidEnergy(false);

    // Modbus exception at a boundary: estimated (not timeout)
    pv.failWith(4);
    runUntil(Instant.parse("2026-06-21T12:15:00Z"));
    pv.failWith(0);
    assertThat(last(1).flags()).containsExactly(ReadingFlag.ESTIMATED);

    // clock not synchronised, then a clock that jumps back
    synced.set(false);
    runUntil(Instant.parse("2026-06-21T12:16:00Z"));
    assertThat(last(0).flags()).containsExactly(ReadingFlag.CLOCK_UNSYNCHRONISED);
    synced.set(true);
    Instant lastTaken = last(0).takenAt();
    clock.set(Instant.parse("2026-06-21T12:10:00Z"));
    gateway.close();
    gateway = Gateway.open(config(), key, clock, synced::get);
    gateway.tick();
    MeterReading back = last(0);
    assertThat(back.flags()).contains(ReadingFlag.CLOCK_UNSYNCHRONISED);
    assertThat(back.takenAt()).isAfter(lastTaken);
    assertThat(back.sequence()).isEqualTo(readings(0).size());
  }

  @Test
  void deviceKeyIsCreatedOwnerOnlyAndStaysTheSame() throws IOException {
    Path dir = dataDir.resolve("fresh");
    PrivateKey first = DeviceIdentity.loadOrCreate(dir);
    assertThat(
            PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("device.key"))))
        .isEqualTo("rw-------");
    assertThat(DeviceIdentity.loadOrCreate(dir).publicKey()).isEqualTo(first.publicKey());
  }

  private MeterReading last(int channel) throws IOException {
    List<SignedReading> list = readings(channel);
    return list.get(list.size() - 1).reading();
  }
}
