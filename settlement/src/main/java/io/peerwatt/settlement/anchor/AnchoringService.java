package io.peerwatt.settlement.anchor;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.anchor.AnchorItemKind;
import io.peerwatt.protocol.bsv.P2pkhSpend;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxOutput;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.settlement.chain.BroadcastResult;
import io.peerwatt.settlement.chain.ChainBackend;
import io.peerwatt.settlement.chain.ChainHeader;
import io.peerwatt.settlement.chain.ChainUnavailableException;
import io.peerwatt.settlement.chain.TxStatus;
import io.peerwatt.settlement.wallet.HubWallet;
import io.peerwatt.settlement.wallet.TransactionWatcher;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Anchors slots (readings, trades, statements), device enrolments per quarter-hour, reports and any
 * other batch of items on chain, one transaction per batch with a 0-sat {@code OP_FALSE OP_RETURN}
 * PeerWatt anchor output, funded by the hub wallet (which chains its own unconfirmed change, so
 * anchors never wait for confirmations); follows them until mined, storing BUMP and header; and
 * builds proof bundles.
 *
 * <p>Entry points for a scheduler (all blocking, run them on a worker): {@link
 * #anchorDueSlots(Instant)} and {@link #anchorDueEnrolments(Instant)} every minute or so, {@link
 * #confirmAnchors()} after each block (or every minute). Thread-safe: anchoring runs under one lock
 * so two schedulers never anchor the same items twice.
 */
public final class AnchoringService {
  private static final Logger LOG = LoggerFactory.getLogger(AnchoringService.class);

  /**
   * How long after a quarter-hour ends its enrolments are anchored: enrolment transactions that
   * started inside it have committed by then, so they share its anchor.
   */
  public static final Duration ENROLMENT_GRACE = Duration.ofMinutes(1);

  /**
   * How long late items of an anchored slot (a reading that arrived late, a re-settled statement
   * version) gather before they go into one further anchor of the slot, rather than one small
   * anchor per pass.
   */
  public static final Duration LATE_BATCH = Duration.ofMinutes(15);

  /** When each slot key was last anchored, by the scheduler's clock. */
  private final Map<String, Instant> lastAnchoredAt = new HashMap<>();

  /**
   * Slots with items not anchored yet, looked at on every pass until they are: late items waiting
   * for {@link #LATE_BATCH}, and slots whose anchor failed (no coins, refused, an error). The
   * source reports a slot only around the time it closes or gets new items, so a slot dropped here
   * would stay unanchored.
   */
  private final Set<AnchorSource.Slot> unfinished = new java.util.LinkedHashSet<>();

  private final AnchorSource source;
  private final AnchorStore store;
  private final HubWallet wallet;
  private final ChainBackend chain;
  private final SecureRandom random;
  private final ProofBundles proofs;

  /**
   * @param platformKey the platform signing key (signs SHA-256 of non-reading items in bundles)
   */
  public AnchoringService(
      AnchorSource source,
      AnchorStore store,
      HubWallet wallet,
      ChainBackend chain,
      PrivateKey platformKey,
      SecureRandom random) {
    this.source = source;
    this.store = store;
    this.wallet = wallet;
    this.chain = chain;
    this.random = random;
    this.proofs = new ProofBundles(store, source, platformKey);
  }

  /** The anchor key of a zone's slot. */
  public static String slotKey(AnchorSource.Slot slot) {
    return "slot:" + slot.zoneCode() + ":" + slot.slotInterval();
  }

  /** The anchor key of the certificates issued in a UTC quarter-hour. */
  public static String enrolmentsKey(DeliverySlot quarterHour) {
    return "enrolments:" + quarterHour;
  }

  /**
   * Anchors, for every slot whose grace window closed, the items not anchored yet (the first time
   * all of them; later only late arrivals such as re-settled statement versions).
   */
  public synchronized List<AnchorOutcome> anchorDueSlots(Instant now) {
    List<AnchorOutcome> outcomes = new ArrayList<>();
    unfinished.addAll(source.closedSlots(now));
    for (AnchorSource.Slot slot : List.copyOf(unfinished)) {
      Optional<AnchorOutcome> outcome = anchorUnfinished(slot, now);
      outcome.ifPresent(outcomes::add);
      if (outcome.isPresent() && outcome.get().status() == AnchorOutcome.Status.NOT_FUNDED) {
        break; // the next slots would fail the same way; they stay unfinished for the next pass
      }
    }
    return outcomes;
  }

  /**
   * Anchors the items of {@code slot} not anchored yet, now, as {@link #anchorDueSlots} would: for
   * a slot its settlement just closed (its {@code SLOT_CLOSED} settlement event), without waiting
   * for the next pass. Idempotent: anchored items are not anchored again, so a repeated event or
   * the pass after it finds nothing to do; late items of a slot anchored less than {@link
   * #LATE_BATCH} ago wait for that batch, and a slot whose anchor failed stays for the next pass.
   *
   * @return the anchor's outcome; empty when there was nothing to anchor yet
   */
  public synchronized Optional<AnchorOutcome> anchorSlot(AnchorSource.Slot slot, Instant now) {
    unfinished.add(slot);
    return anchorUnfinished(slot, now);
  }

  /**
   * Anchors an unfinished slot's fresh items unless they wait for a late batch; the slot stays
   * unfinished until its items are anchored.
   */
  private Optional<AnchorOutcome> anchorUnfinished(AnchorSource.Slot slot, Instant now) {
    List<AnchorItem> items = source.items(slot);
    Map<AnchorItemKind, Set<String>> anchored = new EnumMap<>(AnchorItemKind.class);
    for (AnchorItemKind kind : AnchorItemKind.values()) {
      List<String> refs =
          items.stream().filter(i -> i.kind() == kind).map(AnchorItem::ref).toList();
      anchored.put(kind, refs.isEmpty() ? Set.of() : store.anchored(kind, refs));
    }
    List<AnchorItem> fresh =
        items.stream().filter(i -> !anchored.get(i.kind()).contains(i.ref())).toList();
    if (fresh.isEmpty()) {
      unfinished.remove(slot);
      return Optional.empty();
    }
    String key = slotKey(slot);
    Instant last = lastAnchoredAt.get(key);
    if (last == null && !store.anchorsFor(key).isEmpty()) {
      last = now; // anchored before a restart: its late items wait one batch period from now
      lastAnchoredAt.put(key, last);
    }
    if (last != null && now.isBefore(last.plus(LATE_BATCH))) {
      // late items of a slot anchored a moment ago wait to share one further anchor
      return Optional.empty();
    }
    AnchorOutcome outcome = anchor(key, slot.slotInterval(), fresh, now);
    if (outcome.status() == AnchorOutcome.Status.ANCHORED) {
      lastAnchoredAt.put(key, now);
      unfinished.remove(slot);
    }
    return Optional.of(outcome);
  }

  /**
   * Anchors the device certificates (enrolments and key rotations) not anchored yet, one anchor per
   * UTC quarter-hour of issuance with that quarter-hour as the payload's interval, once the
   * quarter-hour ended {@link #ENROLMENT_GRACE} ago. A certificate whose enrolment committed only
   * after its quarter-hour was anchored goes into a further anchor of the same key.
   */
  public synchronized List<AnchorOutcome> anchorDueEnrolments(Instant now) {
    Instant issuedBefore = DeliverySlot.containing(now.minus(ENROLMENT_GRACE)).start();
    TreeMap<DeliverySlot, List<AnchorItem>> byQuarterHour = new TreeMap<>();
    for (AnchorSource.IssuedCertificate c : source.certificatesIssuedBefore(issuedBefore)) {
      if (!store.isAnchored(c.item().kind(), c.item().ref())) {
        byQuarterHour
            .computeIfAbsent(DeliverySlot.containing(c.issuedAt()), q -> new ArrayList<>())
            .add(c.item());
      }
    }
    List<AnchorOutcome> outcomes = new ArrayList<>();
    for (Map.Entry<DeliverySlot, List<AnchorItem>> e : byQuarterHour.entrySet()) {
      AnchorOutcome outcome =
          anchor(enrolmentsKey(e.getKey()), e.getKey().toString(), e.getValue(), now);
      outcomes.add(outcome);
      if (outcome.status() == AnchorOutcome.Status.NOT_FUNDED) {
        break; // the next quarter-hours would fail the same way
      }
    }
    return outcomes;
  }

  /**
   * Anchors a utility report's SHA-256 under {@code period} (the report's interval); idempotent: a
   * report already anchored is not anchored again.
   */
  public synchronized AnchorOutcome anchorReport(byte[] reportSha256, String period, Instant now) {
    String ref = HexFormat.of().formatHex(reportSha256);
    Optional<AnchorStore.LeafAt> existing = store.leaf(AnchorItemKind.REPORT, ref);
    if (existing.isPresent()) {
      return new AnchorOutcome(
          "report:" + ref,
          AnchorOutcome.Status.ANCHORED,
          existing.get().anchor().txid(),
          1,
          "already anchored");
    }
    return anchor(
        "report:" + ref,
        period,
        List.of(new AnchorItem(AnchorItemKind.REPORT, ref, reportSha256)),
        now);
  }

  /** Builds, funds, broadcasts and stores one anchor over {@code items}. */
  public synchronized AnchorOutcome anchor(
      String anchorKey, String slotInterval, List<AnchorItem> items, Instant now) {
    AnchorBatch batch = AnchorBatch.build(anchorKey, slotInterval, items, random);
    HubWallet.PreparedSpend spend;
    try {
      spend = wallet.prepare(List.of(new TxOutput(0, batch.payload().lockingScript())));
    } catch (P2pkhSpend.InsufficientFundsException e) {
      LOG.warn("cannot anchor {}: {}", anchorKey, e.getMessage());
      return new AnchorOutcome(
          anchorKey, AnchorOutcome.Status.NOT_FUNDED, "", items.size(), e.getMessage());
    }
    Transaction tx = spend.transaction();
    String sent = "broadcast";
    try {
      BroadcastResult result = wallet.broadcast(spend, "anchor");
      if (!result.isAccepted()) {
        return new AnchorOutcome(
            anchorKey,
            AnchorOutcome.Status.REJECTED,
            tx.txidHex(),
            items.size(),
            result.reason().name() + ": " + result.detail());
      }
    } catch (ChainUnavailableException e) {
      // the wallet keeps it and the transaction watcher sends it once the chain answers: the items
      // are in it
      LOG.warn(
          "anchor {} for {}: the chain did not answer ({}); it is sent again later",
          tx.txidHex(),
          anchorKey,
          e.getMessage());
      sent = "to be sent again: " + e.getMessage();
    }
    store.save(
        new AnchorRecord(
            tx.txidHex(),
            anchorKey,
            slotInterval,
            tx.serialize(),
            batch.tree().size(),
            batch.tree().root(),
            now,
            -1,
            null,
            null),
        batch);
    LOG.info("anchored {} ({} leaves) in {}", anchorKey, items.size(), tx.txidHex());
    return new AnchorOutcome(
        anchorKey, AnchorOutcome.Status.ANCHORED, tx.txidHex(), items.size(), sent);
  }

  /**
   * Asks the chain about every unmined anchor and stores BUMP and header of those mined; first
   * checks the anchors mined in the last {@link TransactionWatcher#REORG_DEPTH} blocks: one whose
   * block left the best chain (a reorg) gets its new block's BUMP and header, or is unmined again
   * until the chain mines it anew (the {@link TransactionWatcher} sends it again if the chain lost
   * it). Returns how many anchors got a block (new or replaced).
   */
  public int confirmAnchors() {
    int mined = 0;
    long tip = chain.tip().height();
    Map<Long, String> blockAt = new HashMap<>();
    for (AnchorRecord a : store.minedSince(tip - TransactionWatcher.REORG_DEPTH)) {
      String stored = new ChainHeader(a.blockHeight(), a.header()).hashHex();
      String best =
          blockAt.computeIfAbsent(
              a.blockHeight(), h -> chain.header(h).map(ChainHeader::hashHex).orElse(""));
      if (best.equals(stored)) {
        continue;
      }
      if (confirm(a.txid())) {
        LOG.warn(
            "anchor {}: its block {} left the best chain; its proof now goes to the new block",
            a.txid(),
            stored);
        mined++;
      } else {
        store.markUnmined(a.txid());
        LOG.warn(
            "anchor {}: its block {} left the best chain; unmined until mined again",
            a.txid(),
            stored);
      }
    }
    for (AnchorRecord a : store.unmined()) {
      if (confirm(a.txid())) {
        mined++;
      }
    }
    return mined;
  }

  /** Stores the anchor's block, BUMP and header if the chain has it mined; true when it did. */
  private boolean confirm(String txid) {
    TxStatus status = chain.status(txid);
    if (status.state() != TxStatus.State.MINED) {
      return false;
    }
    Optional<ChainHeader> header = chain.header(status.blockHeight());
    if (header.isEmpty() || !header.get().hashHex().equals(status.blockHash())) {
      return false; // the backend's header view lags its transaction view (or a reorg); ask again
      // later
    }
    store.markMined(txid, status.blockHeight(), status.bump().encode(), header.get().header());
    return true;
  }

  /**
   * The item's proof bundle, when it is anchored and its anchor mined (see {@link ProofBundles}).
   */
  public ProofBundles.Answer bundle(AnchorItemKind kind, String ref) {
    return proofs.bundle(kind, ref);
  }
}
