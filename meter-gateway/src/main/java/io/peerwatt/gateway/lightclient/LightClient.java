package io.peerwatt.gateway.lightclient;

import io.peerwatt.gateway.metering.ReadingSchedule;
import io.peerwatt.gateway.platform.PlatformClient;
import io.peerwatt.gateway.platform.PlatformClient.PlatformException;
import io.peerwatt.gateway.platform.PlatformHttp;
import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.anchor.BundleVerification;
import io.peerwatt.protocol.anchor.ProofBundle;
import io.peerwatt.protocol.anchor.ProofBundleVerifier;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.encoding.StrictHex;
import io.peerwatt.protocol.keys.PublicKey;
import io.peerwatt.protocol.reading.ReadingCodec;
import io.peerwatt.protocol.reading.SignedReading;
import io.peerwatt.protocol.spv.BlockHeader;
import io.peerwatt.protocol.spv.Bump;
import io.peerwatt.protocol.spv.HeaderChain;
import io.peerwatt.protocol.statement.ReadingRef;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway as a light client. It keeps its own header chain ({@link HeaderTrack}) and audits a
 * sample of its own signed readings (every reading whose sequence is a multiple of {@code
 * sampleEvery}), and every reading of its own a statement it was charged or paid for names ({@link
 * #charged}, from the wallet's statement check): once the reading's quarter-hour has ended it asks
 * the platform for the reading's proof bundle ({@code GET
 * /api/v1/gateway/proofs/readings/{channel}/{sequence}}, signed with the device key) and checks it
 * itself against its header chain, and that the anchored reading is the one it signed. It raises an
 * alarm (status, error log) when
 *
 * <ul>
 *   <li>{@code MISSING}: the platform says the reading is not anchored although a reading of a
 *       later quarter-hour (at least one whole slot later) already is;
 *   <li>{@code DIFFERS}: the anchored reading is not the one the gateway signed;
 *   <li>{@code PROOF_FAILED}: the bundle does not verify (the failing step is named);
 *   <li>{@code HEADERS}: the header source offers headers that break the chain.
 * </ul>
 *
 * Each alarm is also reported to the platform ({@code POST /api/v1/gateway/alarms}, device-signed),
 * which flags it on the portal; a report that finds no answer is sent again next round (the
 * platform stores an alarm once however often it comes).
 *
 * <p>State (pending sample, count verified, alarms and how many were reported, the platform key
 * first seen) lives in {@code light-client.json} in the data dir. The reading loop hands readings
 * over ({@link #taken}) and reads the status ({@link #status}) without waiting for a round, which
 * may wait on the network; a sampled reading handed over is written to the state file by the next
 * round.
 */
public final class LightClient {
  private static final Logger log = LoggerFactory.getLogger(LightClient.class);
  static final String STATE_FILE = "light-client.json";
  static final String HEADERS_FILE = "headers.dat";
  private static final int HEADERS_PER_REQUEST = 2_000;
  private static final int PROOFS_PER_ROUND = 50;
  private static final int MAX_ALARMS_KEPT = 100;
  private static final int MAX_ALARM_DETAIL = 500;
  private static final int MAX_RECENTLY_VERIFIED = 10_000;

  /** An alarm: what is wrong with which reading (channel and sequence -1 for header alarms). */
  public record Alarm(String kind, int channel, long sequence, String detail, Instant at) {}

  /**
   * A reading waiting for its proof.
   *
   * @param takenAt when it was taken; for a statement's reading the start of the statement's slot,
   *     which is no earlier than the reading, so a MISSING judgement never comes early
   * @param readingHashHex the reading's hash: the anchored reading must have it
   */
  record Pending(int channel, long sequence, Instant takenAt, String readingHashHex) {}

  private final LightClientConfig config;
  private final Path dataDir;
  private final URI platform;
  private final URI headerSource;
  private final PlatformClient device;
  private final PlatformHttp http;
  private final Clock clock;
  private final HeaderTrack track;
  private final List<Pending> pending = new ArrayList<>();
  private final Queue<Pending> handedOver = new ConcurrentLinkedQueue<>();
  private volatile Map<String, Object> status;
  private final List<Alarm> alarms = new ArrayList<>();
  private final LinkedHashSet<String> recentlyVerified = new LinkedHashSet<>();
  private long verifiedOnChain;
  private long alarmsRaised;
  private long alarmsReported;
  private Instant newestAnchoredSlot;
  private PublicKey platformKey;
  private String lastError;

  private LightClient(
      LightClientConfig config,
      Path dataDir,
      URI platform,
      PlatformClient device,
      PlatformHttp http,
      Clock clock,
      HeaderTrack track) {
    this.config = config;
    this.dataDir = dataDir;
    this.platform = platform;
    this.headerSource = config.headerSource().orElse(platform);
    this.device = device;
    this.http = http;
    this.clock = clock;
    this.track = track;
  }

  /** Opens the light client with the state and headers stored in {@code dataDir}. */
  public static LightClient open(
      LightClientConfig config,
      Path dataDir,
      URI platform,
      PlatformClient device,
      PlatformHttp http,
      Clock clock)
      throws IOException {
    HeaderTrack track =
        HeaderTrack.open(
            dataDir.resolve(HEADERS_FILE), config.checkpointHeight(), config.checkpointHash());
    LightClient client = new LightClient(config, dataDir, platform, device, http, clock, track);
    client.load();
    client.status = client.currentStatus();
    return client;
  }

  /** A reading the gateway signed: kept for the audit when it is in the sample. Never blocks. */
  public void taken(int channel, SignedReading signed) {
    long sequence = signed.reading().sequence();
    if (sequence % config.sampleEvery() == 0) {
      handedOver.add(
          new Pending(
              channel, sequence, signed.reading().takenAt(), StrictHex.encode(signed.hash())));
    }
  }

  /**
   * The gateway's own readings a statement of {@code slotStart} names, which its wallet checked
   * before paying or being paid: each is audited like a sampled one. Never blocks.
   */
  public void charged(Instant slotStart, List<ReadingRef> readings) {
    for (ReadingRef r : readings) {
      handedOver.add(new Pending(r.meterChannel(), r.sequence(), slotStart, r.readingHashHex()));
    }
  }

  /**
   * One round: fetches new headers, then asks for the proofs of sampled readings whose quarter-hour
   * has ended. Never throws; a platform that does not answer is asked next round.
   *
   * @return whether sampled readings still wait for their proof
   */
  public synchronized boolean step() {
    for (Pending p = handedOver.poll(); p != null; p = handedOver.poll()) {
      if (isNew(p)) {
        pending.add(p);
      }
    }
    try {
      syncHeaders();
      if (platformKey == null) {
        platformKey = fetchPlatformKey();
      }
      auditDue();
      lastError = null;
    } catch (IOException | FormatException | IllegalArgumentException e) {
      lastError = e.getMessage();
      log.debug("light client round ended early: {}", e.getMessage());
    }
    try {
      reportAlarms();
    } catch (IOException e) {
      lastError = "alarm report: " + e.getMessage();
      log.warn("light client alarms not reported to the platform yet: {}", e.getMessage());
    }
    try {
      save();
    } catch (IOException e) {
      log.warn("cannot write {}: {}", STATE_FILE, e.getMessage());
    }
    status = currentStatus();
    return !pending.isEmpty();
  }

  /**
   * Sends the platform the alarms raised since the last report answered. A report the platform
   * refuses as malformed (400) would be refused again: it is logged and not repeated.
   */
  private void reportAlarms() throws IOException {
    int unreported = (int) Math.min(alarmsRaised - alarmsReported, alarms.size());
    if (unreported <= 0) {
      return;
    }
    List<Object> report = new ArrayList<>();
    for (Alarm a : alarms.subList(alarms.size() - unreported, alarms.size())) {
      Map<String, Object> m = LightClientStateFile.alarmJson(a);
      if (a.detail().length() > MAX_ALARM_DETAIL) {
        m.put("detail", a.detail().substring(0, MAX_ALARM_DETAIL));
      }
      report.add(m);
    }
    try {
      device.post("/gateway/alarms", Map.of("alarms", report));
    } catch (PlatformException e) {
      if (e.status() != 400) {
        throw e;
      }
      log.warn("the platform refused the light client's alarm report: {}", e.getMessage());
    }
    alarmsReported = alarmsRaised;
  }

  /**
   * Whether {@code p} is not yet waiting nor among the readings verified lately (a reading both
   * sampled and charged, or in several statement versions, is audited once).
   */
  private boolean isNew(Pending p) {
    String key = p.channel() + "/" + p.sequence();
    for (Pending q : pending) {
      if (q.channel() == p.channel() && q.sequence() == p.sequence()) {
        return false;
      }
    }
    return !recentlyVerified.contains(key);
  }

  private void syncHeaders() throws IOException {
    while (true) {
      long from = track.fetchFrom();
      PlatformHttp.Response answer =
          http.send(
              "GET",
              headerSource.resolve(
                  "/api/v1/chain/headers?from=" + from + "&count=" + HEADERS_PER_REQUEST),
              Map.of(),
              null,
              Duration.ofSeconds(30));
      if (answer.status() != 200) {
        throw new IOException("headers from " + headerSource + ": status " + answer.status());
      }
      List<BlockHeader> offered = new ArrayList<>();
      for (Object item : Json.array(Json.parseObject(answer.body()), "headers")) {
        @SuppressWarnings("unchecked")
        Map<String, Object> h = (Map<String, Object>) item;
        offered.add(BlockHeader.parseHex(Json.string(h, "header")));
      }
      int gained;
      try {
        gained = track.accept(from, offered);
      } catch (HeaderTrack.BadHeaders e) {
        raise("HEADERS", -1, -1, headerSource + ": " + e.getMessage());
        return;
      }
      if (gained == 0 || offered.size() < HEADERS_PER_REQUEST) {
        return;
      }
    }
  }

  private PublicKey fetchPlatformKey() throws IOException {
    PlatformHttp.Response answer =
        http.send(
            "GET",
            platform.resolve("/api/v1/chain/platform-key"),
            Map.of(),
            null,
            Duration.ofSeconds(30));
    if (answer.status() != 200) {
      throw new IOException("platform key: status " + answer.status());
    }
    return PublicKey.fromHex(Json.string(Json.parseObject(answer.body()), "publicKey"));
  }

  /** Newest first, so a later slot's anchor is known before an older reading is judged. */
  private void auditDue() throws IOException {
    Instant now = clock.instant();
    List<Pending> due = new ArrayList<>();
    for (Pending p : pending) {
      if (!now.isBefore(slotStart(p.takenAt()).plusMillis(ReadingSchedule.QUARTER_HOUR_MS))) {
        due.add(p);
      }
    }
    due.sort(Comparator.comparing(Pending::takenAt).reversed());
    int asked = 0;
    for (Pending p : due) {
      if (asked++ == PROOFS_PER_ROUND) {
        return;
      }
      audit(p);
    }
  }

  private void audit(Pending p) throws IOException {
    Map<String, Object> answer;
    try {
      answer = device.get("/gateway/proofs/readings/" + p.channel() + "/" + p.sequence());
    } catch (PlatformException e) {
      if (e.status() == 404 && "NOT_ANCHORED".equals(e.code())) {
        Instant slot = slotStart(p.takenAt());
        if (newestAnchoredSlot != null
            && !newestAnchoredSlot.isBefore(
                slot.plus(Duration.ofMillis(2 * ReadingSchedule.QUARTER_HOUR_MS)))) {
          resolve(
              p,
              "MISSING",
              "not in the anchor of its quarter-hour "
                  + ReadingCodec.formatInstant(slot)
                  + "; readings of "
                  + ReadingCodec.formatInstant(newestAnchoredSlot)
                  + " are anchored");
        }
        return;
      }
      if (e.status() == 409 && "ANCHOR_NOT_MINED".equals(e.code())) {
        return;
      }
      throw e;
    }
    ProofBundle bundle = ProofBundle.fromJson(answer);
    if (!StrictHex.encode(Hashes.sha256(bundle.item())).equals(p.readingHashHex())) {
      resolve(p, "DIFFERS", "the anchored reading is not the one this gateway signed");
      return;
    }
    HeaderChain chain = track.chain();
    BlockHeader block = BlockHeader.parse(bundle.headers().get(0));
    if (chain == null || chain.heightOf(block.hash()) < 0) {
      long height = Bump.decode(bundle.bump()).blockHeight();
      if (height > track.tipHeight()) {
        return; // mined after our newest header: judged once the headers catch up
      }
    }
    BundleVerification verification =
        ProofBundleVerifier.verify(bundle, new ProofBundleVerifier.Trust(platformKey, chain));
    if (verification.verified()) {
      pending.remove(p);
      verifiedOnChain++;
      recentlyVerified.add(p.channel() + "/" + p.sequence());
      if (recentlyVerified.size() > MAX_RECENTLY_VERIFIED) {
        recentlyVerified.remove(recentlyVerified.iterator().next());
      }
      Instant slot = slotStart(p.takenAt());
      if (newestAnchoredSlot == null || slot.isAfter(newestAnchoredSlot)) {
        newestAnchoredSlot = slot;
      }
      return;
    }
    BundleVerification.StepResult failed = verification.firstFailure().orElseThrow();
    resolve(p, "PROOF_FAILED", failed.step().jsonName() + ": " + failed.detail());
  }

  private void resolve(Pending p, String kind, String detail) {
    pending.remove(p);
    raise(kind, p.channel(), p.sequence(), detail);
  }

  private void raise(String kind, int channel, long sequence, String detail) {
    Alarm alarm = new Alarm(kind, channel, sequence, detail, clock.instant());
    alarmsRaised++;
    alarms.add(alarm);
    if (alarms.size() > MAX_ALARMS_KEPT) {
      alarms.remove(0);
    }
    log.error(
        "light client alarm {}{}: {}",
        kind,
        sequence < 0 ? "" : " (channel " + channel + ", reading " + sequence + ")",
        detail);
  }

  private static Instant slotStart(Instant at) {
    long ms = ReadingSchedule.QUARTER_HOUR_MS;
    return Instant.ofEpochMilli(Math.floorDiv(at.toEpochMilli(), ms) * ms);
  }

  /** How many sampled readings this gateway has verified on chain itself. */
  public synchronized long verifiedOnChain() {
    return verifiedOnChain;
  }

  /** The alarms kept (the newest {@value #MAX_ALARMS_KEPT}), oldest first. */
  public synchronized List<Alarm> alarms() {
    return List.copyOf(alarms);
  }

  /** What {@code gateway status} shows under {@code lightClient}, as of the last round. */
  public Map<String, Object> status() {
    return status;
  }

  private Map<String, Object> currentStatus() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("headerSource", headerSource.toString());
    m.put("headerTipHeight", track.tipHeight());
    m.put("sampleEvery", config.sampleEvery());
    m.put("verifiedOnChain", verifiedOnChain);
    m.put("awaitingProof", pending.size());
    m.put("alarm", !alarms.isEmpty());
    m.put("alarmsRaised", alarmsRaised);
    m.put("alarmsReported", alarmsReported);
    m.put("alarms", LightClientStateFile.alarmsJson(alarms));
    m.put("lastError", lastError);
    return Collections.unmodifiableMap(m);
  }

  private void save() throws IOException {
    LightClientStateFile.State s = new LightClientStateFile.State();
    s.platformKey = platformKey;
    s.verifiedOnChain = verifiedOnChain;
    s.alarmsRaised = alarmsRaised;
    s.alarmsReported = alarmsReported;
    s.newestAnchoredSlot = newestAnchoredSlot;
    s.pending.addAll(pending);
    s.alarms.addAll(alarms);
    LightClientStateFile.save(dataDir, s);
  }

  private void load() throws IOException {
    LightClientStateFile.State s = LightClientStateFile.load(dataDir);
    platformKey = s.platformKey;
    verifiedOnChain = s.verifiedOnChain;
    alarmsRaised = s.alarmsRaised;
    alarmsReported = s.alarmsReported;
    newestAnchoredSlot = s.newestAnchoredSlot;
    pending.addAll(s.pending);
    alarms.addAll(s.alarms);
  }
}
