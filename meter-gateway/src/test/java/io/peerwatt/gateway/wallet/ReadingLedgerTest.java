package io.peerwatt.gateway.wallet;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.gateway.journal.Journal;
import io.peerwatt.gateway.journal.JournalEntry;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.reading.MeterReading;
import io.peerwatt.protocol.reading.SignedReading;
import io.peerwatt.protocol.statement.AcceptedReading;
import io.peerwatt.protocol.statement.MeterSeries;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The counters of the readings the gateway signed, kept for statement checks: the window a check
 * asks for, the rebuild from the journal after the ledger lost the tail it had not forced to disk,
 * and retention.
 */
class ReadingLedgerTest {
  private static final long DEVICE = 7;
  private static final PrivateKey KEY = PrivateKey.generate(new SecureRandom());

  @TempDir Path dataDir;
  private final Map<Integer, Journal> journals = new TreeMap<>();

  /** Every reading signed, per channel, in order. */
  private final Map<Integer, List<SignedReading>> signed = new TreeMap<>();

  @AfterEach
  void closeJournals() throws IOException {
    for (Journal j : journals.values()) {
      j.close();
    }
  }

  private Journal journal(int channel) throws IOException {
    Journal j = journals.get(channel);
    if (j == null) {
      j = Journal.open(dataDir.resolve("journal").resolve("channel-" + channel), 1 << 20, 1 << 14);
      journals.put(channel, j);
    }
    return j;
  }

  /**
   * Signs and journals a reading (as {@link io.peerwatt.gateway.metering.MeterChannel#take} does),
   * then records it in {@code ledger}.
   */
  private SignedReading take(
      ReadingLedger ledger, int channel, Instant at, long importWh, long exportWh)
      throws IOException {
    Journal j = journal(channel);
    long seq = j.nextSequence();
    MeterReading r =
        new MeterReading(
            1,
            KEY.publicKey(),
            channel,
            seq,
            at,
            importWh,
            exportWh,
            0,
            230_000,
            Set.of(),
            j.lastHash());
    SignedReading s = SignedReading.sign(r, KEY);
    j.append(new JournalEntry(seq, at, false, s.hash(), s.encode()));
    if (ledger != null) {
      ledger.record(channel, s);
    }
    signed.computeIfAbsent(channel, c -> new ArrayList<>()).add(s);
    return s;
  }

  private ReadingLedger open(int retentionDays) throws IOException {
    for (int channel : List.of(0, 1)) {
      journal(channel);
    }
    return ReadingLedger.open(dataDir, journals, retentionDays);
  }

  private static AcceptedReading asSettled(SignedReading s) {
    MeterReading r = s.reading();
    return AcceptedReading.of(
        DEVICE, r.channel(), r.sequence(), r.takenAt(), r.importWh(), r.exportWh(), s.hash());
  }

  private List<AcceptedReading> expected(int channel, Instant from, Instant to) {
    return signed.getOrDefault(channel, List.of()).stream()
        .filter(s -> !s.reading().takenAt().isBefore(from) && !s.reading().takenAt().isAfter(to))
        .map(ReadingLedgerTest::asSettled)
        .toList();
  }

  private static Map<Integer, List<AcceptedReading>> byChannel(List<MeterSeries> series) {
    Map<Integer, List<AcceptedReading>> out = new TreeMap<>();
    for (MeterSeries s : series) {
      assertThat(s.deviceId()).isEqualTo(DEVICE);
      assertThat(out.put(s.meterChannel(), s.readings())).as("one series per channel").isNull();
    }
    return out;
  }

