package io.peerwatt.gateway.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.peerwatt.gateway.journal.Journal;
import io.peerwatt.gateway.journal.JournalEntry;
import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.keys.PublicKey;
import io.peerwatt.protocol.keys.SignatureCheck;
import io.peerwatt.protocol.reading.BatchAndEnrolmentSigning;
import io.peerwatt.protocol.reading.ChainRestart;
import io.peerwatt.protocol.reading.MeterReading;
import io.peerwatt.protocol.reading.ReadingCodec;
import io.peerwatt.protocol.reading.SignedReading;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads to a real HTTP server that fails, loses answers and acknowledges at random: every reading
 * arrives exactly once, permanently refused ones land in the dead-letter file after a signed chain
 * restart, the journals drain.
 */
class UploadTest {
  private static final int READINGS_PER_CHANNEL = 150;
  private static final int SERVER_MAX_BATCH = 80;

  @TempDir Path dataDir;
  private final PrivateKey key = PrivateKey.generate(new SecureRandom());
  private HttpServer server;

  /**
   * The platform's view: stored readings by "channel/sequence", and how often each was accepted.
   */
  private final Map<String, Integer> acceptedCount = new ConcurrentHashMap<>();

  private final Set<String> rejected = ConcurrentHashMap.newKeySet();

  /** Positions a recorded chain restart skipped ("channel/sequence"). */
  private final Set<String> restartedPast = ConcurrentHashMap.newKeySet();

  private final AtomicInteger badRestarts = new AtomicInteger();
  private final Set<String> nonces = ConcurrentHashMap.newKeySet();
  private final AtomicInteger reusedNonces = new AtomicInteger();
  private final AtomicInteger badSignatures = new AtomicInteger();
  private final AtomicInteger tooLarge = new AtomicInteger();
  private final Random chaos = new Random(42);

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  void everyReadingArrivesExactlyOnceThroughFailuresAndLostAnswers() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/api/v1/readings/restarts", this::handleRestart);
    server.createContext("/api/v1/readings", this::handle);
    server.start();
    URI platform = URI.create("http://127.0.0.1:" + server.getAddress().getPort());

    Map<Integer, Journal> journals = new LinkedHashMap<>();
    for (int channel : List.of(0, 1)) {
      Journal journal = Journal.open(dataDir.resolve("journal-" + channel), 1 << 22, 1 << 16);
      fill(journal, channel);
      journals.put(channel, journal);
    }
    Uploader uploader =
        new Uploader(
            platform,
            key,
            journals,
            dataDir,
            Clock.systemUTC(),
            new PlatformHttp(Duration.ofSeconds(5)),
            100,
            Duration.ofSeconds(5));
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (uploader.depth() > 0 && System.nanoTime() < deadline) {
      uploader.drain(
          () -> System.nanoTime() < deadline, Duration.ofMillis(1), Duration.ofMillis(20));
    }

