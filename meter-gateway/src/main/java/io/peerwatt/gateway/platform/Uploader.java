package io.peerwatt.gateway.platform;

import io.peerwatt.gateway.journal.Journal;
import io.peerwatt.gateway.journal.JournalEntry;
import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.reading.BatchAndEnrolmentSigning;
import io.peerwatt.protocol.reading.ReadingCodec;
import io.peerwatt.protocol.reading.SignedReading;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uploads journaled readings to {@code POST {platform}/api/v1/readings} (contract in {@code
 * openapi/readings.yaml}) one channel at a time, so a result's {@code sequence} is unambiguous.
 *
 * <p>A reading leaves its journal only when the platform answered 200 and its result is {@code
 * accepted} or {@code duplicate}; a {@code rejected} one is first appended (fsynced) to {@code
 * dead-letter.jsonl} with its reason and logged at ERROR. Anything else (no answer, 429, 5xx, 400,
 * 401) leaves the journal untouched and is retried with exponential backoff and full jitter; a
 * resend carries the same readings with a new nonce and timestamp (idempotent on the platform by
 * device, channel and sequence). 413 halves the batch size.
 */
public final class Uploader {
  private static final Logger log = LoggerFactory.getLogger(Uploader.class);
  static final String DEAD_LETTER_FILE = "dead-letter.jsonl";

  /** The platform's per-batch maximum. */
  public static final int MAX_BATCH = 500;

  /**
   * Result of one upload round; {@code status} is the HTTP status, 0 when no answer came, -1 when a
   * 200 answer could not be read (nothing is acknowledged then).
   */
  public record Round(
      int channel, int sent, int accepted, int duplicates, int rejected, int status, String error) {
    public boolean succeeded() {
      return status == 200;
    }
  }

  private final URI readingsUri;
  private final PrivateKey key;
  private final Map<Integer, Journal> journals;
  private final Path dataDir;
  private final Clock clock;
  private final PlatformHttp http;
  private final Random random;
  private final Duration requestTimeout;
  private int batchSize;
  private volatile Round lastRound;
  private volatile Instant lastSuccessAt;

  public Uploader(
      URI platform,
      PrivateKey key,
      Map<Integer, Journal> journals,
      Path dataDir,
      Clock clock,
      PlatformHttp http,
      int batchSize,
      Duration requestTimeout) {
    this.readingsUri = platform.resolve("/api/v1/readings");
    this.key = key;
    this.journals = Map.copyOf(journals);
    this.dataDir = dataDir;
    this.clock = clock;
    this.http = http;
    this.batchSize = Math.min(batchSize, MAX_BATCH);
    this.random = new SecureRandom();
    this.requestTimeout = requestTimeout;
  }

  /** Total unacknowledged readings over all channels. */
  public int depth() {
    return journals.values().stream().mapToInt(Journal::depth).sum();
  }

  public Round lastRound() {
    return lastRound;
  }

  public Instant lastSuccessAt() {
    return lastSuccessAt;
  }

  /**
   * Sends one batch from the first channel with pending readings; null when nothing is pending.
   * Never throws for network or platform trouble: that is in the returned {@link Round}.
   */
  public Round uploadOnce() throws IOException {
    for (Map.Entry<Integer, Journal> e : new java.util.TreeMap<>(journals).entrySet()) {
      List<JournalEntry> pending = e.getValue().pending(batchSize);
      if (!pending.isEmpty()) {
        Round round = send(e.getKey(), e.getValue(), pending);
        lastRound = round;
        if (round.succeeded()) {
          lastSuccessAt = clock.instant();
        }
        return round;
      }
    }
    return null;
  }

  /**
   * Uploads until every journal is drained or {@code keepGoing} turns false, backing off
   * exponentially (1 s doubling to {@code maxBackoff}, full jitter) after each failure.
   */
  public void drain(
      java.util.function.BooleanSupplier keepGoing, Duration firstBackoff, Duration maxBackoff)
      throws IOException, InterruptedException {
    int failures = 0;
    while (keepGoing.getAsBoolean()) {
      Round round = uploadOnce();
      if (round == null) {
        return;
      }
      if (round.succeeded()) {
        failures = 0;
        continue;
      }
      failures++;
      long capMs =
          Math.min(maxBackoff.toMillis(), firstBackoff.toMillis() << Math.min(failures - 1, 20));
      long sleepMs = 1 + (long) random.nextInt((int) Math.max(1, capMs));
      log.warn(
          "upload failed ({}{}); retry {} in {} ms",
          round.status() == 0 ? "no answer" : "HTTP " + round.status(),
          round.error() == null ? "" : ": " + round.error(),
          failures,
          sleepMs);
      Thread.sleep(sleepMs);
    }
  }