  @Test
  void theSeriesHoldsExactlyTheReadingsOfTheWindowAcrossDaysAndChannels() throws IOException {
    ReadingLedger ledger = open(14);
    // channel 0 every 7 minutes across midnight; channel 1 only in the evening
    Instant t = Instant.parse("2026-11-25T22:00:00Z");
    for (int i = 0; i < 40; i++) {
      take(ledger, 0, t.plus(Duration.ofMinutes(7L * i)), 1_000 + 13L * i, 5L * i);
    }
    for (int i = 0; i < 10; i++) {
      take(ledger, 1, t.plus(Duration.ofMinutes(5L * i)), 20L * i, 0);
    }
    try (Stream<Path> files = Files.list(dataDir.resolve("wallet/readings/channel-0"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("2026-11-25.csv", "2026-11-26.csv");
    }

    Instant from = Instant.parse("2026-11-25T23:31:00Z"); // exactly reading 13 of channel 0
    Instant to = Instant.parse("2026-11-26T01:40:00Z");
    Map<Integer, List<AcceptedReading>> window = byChannel(ledger.series(DEVICE, from, to));
    assertThat(window.keySet()).as("channel 1 has nothing in the window").containsExactly(0);
    assertThat(window.get(0)).isEqualTo(expected(0, from, to));
    assertThat(window.get(0).get(0).takenAt()).as("bounds are inclusive").isEqualTo(from);
    assertThat(window.get(0).get(window.get(0).size() - 1).takenAt())
        .isEqualTo(Instant.parse("2026-11-26T01:37:00Z"));

    Map<Integer, List<AcceptedReading>> evening =
        byChannel(ledger.series(DEVICE, t, t.plus(Duration.ofMinutes(30))));
    assertThat(evening.get(0)).isEqualTo(expected(0, t, t.plus(Duration.ofMinutes(30))));
    assertThat(evening.get(1)).isEqualTo(expected(1, t, t.plus(Duration.ofMinutes(30))));
    assertThat(
            ledger.series(
                DEVICE,
                Instant.parse("2026-11-27T00:00:00Z"),
                Instant.parse("2026-11-28T00:00:00Z")))
        .isEmpty();
  }

  /**
   * The ledger's appends are not forced: after a power cut its newest file may end anywhere.
   * Reopening with the journal must give back every reading, exactly once, with its own hash, and
   * keep recording.
   *
   * @param keep how much of the newest file survived, counted back from its end: a negative number
   *     is the bytes cut off, e.g. -1 only the final newline, -30 inside the hash, -70 inside the
   *     counters
   */
  @ParameterizedTest
  @ValueSource(ints = {-1, -30, -64, -66, -70, -95, -120, -130, -400, 0})
  void afterLosingTheTailOfItsFileTheLedgerIsRebuiltFromTheJournal(int keep) throws IOException {
    ReadingLedger ledger = open(14);
    Instant t = Instant.parse("2026-11-25T10:00:00Z");
    for (int i = 0; i < 12; i++) {
      take(ledger, 0, t.plus(Duration.ofMinutes(5L * i)), 1_000 + 50L * i, 0);
    }
    Path file = dataDir.resolve("wallet/readings/channel-0/2026-11-25.csv");
    long size = Files.size(file);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(keep == 0 ? 0 : size + keep);
    }

    ReadingLedger reopened = open(14);
    take(reopened, 0, t.plus(Duration.ofMinutes(60)), 1_000 + 50L * 12, 0);

    Instant from = t.minus(Duration.ofHours(1));
    Instant to = t.plus(Duration.ofHours(2));
    List<AcceptedReading> all = byChannel(reopened.series(DEVICE, from, to)).get(0);
    assertThat(all).hasSize(13).isEqualTo(expected(0, from, to));
    for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
      assertThat(line).as("every line whole").matches("\\d+,\\d+,\\d+,\\d+,[0-9a-f]{64}");
    }
  }

  @Test
  void aLedgerLostEntirelyIsRebuiltFromTheJournalWithoutDuplicates() throws IOException {
    ReadingLedger ledger = open(14);
    Instant t = Instant.parse("2026-11-25T23:40:00Z");
    for (int i = 0; i < 8; i++) {
      take(ledger, 0, t.plus(Duration.ofMinutes(5L * i)), 1_000 + 50L * i, 0);
    }
    // the older day survived, the newer one was created but its content never reached the disk
    Files.write(dataDir.resolve("wallet/readings/channel-0/2026-11-26.csv"), new byte[0]);

    ReadingLedger reopened = open(14);

    List<AcceptedReading> all =
        byChannel(reopened.series(DEVICE, t, t.plus(Duration.ofHours(1)))).get(0);
    assertThat(all).isEqualTo(expected(0, t, t.plus(Duration.ofHours(1))));
    assertThat(Files.readAllLines(dataDir.resolve("wallet/readings/channel-0/2026-11-25.csv")))
        .hasSize(4);
  }

  @Test
  void retentionDropsDaysOlderThanItsWindowWhenANewDayStarts() throws IOException {
    ReadingLedger ledger = open(2);
    LocalDate first = LocalDate.parse("2026-11-20");
    for (int d = 0; d < 5; d++) {
      Instant noon = first.plusDays(d).atTime(12, 0).toInstant(java.time.ZoneOffset.UTC);
      take(ledger, 0, noon, 1_000L * d, 0);
      take(ledger, 0, noon.plus(Duration.ofHours(1)), 1_000L * d + 500, 0);
    }
    // the last reading is of the 24th: days before the 22nd are gone
    try (Stream<Path> files = Files.list(dataDir.resolve("wallet/readings/channel-0"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("2026-11-22.csv", "2026-11-23.csv", "2026-11-24.csv");
    }
    assertThat(
            ledger.series(
                DEVICE,
                first.atStartOfDay().toInstant(java.time.ZoneOffset.UTC),
                Instant.parse("2026-11-21T23:59:59Z")))
        .isEmpty();
    List<AcceptedReading> kept =
        byChannel(
                ledger.series(
                    DEVICE,
                    Instant.parse("2026-11-22T00:00:00Z"),
                    Instant.parse("2026-11-25T00:00:00Z")))
            .get(0);
    assertThat(kept)
        .extracting(r -> r.takenAt().toString())
        .containsExactly(
            "2026-11-22T12:00:00Z",
            "2026-11-22T13:00:00Z",
            "2026-11-23T12:00:00Z",
            "2026-11-23T13:00:00Z",
            "2026-11-24T12:00:00Z",
            "2026-11-24T13:00:00Z");
    assertThat(kept.get(0).readingHashHex())
        .isEqualTo(HexFormat.of().formatHex(signed.get(0).get(4).hash()));
  }
}