    assertThat(uploader.depth()).isZero();
    assertThat(badSignatures).hasValue(0);
    assertThat(badRestarts).hasValue(0);
    assertThat(reusedNonces).as("a new nonce on every send").hasValue(0);
    assertThat(tooLarge.get()).as("the 413 path was exercised").isPositive();
    Set<String> all = new HashSet<>();
    for (int channel : List.of(0, 1)) {
      for (int seq = 1; seq <= READINGS_PER_CHANNEL; seq++) {
        all.add(channel + "/" + seq);
      }
    }
    Set<String> arrived = new HashSet<>(acceptedCount.keySet());
    arrived.addAll(rejected);
    assertThat(arrived).isEqualTo(all);
    assertThat(acceptedCount.values()).allMatch(n -> n == 1);
    assertThat(rejected).isNotEmpty();
    List<String> deadLetters = Files.readAllLines(dataDir.resolve(Uploader.DEAD_LETTER_FILE));
    Set<String> deadLettered = new HashSet<>();
    for (String line : deadLetters) {
      Map<String, Object> m = Json.parseObject(line);
      // refused, then restarted past; or, when the restart's answer was lost, found stale on resend
      assertThat(Json.string(m, "reason")).isIn("POWER_IMPLAUSIBLE", "STALE_SEQUENCE");
      assertThat(deadLettered.add(Json.integer(m, "channel") + "/" + Json.integer(m, "sequence")))
          .as("dead-lettered once")
          .isTrue();
    }
    assertThat(deadLettered).isEqualTo(rejected);
    assertThat(restartedPast).isEqualTo(rejected);
    for (Journal journal : journals.values()) {
      journal.close();
    }
  }

  private void fill(Journal journal, int channel) throws IOException {
    Instant t = Instant.parse("2026-11-25T10:00:00Z");
    for (int i = 0; i < READINGS_PER_CHANNEL; i++) {
      long seq = journal.nextSequence();
      MeterReading r =
          new MeterReading(
              1,
              key.publicKey(),
              channel,
              seq,
              t.plusSeconds(60 * seq),
              1_000 + seq,
              0,
              500,
              230_000,
              Set.of(),
              journal.lastHash());
      SignedReading s = SignedReading.sign(r, key);
      journal.append(new JournalEntry(seq, r.takenAt(), seq % 15 == 0, s.hash(), s.encode()));
    }
  }

  /** A platform that checks everything and misbehaves at random. */
  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      int dice = chaos.nextInt(100);
      if (dice < 15) {
        respond(exchange, 503, "{\"error\":\"busy\"}");
        return;
      }
      if (dice < 20) {
        respond(exchange, 429, "{\"error\":\"slow down\"}");
        return;
      }
      Map<String, Object> body =
          Json.parseObject(
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      Json.requireOnly(body, "batch", "deviceKey", "batchNonce", "sentAt", "readings", "signature");
      PublicKey device = PublicKey.fromHex(Json.string(body, "deviceKey"));
      byte[] nonce = HexFormat.of().parseHex(Json.string(body, "batchNonce"));
      if (!nonces.add(Json.string(body, "batchNonce"))) {
        reusedNonces.incrementAndGet();
      }
      Instant sentAt = ReadingCodec.parseInstant(Json.string(body, "sentAt"), "sentAt");
      List<Object> items = Json.array(body, "readings");
      if (items.size() > SERVER_MAX_BATCH) {
        tooLarge.incrementAndGet();
        respond(exchange, 413, "{\"error\":\"too many readings\"}");
        return;
      }
      List<SignedReading> readings = new ArrayList<>();
      List<byte[]> hashes = new ArrayList<>();
      for (Object item : items) {
        @SuppressWarnings("unchecked")
        SignedReading s = SignedReading.fromJson((Map<String, Object>) item);
        readings.add(s);
        hashes.add(s.hash());
      }
      byte[] digest = BatchAndEnrolmentSigning.batchDigest(nonce, sentAt, hashes);
      if (!device.equals(key.publicKey())
          || !device.verify(digest, HexFormat.of().parseHex(Json.string(body, "signature")))) {
        badSignatures.incrementAndGet();
        respond(exchange, 401, "{\"error\":\"bad batch signature\"}");
        return;
      }
      List<Object> results = new ArrayList<>();
      int accepted = 0;
      int duplicates = 0;
      int rejectedCount = 0;
      for (SignedReading s : readings) {
        String id = s.reading().channel() + "/" + s.reading().sequence();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("sequence", s.reading().sequence());
        if (s.verify() != SignatureCheck.VALID) {
          badSignatures.incrementAndGet();
          result.put("status", "rejected");
          result.put("reason", "BAD_SIGNATURE");
        } else if (restartedPast.contains(id)) {
          // the chain was restarted past it: the platform's chain is ahead of a resend
          result.put("status", "rejected");
          result.put("reason", "STALE_SEQUENCE");
          result.put("chainHead", head(s.reading().sequence(), s.hash()));
          rejectedCount++;
        } else if (rejected.contains(id)) {
          // a resend of a rejected reading is rejected again, with the same reason
          result.put("status", "rejected");
          result.put("reason", "POWER_IMPLAUSIBLE");
          result.put("chainHead", head(s.reading().sequence() - 1, s.reading().prevHash()));
          rejectedCount++;
        } else if (acceptedCount.containsKey(id)) {
          result.put("status", "duplicate");
          result.put("reason", null);
          duplicates++;
        } else if (s.reading().sequence() % 37 == 0) {
          rejected.add(id);
          result.put("status", "rejected");
          result.put("reason", "POWER_IMPLAUSIBLE");
          result.put("chainHead", head(s.reading().sequence() - 1, s.reading().prevHash()));
          rejectedCount++;
        } else {
          acceptedCount.merge(id, 1, Integer::sum);
          result.put("status", "accepted");
          result.put("reason", null);
          accepted++;
        }
        results.add(result);
      }
      if (dice < 35) {
        // stored, but the answer is lost: the gateway must resend and get duplicates back
        respond(exchange, 500, "{\"error\":\"lost answer\"}");
        return;
      }
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("results", results);
      answer.put("accepted", accepted);
      answer.put("duplicates", duplicates);
      answer.put("rejected", rejectedCount);
      respond(exchange, 200, Json.write(answer));
    } catch (FormatException | IllegalArgumentException e) {
      respond(exchange, 400, "{\"error\":\"" + e.getMessage().replace('"', '\'') + "\"}");
    }
  }

  private static Map<String, Object> head(long sequence, byte[] hash) {
    Map<String, Object> head = new LinkedHashMap<>();
    head.put("sequence", sequence);
    head.put("hash", HexFormat.of().formatHex(hash));
    return head;
  }

  /**
   * Chain restarts: each must be signed by the device and skip exactly the refused reading, from
   * the head the refusal named; an answer is lost now and then.
   */
  private void handleRestart(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (chaos.nextInt(100) < 15) {
        respond(exchange, 503, "{\"error\":\"busy\"}");
        return;
      }
      ChainRestart.Signed signed =
          ChainRestart.Signed.fromJson(
              Json.parseObject(
                  new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
      ChainRestart restart = signed.restart();
      String skipped = restart.channel() + "/" + (restart.resumeSequence() - 1);
      if (signed.verify() != SignatureCheck.VALID
          || !restart.deviceKey().equals(key.publicKey())
          || restart.lastSequence() != restart.resumeSequence() - 2
          || !rejected.contains(skipped)) {
        badRestarts.incrementAndGet();
        respond(exchange, 400, "{\"error\":\"unexpected restart\"}");
        return;
      }
      restartedPast.add(skipped);
      if (chaos.nextInt(100) < 20) {
        respond(exchange, 500, "{\"error\":\"lost answer\"}");
        return;
      }
      respond(exchange, 201, "{\"duplicate\":false}");
    } catch (FormatException | IllegalArgumentException e) {
      badRestarts.incrementAndGet();
      respond(exchange, 400, "{\"error\":\"malformed restart\"}");
    }
  }

  private static void respond(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
