package io.peerwatt.protocol.anchor;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * The per-slot anchoring tree (specified in {@code protocol/PROOF-BUNDLE.md}): an RFC 6962 style
 * Merkle tree with domain-separated hashes over salted leaves.
 *
 * <ul>
 *   <li>leaf hash = SHA-256(0x00 || kind (1 byte) || salt (32 bytes) || item bytes)
 *   <li>node hash = SHA-256(0x01 || left || right)
 *   <li>odd counts: RFC 6962's split (the left subtree is the largest power of two below n), which
 *       is the same as building level by level and carrying a level's unpaired last node up
 *       unchanged.
 * </ul>
 *
 * <p>All levels are kept in flat arrays (32 bytes per node, no object per node) so the root and any
 * inclusion proof come without further hashing. Not thread-safe while building; immutable after.
 */
public final class AnchorTree {
  /** Leaf hash prefix (RFC 6962). */
  public static final int LEAF_PREFIX = 0x00;

  /** Interior node hash prefix (RFC 6962). */
  public static final int NODE_PREFIX = 0x01;

  /** Salt length in bytes. */
  public static final int SALT_LENGTH = 32;

  private final int size;

  /** levels[0] = leaf hashes, levels[top] = { root }; each 32 bytes per node. */
  private final byte[][] levels;

  private AnchorTree(int size, byte[][] levels) {
    this.size = size;
    this.levels = levels;
  }

  /** SHA-256(0x00 || kind || salt || item): the leaf of one anchored item. */
  public static byte[] leafHash(AnchorItemKind kind, byte[] salt, byte[] item) {
    if (salt.length != SALT_LENGTH) {
      throw new IllegalArgumentException("salt must be " + SALT_LENGTH + " bytes");
    }
    MessageDigest md = sha256();
    md.update((byte) LEAF_PREFIX);
    md.update((byte) kind.code());
    md.update(salt);
    md.update(item);
    return md.digest();
  }

  /** SHA-256(0x01 || left || right). */
  public static byte[] nodeHash(byte[] left, byte[] right) {
    MessageDigest md = sha256();
    md.update((byte) NODE_PREFIX);
    md.update(left, 0, 32);
    md.update(right, 0, 32);
    return md.digest();
  }

  /**
   * Builds the tree over leaf hashes given one after another in {@code leafHashes} (32 bytes each).
   */
  public static AnchorTree build(byte[] leafHashes) {
    if (leafHashes.length == 0 || leafHashes.length % 32 != 0) {
      throw new IllegalArgumentException("need one or more 32-byte leaf hashes");
    }
    int n = leafHashes.length / 32;
    int height = 1;
    for (int w = n; w > 1; w = (w + 1) / 2) {
      height++;
    }
    byte[][] levels = new byte[height][];
    levels[0] = leafHashes.clone();
    MessageDigest md = sha256();
    byte[] scratch = new byte[65];
    scratch[0] = (byte) NODE_PREFIX;
    int width = n;
    for (int h = 1; h < height; h++) {
      byte[] below = levels[h - 1];
      int nextWidth = (width + 1) / 2;
      byte[] level = new byte[nextWidth * 32];
      int pairs = width / 2;
      try {
        for (int i = 0; i < pairs; i++) {
          System.arraycopy(below, 64 * i, scratch, 1, 64);
          md.update(scratch, 0, 65);
          md.digest(level, 32 * i, 32);
        }
      } catch (DigestException e) {
        throw new IllegalStateException(e);
      }
      if ((width & 1) == 1) {
        System.arraycopy(below, 32 * (width - 1), level, 32 * pairs, 32); // unpaired: carried up
      }
      levels[h] = level;
      width = nextWidth;
    }
    return new AnchorTree(n, levels);
  }

  /** Builds the tree over a list of 32-byte leaf hashes. */
  public static AnchorTree build(List<byte[]> leafHashes) {
    byte[] flat = new byte[leafHashes.size() * 32];
    for (int i = 0; i < leafHashes.size(); i++) {
      byte[] h = leafHashes.get(i);
      if (h.length != 32) {
        throw new IllegalArgumentException("leaf hash " + i + " is not 32 bytes");
      }
      System.arraycopy(h, 0, flat, 32 * i, 32);
    }
    return build(flat);
  }

  /** Number of leaves. */
  public int size() {
    return size;
  }

  public byte[] root() {
    return levels[levels.length - 1].clone();
  }

  /** The leaf hash at {@code index}. */
  public byte[] leaf(int index) {
    checkIndex(index);
    byte[] out = new byte[32];
    System.arraycopy(levels[0], 32 * index, out, 0, 32);
    return out;
  }

  /** The inclusion proof of leaf {@code index}: sibling hashes from the leaf level up. */
  public AnchorProof proof(int index) {
    byte[] buf = new byte[32 * (levels.length - 1)];
    int count = writeProof(index, buf, 0);
    List<byte[]> siblings = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      byte[] s = new byte[32];
      System.arraycopy(buf, 32 * i, s, 0, 32);
      siblings.add(s);
    }
    return new AnchorProof(index, size, siblings);
  }

  /**
   * Writes the sibling hashes of leaf {@code index} into {@code out} at {@code offset} without
   * allocating; returns how many (at most height - 1) were written.
   */
  public int writeProof(int index, byte[] out, int offset) {
    checkIndex(index);
    int count = 0;
    long position = index;
    long width = size;
    for (int h = 0; h < levels.length - 1; h++) {
      long sibling = position ^ 1;
      if (sibling < width) {
        System.arraycopy(levels[h], (int) (32 * sibling), out, offset + 32 * count, 32);
        count++;
      }
      position >>>= 1;
      width = (width + 1) / 2;
    }
    return count;
  }

  private void checkIndex(int index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException("leaf " + index + " of " + size);
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }
}
