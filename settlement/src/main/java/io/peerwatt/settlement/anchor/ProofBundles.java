package io.peerwatt.settlement.anchor;

import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.anchor.AnchorItemKind;
import io.peerwatt.protocol.anchor.AnchorProof;
import io.peerwatt.protocol.anchor.AnchorTree;
import io.peerwatt.protocol.anchor.ProofBundle;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.spv.Bump;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the proof bundle (protocol/PROOF-BUNDLE.md) of one anchored item from the anchor store,
 * the item's evidence and the platform key. A bundle carries only its item, its salt and the
 * sibling hashes on its path, so nothing of any other item is revealed. Needs no chain access: the
 * BUMP and header were stored when the anchor was mined.
 */
public final class ProofBundles {
  /**
   * Most leaves the trees kept for the next proof hold together (about 64 bytes each: 64 MB). A
   * mined anchor's leaves never change, and gateways ask for proofs of many items of the same few
   * anchors, so each tree is read and built once, not once per proof.
   */
  static final long CACHED_LEAVES = 1_000_000;

  private final AnchorStore store;

  /** Mined anchors' trees by txid, least recently used first. */
  private final Map<String, AnchorTree> minedTrees = new LinkedHashMap<>(16, 0.75f, true);

  private final long cachedLeavesAtMost;
  private long cachedLeaves;
  private final AnchorSource source;
  private final PrivateKey platformKey;

  /**
   * @param platformKey signs SHA-256 of trades, statements, reports and enrolments (the verifier's
   *     DEVICE_SIGNATURE step)
   */
  public ProofBundles(AnchorStore store, AnchorSource source, PrivateKey platformKey) {
    this(store, source, platformKey, CACHED_LEAVES);
  }

  /** As above, keeping trees of at most {@code cachedLeaves} leaves (and always the last one). */
  ProofBundles(AnchorStore store, AnchorSource source, PrivateKey platformKey, long cachedLeaves) {
    this.store = store;
    this.source = source;
    this.platformKey = platformKey;
    this.cachedLeavesAtMost = cachedLeaves;
  }

  /** Where an item stands. */
  public enum ProofState {
    NOT_ANCHORED,
    NOT_MINED,
    PROVABLE
  }

  /**
   * @param state where the item stands
   * @param bundle the bundle when {@link ProofState#PROVABLE}, else null
   * @param anchorTxid the anchor transaction, null when not anchored
   */
  public record Answer(ProofState state, ProofBundle bundle, String anchorTxid) {}

  public Answer bundle(AnchorItemKind kind, String ref) {
    Optional<AnchorStore.LeafAt> at = store.leaf(kind, ref);
    if (at.isEmpty()) {
      return new Answer(ProofState.NOT_ANCHORED, null, null);
    }
    AnchorRecord anchor = at.get().anchor();
    if (!anchor.isMined()) {
      return new Answer(ProofState.NOT_MINED, null, anchor.txid());
    }
    AnchorSource.Evidence evidence;
    if (kind == AnchorItemKind.REPORT) {
      evidence = new AnchorSource.Evidence(HexFormat.of().parseHex(ref), null, null);
    } else {
      Optional<AnchorSource.Evidence> found = source.evidence(kind, ref);
      if (found.isEmpty()) {
        return new Answer(ProofState.NOT_ANCHORED, null, anchor.txid());
      }
      evidence = found.get();
    }
    AnchorTree tree = minedTree(anchor.txid());
    AnchorProof proof = tree.proof(at.get().leaf().leafIndex());
    byte[] signature =
        kind == AnchorItemKind.READING
            ? evidence.deviceSignature()
            : platformKey.signDer(Hashes.sha256(evidence.bytes()));
    ProofBundle bundle =
        new ProofBundle(
            kind,
            evidence.bytes(),
            signature,
            evidence.certificate(),
            at.get().leaf().salt(),
            proof,
            anchor.rawTx(),
            ownPath(anchor.rawTx(), anchor.bump()),
            List.of(anchor.header()));
    return new Answer(ProofState.PROVABLE, bundle, anchor.txid());
  }

  /** The tree of a mined anchor, built from its stored leaves on first use. */
  private AnchorTree minedTree(String txid) {
    synchronized (minedTrees) {
      AnchorTree cached = minedTrees.get(txid);
      if (cached != null) {
        return cached;
      }
    }
    AnchorTree built = AnchorTree.build(store.leafHashes(txid));
    synchronized (minedTrees) {
      if (minedTrees.putIfAbsent(txid, built) == null) {
        cachedLeaves += built.size();
        Iterator<AnchorTree> eldest = minedTrees.values().iterator();
        while (cachedLeaves > cachedLeavesAtMost && minedTrees.size() > 1) {
          cachedLeaves -= eldest.next().size();
          eldest.remove();
        }
      }
    }
    return built;
  }

  /**
   * The anchor transaction's own minimal path from the stored BUMP (a backend may answer with a
   * BUMP of several txids of the block): only the anchor txid flagged (0x02), one sibling per
   * level, as the bundle verifiers require.
   */
  static byte[] ownPath(byte[] anchorRawTx, byte[] storedBump) {
    return Bump.decode(storedBump).extract(Hashes.sha256d(anchorRawTx)).encode();
  }
}