  private Round send(int channel, Journal journal, List<JournalEntry> pending) throws IOException {
    byte[] nonce = new byte[16];
    random.nextBytes(nonce);
    Instant sentAt = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    List<Object> readings = new ArrayList<>();
    List<byte[]> hashes = new ArrayList<>();
    Map<Long, JournalEntry> bySequence = new HashMap<>();
    for (JournalEntry entry : pending) {
      SignedReading signed = SignedReading.decode(entry.signedReading());
      readings.add(signed.toJson());
      hashes.add(entry.readingHash());
      bySequence.put(entry.sequence(), entry);
    }
    byte[] signature = key.signDer(BatchAndEnrolmentSigning.batchDigest(nonce, sentAt, hashes));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("deviceKey", key.publicKey().hex());
    body.put("batchNonce", HexFormat.of().formatHex(nonce));
    body.put("sentAt", ReadingCodec.formatInstant(sentAt));
    body.put("readings", readings);
    body.put("signature", HexFormat.of().formatHex(signature));
    PlatformHttp.Response response;
    try {
      response = PlatformClient.postJson(http, readingsUri, requestTimeout, body);
    } catch (IOException e) {
      return new Round(channel, pending.size(), 0, 0, 0, 0, e.toString());
    }
    int status = response.status();
    if (status != 200) {
      if (status == 413 && batchSize > 1) {
        batchSize = Math.max(1, batchSize / 2);
        log.warn("platform says the batch is too large (413); batch size now {}", batchSize);
      } else if (status == 401) {
        log.error(
            "PLATFORM REFUSED THE DEVICE (401): unknown, revoked or bad batch signature; run"
                + " 'peerwatt gateway enroll'. Readings stay in the journal. {}",
            abbreviate(response.body()));
      } else if (status == 400) {
        log.error("PLATFORM SAYS THE BATCH IS MALFORMED (400): {}", abbreviate(response.body()));
      }
      return new Round(channel, pending.size(), 0, 0, 0, status, abbreviate(response.body()));
    }
    return applyResults(channel, journal, pending, bySequence, response.body());
  }

  private Round applyResults(
      int channel,
      Journal journal,
      List<JournalEntry> pending,
      Map<Long, JournalEntry> bySequence,
      String responseBody)
      throws IOException {
    List<ItemResult> results = new ArrayList<>();
    try {
      for (Object item : Json.array(Json.parseObject(responseBody), "results")) {
        if (!(item instanceof Map<?, ?>)) {
          throw new FormatException("results[] must hold objects");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) item;
        Object reason = result.get("reason");
        results.add(
            new ItemResult(
                Json.integer(result, "sequence"),
                Json.string(result, "status"),
                reason instanceof String r ? r : "unspecified"));
      }
    } catch (FormatException e) {
      log.error(
          "platform answered 200 with a body that is not the readings result: {}", e.getMessage());
      return new Round(
          channel, pending.size(), 0, 0, 0, -1, "unreadable 200 answer: " + e.getMessage());
    }
    Map<Long, Boolean> handled = new HashMap<>();
    int accepted = 0;
    int duplicates = 0;
    int rejected = 0;
    for (ItemResult result : results) {
      long sequence = result.sequence();
      JournalEntry entry = bySequence.get(sequence);
      if (entry == null) {
        log.warn("platform result for sequence {} that was not in the batch; ignored", sequence);
        continue;
      }
      switch (result.status()) {
        case "accepted" -> {
          accepted++;
          handled.put(sequence, true);
        }
        case "duplicate" -> {
          duplicates++;
          handled.put(sequence, true);
        }
        case "rejected" -> {
          deadLetter(channel, entry, result.reason());
          rejected++;
          handled.put(sequence, true);
        }
        default ->
            log.warn(
                "platform result status {} for sequence {} not understood; will resend",
                result.status(),
                sequence);
      }
    }
    // acknowledge the contiguous prefix; anything after a gap is resent and comes back duplicate
    long through = journal.ackedThrough();
    for (JournalEntry entry : pending) {
      if (!handled.containsKey(entry.sequence())) {
        break;
      }
      through = entry.sequence();
    }
    journal.acknowledgeThrough(through);
    return new Round(channel, pending.size(), accepted, duplicates, rejected, 200, null);
  }

  private record ItemResult(long sequence, String status, String reason) {}

  private void deadLetter(int channel, JournalEntry entry, String reason) throws IOException {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put(
        "deadLetteredAt",
        ReadingCodec.formatInstant(clock.instant().truncatedTo(ChronoUnit.MILLIS)));
    line.put("channel", channel);
    line.put("sequence", entry.sequence());
    line.put("reason", reason);
    line.put("reading", SignedReading.decode(entry.signedReading()).toJson());
    byte[] bytes = (Json.write(line) + "\n").getBytes(StandardCharsets.UTF_8);
    try (FileChannel ch =
        FileChannel.open(
            dataDir.resolve(DEAD_LETTER_FILE),
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.APPEND)) {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(false);
    }
    log.error(
        "PLATFORM REJECTED reading channel {} #{} ({}): moved to {}",
        channel,
        entry.sequence(),
        reason,
        dataDir.resolve(DEAD_LETTER_FILE));
  }

  private static String abbreviate(String text) {
    return text.length() > 300 ? text.substring(0, 300) + "..." : text;
  }
}
