package io.peerwatt.settlement.anchor;

import io.peerwatt.protocol.anchor.AnchorPayload;
import io.peerwatt.protocol.anchor.AnchorTree;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The pure part of anchoring: fresh salts for a list of items, the salted leaves, the anchor tree
 * and the OP_RETURN payload committing to its root. The leaf order is the order of the items.
 *
 * @param anchorKey what the anchor stands for ("slot:ZONE:INTERVAL", "enrolments:INTERVAL",
 *     "report:HASH")
 * @param slotInterval the ISO 8601 interval written into the payload
 * @param leaves one per item, in tree order
 * @param tree the anchor tree over the leaves
 * @param payload the anchor output's payload
 */
public record AnchorBatch(
    String anchorKey,
    String slotInterval,
    List<AnchoredLeaf> leaves,
    AnchorTree tree,
    AnchorPayload payload) {

  public AnchorBatch {
    leaves = List.copyOf(leaves);
  }

  /**
   * Salts and builds the tree; {@code items} must not be empty and references must be unique per
   * kind.
   */
  public static AnchorBatch build(
      String anchorKey, String slotInterval, List<AnchorItem> items, SecureRandom random) {
    if (items.isEmpty()) {
      throw new IllegalArgumentException("nothing to anchor for " + anchorKey);
    }
    Set<String> seen = new HashSet<>();
    List<AnchoredLeaf> leaves = new ArrayList<>(items.size());
    List<byte[]> hashes = new ArrayList<>(items.size());
    for (AnchorItem item : items) {
      if (!seen.add(item.kind().code() + ":" + item.ref())) {
        throw new IllegalArgumentException(
            "item " + item.kind().jsonName() + " " + item.ref() + " appears twice");
      }
      byte[] salt = new byte[AnchorTree.SALT_LENGTH];
      random.nextBytes(salt);
      byte[] leafHash = AnchorTree.leafHash(item.kind(), salt, item.bytes());
      leaves.add(new AnchoredLeaf(item.kind(), item.ref(), leaves.size(), salt, leafHash));
      hashes.add(leafHash);
    }
    AnchorTree tree = AnchorTree.build(hashes);
    return new AnchorBatch(
        anchorKey,
        slotInterval,
        leaves,
        tree,
        AnchorPayload.of(slotInterval, tree.size(), tree.root()));
  }
}
