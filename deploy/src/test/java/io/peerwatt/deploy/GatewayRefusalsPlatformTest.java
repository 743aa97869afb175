package io.peerwatt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.gateway.journal.Journal;
import io.peerwatt.gateway.journal.JournalEntry;
import io.peerwatt.gateway.platform.PlatformHttp;
import io.peerwatt.gateway.platform.Uploader;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.reading.MeterReading;
import io.peerwatt.protocol.reading.ReadingFlag;
import io.peerwatt.protocol.reading.SignedReading;
import io.peerwatt.protocol.testing.MutableClock;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real gateway uploader against a running platform (embedded PostgreSQL, real HTTP): readings
 * taken while the gateway's clock ran ahead are refused as FUTURE_TIMESTAMP, kept and uploaded in
 * order once the platform's time catches up; a reading refused for good is set aside after a signed
 * chain restart, the readings after it are stored and the gap is listed with the readings. Nothing
 * metered is lost.
 */
class GatewayRefusalsPlatformTest {
  private static final Duration CLOCK_AHEAD = Duration.ofHours(1);

  @Test
  void transientRefusalsAreRetriedInOrderAndAPermanentOneRestartsTheChain(@TempDir Path dir)
      throws Exception {
    Path dataDir = dir.resolve("platform");
    Files.createDirectories(dataDir);
    PlatformHarness.createOperatorByCommand(dataDir);
    MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    try (PlatformHarness h = PlatformHarness.start(PlatformHarness.settings(dataDir), clock)) {
      PlatformHarness.Gateway gateway = h.annasEnrolledGateway("NL-G");
      long meteringPoint =
          h.api
              .get("/metering-points", gateway.ownerToken())
              .bodyAsJsonObject()
              .getJsonArray("meteringPoints")
              .getJsonObject(0)
              .getLong("id");
      Path gatewayDir = Files.createDirectories(dir.resolve("gateway"));
      Journal journal = Journal.open(gatewayDir.resolve("journal"), 1 << 22, 1 << 16);
      Instant start = clock.instant();
      // four readings on time, then four while the gateway's clock ran an hour ahead
      for (int i = 1; i <= 4; i++) {
        append(journal, gateway.key(), start.minusSeconds(300 - 60L * i), 1500);
      }
      for (int i = 1; i <= 4; i++) {
        append(journal, gateway.key(), start.plus(CLOCK_AHEAD).plusSeconds(60L * i), 1500);
      }
      Uploader uploader =
          new Uploader(
              URI.create(h.platform.baseUrl()),
              gateway.key(),
              Map.of(0, journal),
              gatewayDir,
              clock,
              new PlatformHttp(Duration.ofSeconds(5)),
              100,
              Duration.ofSeconds(10));

      Uploader.Round first = uploader.uploadOnce();
      assertThat(first.accepted()).isEqualTo(4);
      assertThat(first.retried()).isEqualTo(1);
      assertThat(first.succeeded()).isFalse();
      // it keeps trying, never setting the future readings aside
      long until = System.nanoTime() + Duration.ofMillis(500).toNanos();
      uploader.drain(() -> System.nanoTime() < until, Duration.ofMillis(5), Duration.ofMillis(50));
      assertThat(journal.depth()).isEqualTo(4);
      assertThat(gatewayDir.resolve("dead-letter.jsonl")).doesNotExist();
      assertThat(storedSequences(h, gateway, meteringPoint)).containsExactly(1L, 2L, 3L, 4L);

      clock.advance(CLOCK_AHEAD.plusMinutes(10));
      drain(uploader);
      assertThat(journal.depth()).isZero();
      assertThat(gatewayDir.resolve("dead-letter.jsonl")).doesNotExist();
      assertThat(storedSequences(h, gateway, meteringPoint))
          .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);

      // a reading the platform refuses for good (50 kW on an 11 kW connection), then three more
      Instant later = clock.instant().minusSeconds(240);
      append(journal, gateway.key(), later, 50_000);
      for (int i = 1; i <= 3; i++) {
        append(journal, gateway.key(), later.plusSeconds(60L * i), 1500);
      }
      drain(uploader);
      assertThat(journal.depth()).isZero();
      List<String> deadLetters = Files.readAllLines(gatewayDir.resolve("dead-letter.jsonl"));
      assertThat(deadLetters).hasSize(1);
      assertThat(Json.string(Json.parseObject(deadLetters.get(0)), "reason"))
          .isEqualTo("POWER_IMPLAUSIBLE");
      assertThat(Json.integer(Json.parseObject(deadLetters.get(0)), "sequence")).isEqualTo(9);
      assertThat(storedSequences(h, gateway, meteringPoint))
          .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 10L, 11L, 12L);
      JsonArray gaps = readings(h, gateway, meteringPoint).getJsonArray("chainRestarts");
      assertThat(gaps).hasSize(1);
      JsonObject gap = gaps.getJsonObject(0);
      assertThat(gap.getString("reason")).isEqualTo("POWER_IMPLAUSIBLE");
      assertThat(gap.getLong("lastSequence")).isEqualTo(8);
      assertThat(gap.getLong("resumeSequence")).isEqualTo(10);
      assertThat(Instant.parse(gap.getString("gapTo"))).isEqualTo(later.plusSeconds(60));
      journal.close();
    }
  }

  private static void append(Journal journal, PrivateKey key, Instant takenAt, int powerW)
      throws IOException {
    long sequence = journal.nextSequence();
    MeterReading r =
        new MeterReading(
            MeterReading.VERSION_1,
            key.publicKey(),
            0,
            sequence,
            takenAt,
            1_000 + 10 * sequence,
            0,
            powerW,
            230_000,
            EnumSet.noneOf(ReadingFlag.class),
            journal.lastHash());
    SignedReading s = SignedReading.sign(r, key);
    journal.append(new JournalEntry(sequence, takenAt, false, s.hash(), s.encode()));
  }

  private static void drain(Uploader uploader) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (uploader.depth() > 0 && System.nanoTime() < deadline) {
      uploader.drain(
          () -> System.nanoTime() < deadline, Duration.ofMillis(5), Duration.ofMillis(50));
    }
  }

  private static JsonObject readings(
      PlatformHarness h, PlatformHarness.Gateway gateway, long meteringPoint) {
    return h.api
        .get(
            "/readings?meteringPoint="
                + meteringPoint
                + "&from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z",
            gateway.ownerToken())
        .bodyAsJsonObject();
  }

  private static List<Long> storedSequences(
      PlatformHarness h, PlatformHarness.Gateway gateway, long meteringPoint) {
    return readings(h, gateway, meteringPoint).getJsonArray("readings").stream()
        .map(o -> ((JsonObject) o).getJsonObject("reading").getLong("sequence"))
        .toList();
  }
}
