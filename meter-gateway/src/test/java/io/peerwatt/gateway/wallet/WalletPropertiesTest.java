package io.peerwatt.gateway.wallet;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.bsv.P2pkhSpend;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.reading.MeterReading;
import io.peerwatt.protocol.reading.SignedReading;
import io.peerwatt.protocol.statement.AcceptedReading;
import io.peerwatt.protocol.statement.MeterSeries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Properties of the wallet's two files: the ledger's reading window and the state's round trip. */
class WalletPropertiesTest {
  private static final PrivateKey KEY = PrivateKey.generate(new SecureRandom());
  private static final Instant START = Instant.parse("2026-11-24T21:17:00Z");

  /**
   * Whatever the readings' spacing (across days) and the window, {@code series} gives exactly the
   * readings taken within the closed window, in sequence order, with their counters and hashes.
   */
  @Property(tries = 40)
  void theSeriesIsExactlyTheReadingsTakenWithinTheWindow(
      @ForAll @Size(min = 1, max = 30) List<@IntRange(min = 1, max = 300) Integer> gapsMinutes,
      @ForAll @IntRange(min = -60, max = 9_000) int fromMinute,
      @ForAll @IntRange(min = 0, max = 3_000) int lengthMinutes,
      @ForAll boolean fromOnAReading,
      @ForAll @IntRange(min = 0, max = 29) int readingIndex)
      throws IOException {
    Path dataDir = Files.createTempDirectory("ledger-property");
    try {
      ReadingLedger ledger = ReadingLedger.open(dataDir, Map.of(), 366);
      List<AcceptedReading> all = new ArrayList<>();
      Instant t = START;
      long importWh = 5_000;
      byte[] previous = MeterReading.noPrevious();
      for (int seq = 0; seq < gapsMinutes.size(); seq++) {
        int gap = gapsMinutes.get(seq);
        t = t.plus(Duration.ofMinutes(gap));
        importWh += gap * 7L;
        MeterReading r =
            new MeterReading(
                1, KEY.publicKey(), 3, seq, t, importWh, gap, 0, 0, Set.of(), previous);
        SignedReading s = SignedReading.sign(r, KEY);
        ledger.record(3, s);
        previous = s.hash();
        all.add(AcceptedReading.of(9, 3, seq, t, importWh, gap, s.hash()));
      }
      Instant from =
          fromOnAReading
              ? all.get(Math.min(readingIndex, all.size() - 1)).takenAt()
              : START.plus(Duration.ofMinutes(fromMinute));
      Instant to = from.plus(Duration.ofMinutes(lengthMinutes));

      List<MeterSeries> series = ledger.series(9, from, to);

      List<AcceptedReading> expected =
          all.stream()
              .filter(r -> !r.takenAt().isBefore(from) && !r.takenAt().isAfter(to))
              .toList();
      if (expected.isEmpty()) {
        assertThat(series).isEmpty();
      } else {
        assertThat(series).hasSize(1);
        assertThat(series.get(0).meterChannel()).isEqualTo(3);
        assertThat(series.get(0).readings()).isEqualTo(expected);
      }
    } finally {
      deleteTree(dataDir);
    }
  }

  /**
   * Coins and answers of any shape, detail texts of any (well-formed) characters, come back as
   * saved.
   */
  @Property(tries = 60)
  void coinsAndAnswersRoundTripThroughTheStateFile(
      @ForAll("coins") List<P2pkhSpend.Coin> coins,
      @ForAll("payments") List<WalletState.Payment> payments)
      throws IOException {
    Path dir = Files.createTempDirectory("state-property");
    try {
      WalletState saved = WalletState.load(dir);
      saved.coins.addAll(coins);
      payments.forEach(p -> saved.payments.put(p.paymentId(), p));
      saved.save();

      WalletState loaded = WalletState.load(dir);

      assertThat(loaded.coins).containsExactlyElementsOf(coins);
      assertThat(loaded.payments).isEqualTo(saved.payments);
      assertThat(loaded.balanceSats())
          .isEqualTo(coins.stream().mapToLong(P2pkhSpend.Coin::satoshis).sum());
    } finally {
      deleteTree(dir);
    }
  }

  @Provide
  Arbitrary<List<P2pkhSpend.Coin>> coins() {
    Arbitrary<byte[]> txid = Arbitraries.bytes().array(byte[].class).ofSize(32);
    return Combinators.combine(
            txid,
            Arbitraries.longs().between(0, 0xFFFF_FFFFL),
            Arbitraries.longs().between(1, 2_100_000_000_000_000L),
            Arbitraries.of(true, false))
        .as(P2pkhSpend.Coin::new)
        .list()
        .ofMaxSize(8);
  }

  @Provide
  Arbitrary<List<WalletState.Payment>> payments() {
    // any characters but lone surrogates (which no UTF-8 file can hold)
    Arbitrary<String> text =
        Arbitraries.strings()
            .all()
            .ofMaxLength(60)
            .filter(s -> s.codePoints().noneMatch(c -> c >= 0xD800 && c <= 0xDFFF));
    Arbitrary<WalletState.Payment> payment =
        Combinators.combine(
                Arbitraries.longs().between(1, Long.MAX_VALUE),
                Arbitraries.strings().alpha().numeric().ofMaxLength(64),
                Arbitraries.longs().between(0, Long.MAX_VALUE),
                Arbitraries.longs().between(0, 2_100_000_000_000_000L),
                Arbitraries.of(WalletState.PaymentStatus.class),
                Arbitraries.integers().between(0, 999),
                text,
                Arbitraries.integers()
                    .between(0, 40_000)
                    .map(d -> LocalDate.of(2000, 1, 1).plusDays(d)))
            .as(
                (id, channel, seq, amount, status, code, detail, day) ->
                    new WalletState.Payment(
                        id, channel, seq, amount, status, code, detail, day, seq % 2 == 0));
    return payment.list().ofMaxSize(6).uniqueElements(WalletState.Payment::paymentId);
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
