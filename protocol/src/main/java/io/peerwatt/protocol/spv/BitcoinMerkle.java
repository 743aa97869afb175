package io.peerwatt.protocol.spv;

import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.encoding.StrictHex;
import java.util.ArrayList;
import java.util.List;

/**
 * Bitcoin's block Merkle tree: leaves are txids (internal byte order), a node is the double SHA-256
 * of {@code left || right}, and a level with an odd number of nodes pairs its last node with
 * itself.
 */
public final class BitcoinMerkle {
  private BitcoinMerkle() {}

  /** The Merkle root of {@code txids} (internal byte order); the root of one txid is that txid. */
  public static byte[] root(List<byte[]> txids) {
    List<byte[][]> levels = levels(txids);
    return levels.get(levels.size() - 1)[0].clone();
  }

  /** sha256d(left || right). */
  public static byte[] parent(byte[] left, byte[] right) {
    byte[] both = new byte[64];
    System.arraycopy(left, 0, both, 0, 32);
    System.arraycopy(right, 0, both, 32, 32);
    return Hashes.sha256d(both);
  }

  /** Every level of the tree, level 0 = the txids, the last level = { root }. */
  public static List<byte[][]> levels(List<byte[]> txids) {
    if (txids.isEmpty()) {
      throw new IllegalArgumentException("a block has at least one transaction");
    }
    List<byte[][]> levels = new ArrayList<>();
    byte[][] level = new byte[txids.size()][];
    for (int i = 0; i < level.length; i++) {
      if (txids.get(i).length != 32) {
        throw new IllegalArgumentException("txid " + i + " is not 32 bytes");
      }
      level[i] = txids.get(i).clone();
    }
    levels.add(level);
    while (level.length > 1) {
      byte[][] next = new byte[(level.length + 1) / 2][];
      for (int i = 0; i < next.length; i++) {
        byte[] left = level[2 * i];
        byte[] right = 2 * i + 1 < level.length ? level[2 * i + 1] : left;
        next[i] = parent(left, right);
      }
      levels.add(next);
      level = next;
    }
    return levels;
  }

  /** Reverses a hash between internal byte order and the display order used in hex. */
  public static byte[] reversed(byte[] hash) {
    byte[] out = new byte[hash.length];
    for (int i = 0; i < hash.length; i++) {
      out[i] = hash[hash.length - 1 - i];
    }
    return out;
  }

  /** Hex of a hash in display order (txids, block hashes, Merkle roots as explorers show them). */
  public static String toDisplayHex(byte[] internalOrder) {
    return StrictHex.encode(reversed(internalOrder));
  }

  /** Internal byte order of a 64-digit display-order hex hash. */
  public static byte[] fromDisplayHex(String displayHex) {
    return reversed(StrictHex.decode(displayHex, 32, "hash"));
  }
}
