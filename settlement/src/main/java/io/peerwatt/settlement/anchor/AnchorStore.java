package io.peerwatt.settlement.anchor;

import io.peerwatt.protocol.anchor.AnchorItemKind;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where anchors and their leaves (index and salt per item) are kept. Implementations are
 * thread-safe.
 */
public interface AnchorStore {

  /** An item's leaf and the anchor holding it. */
  record LeafAt(AnchoredLeaf leaf, AnchorRecord anchor) {}

  /** Stores a broadcast anchor with every leaf of its batch, atomically. */
  void save(AnchorRecord anchor, AnchorBatch batch);

  /** True when the item is already in some anchor. */
  boolean isAnchored(AnchorItemKind kind, String ref);

  /** Those of {@code refs} (items of one kind) that are already in some anchor. */
  default Set<String> anchored(AnchorItemKind kind, Collection<String> refs) {
    Set<String> out = new HashSet<>();
    for (String ref : refs) {
      if (isAnchored(kind, ref)) {
        out.add(ref);
      }
    }
    return out;
  }

  /** Anchors not yet seen mined, oldest first. */
  List<AnchorRecord> unmined();

  /** Records the anchor's block, BUMP and header (replacing those of a block a reorg took away). */
  void markMined(String txid, long blockHeight, byte[] bump, byte[] header);

  /** Anchors mined at {@code fromHeight} or above, oldest first. */
  List<AnchorRecord> minedSince(long fromHeight);

  /** Forgets the block, BUMP and header of an anchor whose block left the best chain. */
  void markUnmined(String txid);

  /** The item's leaf (the first anchor holding it). */
  Optional<LeafAt> leaf(AnchorItemKind kind, String ref);

  /** Every leaf hash of the anchor's tree, in leaf order. */
  List<byte[]> leafHashes(String txid);

  /** Anchors whose key is {@code anchorKey}, oldest first. */
  List<AnchorRecord> anchorsFor(String anchorKey);
}
