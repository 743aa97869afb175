package io.peerwatt.gateway.platform;

import io.peerwatt.gateway.journal.DurableFiles;
import io.peerwatt.gateway.journal.Journal;
import io.peerwatt.gateway.journal.JournalEntry;
import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.encoding.StrictHex;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.reading.BatchAndEnrolmentSigning;
import io.peerwatt.protocol.reading.ChainRestart;
import io.peerwatt.protocol.reading.MeterReading;
import io.peerwatt.protocol.reading.ReadingCodec;
import io.peerwatt.protocol.reading.ReadingRefusal;
import io.peerwatt.protocol.reading.SignedReading;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
 * accepted} or {@code duplicate}, or when it was refused permanently. A refused reading is handled
 * by its reason's {@link ReadingRefusal.Remedy} (protocol/READING-FORMAT.md, section 7), so that
 * nothing metered is lost:
 *
 * <ul>
 *   <li>retryable ({@code FUTURE_TIMESTAMP}, {@code GAP}, and any reason this version does not
 *       know): it stays in the journal and is sent again later, in order, with everything after it;
 *   <li>set aside (the platform's chain is past it): appended (fsynced) to {@code
 *       dead-letter.jsonl} with its reason, logged at ERROR, and the next one follows;
 *   <li>a broken chain: the gateway signs a {@link ChainRestart} naming where the platform's chain
 *       stands (the result's {@code chainHead}) and where it resumes, at the refused reading (kept)
 *       or right after it (set aside as above); once the platform recorded the restart, the
 *       readings after it are stored again.
 * </ul>
 *
 * Anything else (no answer, 429, 5xx, 400, 401) leaves the journal untouched and is retried with
 * exponential backoff and full jitter; a resend carries the same readings with a new nonce and
 * timestamp (idempotent on the platform by device, channel and sequence). 413 halves the batch
 * size.
 */
public final class Uploader {
  private static final Logger log = LoggerFactory.getLogger(Uploader.class);
  static final String DEAD_LETTER_FILE = "dead-letter.jsonl";

  /** The platform's per-batch maximum. */
  public static final int MAX_BATCH = 500;

  /**
   * Result of one upload round; {@code status} is the HTTP status, 0 when no answer came, -1 when a
   * 200 answer could not be read (nothing is acknowledged then). {@code rejected} counts readings
   * set aside, {@code retried} readings refused for a reason that can pass (kept, sent again
   * later), {@code restarts} chain restarts the platform recorded.
   */
  public record Round(
      int channel,
      int sent,
      int accepted,
      int duplicates,
      int rejected,
      int retried,
      int restarts,
      int status,
      String error) {
    /** True when the round made the progress it could: answered, nothing waits for a retry. */
    public boolean succeeded() {
      return status == 200 && retried == 0 && error == null;
    }
  }

  private final URI readingsUri;
  private final URI restartsUri;
  private final PrivateKey key;
  private final Map<Integer, Journal> journals;
  private final Path dataDir;
  private final Clock clock;
  private final PlatformHttp http;
  private final Random random;
  private final Duration requestTimeout;
  private int batchSize;
  private int lastChannel = -1;
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
    this.restartsUri = platform.resolve("/api/v1/readings/restarts");
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
   * Sends one batch from the next channel with pending readings, taking the channels in turn; a
   * channel whose readings must wait for a retry does not hold up the others, which are tried in
   * the same call. Null when nothing is pending. Never throws for network or platform trouble: that
   * is in the returned {@link Round}.
   */
  public Round uploadOnce() throws IOException {
    List<Integer> order = new ArrayList<>(new java.util.TreeSet<>(journals.keySet()));
    int start = 0;
    while (start < order.size() && order.get(start) <= lastChannel) {
      start++;
    }
    Round last = null;
    for (int i = 0; i < order.size(); i++) {
      int channel = order.get((start + i) % order.size());
      Journal journal = journals.get(channel);
      List<JournalEntry> pending = journal.pending(batchSize);
      if (pending.isEmpty()) {
        continue;
      }
      Round round = send(channel, journal, pending);
      lastRound = round;
      lastChannel = channel;
      last = round;
      if (round.succeeded()) {
        lastSuccessAt = clock.instant();
      }
      if (round.status() != 200 || round.retried() == 0) {
        return round;
      }
    }
    return last;
  }

  /**
   * Uploads until every journal is drained or {@code keepGoing} turns false, backing off
   * exponentially (1 s doubling to {@code maxBackoff}, full jitter) after each failure; answers how
   * many batches it sent (0 when nothing was pending).
   */
  public int drain(
      java.util.function.BooleanSupplier keepGoing, Duration firstBackoff, Duration maxBackoff)
      throws IOException, InterruptedException {
    int failures = 0;
    int sent = 0;
    while (keepGoing.getAsBoolean()) {
      Round round = uploadOnce();
      if (round == null) {
        return sent;
      }
      sent++;
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
    return sent;
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
      return new Round(channel, pending.size(), 0, 0, 0, 0, 0, 0, e.toString());
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
      return new Round(channel, pending.size(), 0, 0, 0, 0, 0, status, abbreviate(response.body()));
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
    Map<Long, ItemResult> results = new HashMap<>();
    try {
      for (Object item : Json.array(Json.parseObject(responseBody), "results")) {
        if (!(item instanceof Map<?, ?>)) {
          throw new FormatException("results[] must hold objects");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) item;
        ItemResult parsed = ItemResult.of(result);
        if (bySequence.containsKey(parsed.sequence())) {
          results.put(parsed.sequence(), parsed);
        } else {
          log.warn(
              "platform result for sequence {} that was not in the batch; ignored",
              parsed.sequence());
        }
      }
    } catch (FormatException e) {
      log.error(
          "platform answered 200 with a body that is not the readings result: {}", e.getMessage());
      return new Round(
          channel, pending.size(), 0, 0, 0, 0, 0, -1, "unreadable 200 answer: " + e.getMessage());
    }
    int accepted = 0;
    int duplicates = 0;
    int rejected = 0;
    int retried = 0;
    int restarts = 0;
    String error = null;
    // acknowledge the contiguous prefix the platform is done with; the rest is sent again
    long through = journal.ackedThrough();
    for (JournalEntry entry : pending) {
      ItemResult result = results.get(entry.sequence());
      if (result == null) {
        break;
      }
      if (result.status().equals("accepted") || result.status().equals("duplicate")) {
        accepted += result.status().equals("accepted") ? 1 : 0;
        duplicates += result.status().equals("duplicate") ? 1 : 0;
        through = entry.sequence();
        continue;
      }
      if (!result.status().equals("rejected")) {
        log.warn(
            "platform result status {} for sequence {} not understood; will resend",
            result.status(),
            entry.sequence());
        break;
      }
      ReadingRefusal refusal = ReadingRefusal.ofName(result.reason());
      ReadingRefusal.Remedy remedy = remedy(refusal, result, entry);
      if (remedy == ReadingRefusal.Remedy.RETRY) {
        if (refusal == null) {
          log.warn(
              "platform refused channel {} #{} for a reason this gateway does not know ({}); kept"
                  + " and sent again later",
              channel,
              entry.sequence(),
              result.reason());
        }
        retried++;
        break;
      }
      if (remedy == ReadingRefusal.Remedy.SET_ASIDE) {
        deadLetter(channel, entry, result.reason());
        rejected++;
        through = entry.sequence();
        continue;
      }
      String refused = restart(channel, entry, refusal, result.chainHead());
      if (refused != null) {
        error = refused;
        break;
      }
      restarts++;
      if (remedy == ReadingRefusal.Remedy.RESTART_AFTER) {
        deadLetter(channel, entry, result.reason());
        rejected++;
        through = entry.sequence();
      }
      // later results were judged against the chain before the restart: send them again
      break;
    }
    journal.acknowledgeThrough(through);
    return new Round(
        channel, pending.size(), accepted, duplicates, rejected, retried, restarts, 200, error);
  }

  /**
   * What to do with a refused reading: its reason's remedy, except that a chain restart that could
   * not move the platform's chain forward (it already holds a reading at or after the resume point)
   * is a set-aside, and a reason this version does not know is retried.
   */
  private static ReadingRefusal.Remedy remedy(
      ReadingRefusal refusal, ItemResult result, JournalEntry entry) {
    if (refusal == null) {
      return ReadingRefusal.Remedy.RETRY;
    }
    ReadingRefusal.Remedy remedy = refusal.remedy();
    if (remedy == ReadingRefusal.Remedy.RESTART_AT
        || remedy == ReadingRefusal.Remedy.RESTART_AFTER) {
      long resume =
          remedy == ReadingRefusal.Remedy.RESTART_AT ? entry.sequence() : entry.sequence() + 1;
      if (result.chainHead() != null && resume <= result.chainHead().sequence()) {
        return ReadingRefusal.Remedy.SET_ASIDE;
      }
    }
    return remedy;
  }

  /**
   * Signs and sends the chain restart for {@code entry}'s permanent refusal: from where the
   * platform's chain stands ({@code head}, null when it holds none) to the refused reading itself
   * ({@code RESTART_AT}) or the one after it ({@code RESTART_AFTER}). Null when the platform
   * recorded it (now or before), else why not (the reading stays and the restart is tried again).
   */
  private String restart(int channel, JournalEntry entry, ReadingRefusal refusal, Head head)
      throws IOException {
    SignedReading refused = SignedReading.decode(entry.signedReading());
    boolean at = refusal.remedy() == ReadingRefusal.Remedy.RESTART_AT;
    ChainRestart restart =
        new ChainRestart(
            key.publicKey(),
            channel,
            head == null ? 0 : head.sequence(),
            head == null ? MeterReading.noPrevious() : head.hash(),
            at ? entry.sequence() : entry.sequence() + 1,
            at ? refused.reading().prevHash() : refused.hash(),
            refusal,
            clock.instant().truncatedTo(ChronoUnit.MILLIS));
    PlatformHttp.Response response;
    try {
      response =
          PlatformClient.postJson(http, restartsUri, requestTimeout, restart.sign(key).toJson());
    } catch (IOException e) {
      return "chain restart not sent: " + e;
    }
    if (response.status() != 200 && response.status() != 201) {
      log.error(
          "PLATFORM REFUSED THE CHAIN RESTART of channel {} at #{} (HTTP {}): {}; the reading is"
              + " kept and the restart tried again",
          channel,
          restart.resumeSequence(),
          response.status(),
          abbreviate(response.body()));
      return "chain restart refused: HTTP " + response.status();
    }
    log.error(
        "PLATFORM REFUSED channel {} #{} for good ({}): the chain restarts at #{} (restart"
            + " recorded by the platform)",
        channel,
        entry.sequence(),
        refusal,
        restart.resumeSequence());
    return null;
  }

  /** Where the platform's chain stands, as a rejected result says. */
  private record Head(long sequence, byte[] hash) {}

  private record ItemResult(long sequence, String status, String reason, Head chainHead) {
    static ItemResult of(Map<String, Object> result) {
      Object reason = result.get("reason");
      Head head = null;
      if (result.get("chainHead") instanceof Map<?, ?> h) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) h;
        head =
            new Head(
                Json.integer(m, "sequence"), StrictHex.decode(Json.string(m, "hash"), 32, "hash"));
      }
      return new ItemResult(
          Json.integer(result, "sequence"),
          Json.string(result, "status"),
          reason instanceof String r ? r : "unspecified",
          head);
    }
  }

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
    DurableFiles.append(dataDir.resolve(DEAD_LETTER_FILE), bytes);
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
