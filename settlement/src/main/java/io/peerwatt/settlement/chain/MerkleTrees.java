package io.peerwatt.settlement.chain;

import io.peerwatt.protocol.Hashes;
import java.util.ArrayList;
import java.util.List;

/**
 * The block Merkle tree of Bitcoin: leaves are txids (internal byte order), a node is the double
 * SHA-256 of its two children concatenated, and an odd last node at any level is paired with itself.
 */
public final class MerkleTrees {
  private MerkleTrees() {}

  /** The root over {@code txids} (internal byte order); the only txid itself when there is one. */
  public static byte[] root(List<byte[]> txids) {
    if (txids.isEmpty()) {
      throw new IllegalArgumentException("a block has at least one transaction");
    }
    List<byte[]> level = new ArrayList<>(txids);
    while (level.size() > 1) {
      level = parentLevel(level);
    }
    return level.get(0).clone();
  }

  /** Every level from the leaves (index 0) up to the root (last, one element). */
  static List<List<byte[]>> levels(List<byte[]> txids) {
    List<List<byte[]>> levels = new ArrayList<>();
    List<byte[]> level = new ArrayList<>(txids);
    levels.add(level);
    while (level.size() > 1) {
      level = parentLevel(level);
      levels.add(level);
    }
    return levels;
  }

  static byte[] parent(byte[] left, byte[] right) {
    byte[] both = new byte[64];
    System.arraycopy(left, 0, both, 0, 32);
    System.arraycopy(right, 0, both, 32, 32);
    return Hashes.sha256d(both);
  }

  private static List<byte[]> parentLevel(List<byte[]> level) {
    List<byte[]> up = new ArrayList<>((level.size() + 1) / 2);
    for (int i = 0; i < level.size(); i += 2) {
      byte[] left = level.get(i);
      byte[] right = i + 1 < level.size() ? level.get(i + 1) : left;
      up.add(parent(left, right));
    }
    return up;
  }
}
