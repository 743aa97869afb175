package io.peerwatt.settlement.chain;

import io.peerwatt.protocol.ByteReader;
import io.peerwatt.protocol.ByteWriter;
import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.Transaction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * A BUMP (BRC-74, BSV Unified Merkle Path) proving that transactions are in a block.
 *
 * <p>Wire form: block height (varint), tree height (uint8), then per level from the leaves up: leaf
 * count (varint) and leaves, each an offset (varint), a flags byte (0 = hash follows, 1 = duplicate of
 * its sibling and no hash, 2 = hash follows and is a txid the proof is for) and the 32-byte hash in
 * internal byte order.
 *
 * <p>Kept in settlement until {@code protocol} provides its BUMP type (same wire form).
 *
 * @param blockHeight the block's height
 * @param levels leaves per level, level 0 holding the txids
 */
public record MerklePath(long blockHeight, List<List<Leaf>> levels) {

  /**
   * One node of the path.
   *
   * @param offset position in its level
   * @param hash 32 bytes, internal order; null when {@code duplicate}
   * @param txid this leaf is a txid the path is meant to prove
   * @param duplicate the node equals its sibling (odd end of a level)
   */
  public record Leaf(long offset, byte[] hash, boolean txid, boolean duplicate) {
    public Leaf {
      if (duplicate != (hash == null)) {
        throw new IllegalArgumentException("a duplicate leaf has no hash, every other leaf has one");
      }
      if (hash != null) {
        if (hash.length != 32) {
          throw new IllegalArgumentException("leaf hash must be 32 bytes");
        }
        hash = hash.clone();
      }
    }

    @Override
    public byte[] hash() {
      return hash == null ? null : hash.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Leaf l && offset == l.offset && txid == l.txid && duplicate == l.duplicate
          && Arrays.equals(hash, l.hash);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(offset) * 31 + Arrays.hashCode(hash);
    }
  }

  public MerklePath {
    if (levels.isEmpty() || levels.size() > 64) {
      throw new IllegalArgumentException("tree height must be 1..64");
    }
    levels = levels.stream().map(List::copyOf).toList();
  }

  /** The path for the transaction at {@code index} of a block whose txids (internal order) are {@code blockTxids}. */
  public static MerklePath forTransaction(long blockHeight, List<byte[]> blockTxids, int index) {
    if (index < 0 || index >= blockTxids.size()) {
      throw new IllegalArgumentException("index " + index + " outside the block");
    }
    List<List<byte[]>> tree = MerkleTrees.levels(blockTxids);
    List<List<Leaf>> levels = new ArrayList<>();
    if (tree.size() == 1) {
      levels.add(List.of(new Leaf(0, blockTxids.get(0), true, false)));
      return new MerklePath(blockHeight, levels);
    }
    long position = index;
    for (int h = 0; h < tree.size() - 1; h++) {
      List<byte[]> level = tree.get(h);
      long sibling = position ^ 1;
      List<Leaf> leaves = new ArrayList<>(2);
      Leaf siblingLeaf = sibling < level.size()
          ? new Leaf(sibling, level.get((int) sibling), false, false)
          : new Leaf(sibling, null, false, true);
      if (h == 0) {
        Leaf self = new Leaf(position, level.get((int) position), true, false);
        leaves.add(position < sibling ? self : siblingLeaf);
        leaves.add(position < sibling ? siblingLeaf : self);
      } else {
        leaves.add(siblingLeaf);
      }
      levels.add(leaves);
      position >>= 1;
    }
    return new MerklePath(blockHeight, levels);
  }

  /** The Merkle root this path leads to from {@code txid} (internal order); throws if the txid is not in the path. */
  public byte[] computeRoot(byte[] txid) {
    List<Leaf> bottom = levels.get(0);
    Leaf start = bottom.stream().filter(l -> l.hash != null && Arrays.equals(l.hash, txid)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("txid " + Transaction.txidToHex(txid) + " is not in this path"));
    if (levels.size() == 1 && bottom.size() == 1) {
      return txid.clone();
    }
    byte[] working = txid.clone();
    long position = start.offset;
    for (int h = 0; h < levels.size(); h++) {
      long siblingOffset = position ^ 1;
      Leaf sibling = find(levels.get(h), siblingOffset);
      if (sibling == null) {
        throw new IllegalArgumentException("path lacks the node at level " + h + " offset " + siblingOffset);
      }
      if (sibling.duplicate) {
        working = MerkleTrees.parent(working, working);
      } else if ((siblingOffset & 1) == 1) {
        working = MerkleTrees.parent(working, sibling.hash);
      } else {
        working = MerkleTrees.parent(sibling.hash, working);
      }
      position >>= 1;
    }
    return working;
  }

  /** The txids (internal order) this path is for. */
  public List<byte[]> txids() {
    return levels.get(0).stream().filter(Leaf::txid).map(Leaf::hash).toList();
  }

  private static Leaf find(List<Leaf> level, long offset) {
    for (Leaf l : level) {
      if (l.offset == offset) {
        return l;
      }
    }
    return null;
  }

  /** Appends the BRC-74 wire form. */
  public void write(ByteWriter out) {
    out.writeVarInt(blockHeight);
    out.writeByte(levels.size());
    for (List<Leaf> level : levels) {
      out.writeVarInt(level.size());
      for (Leaf l : level) {
        out.writeVarInt(l.offset);
        out.writeByte(l.duplicate ? 1 : l.txid ? 2 : 0);
        if (!l.duplicate) {
          out.write(l.hash);
        }
      }
    }
  }

  public byte[] serialize() {
    ByteWriter w = new ByteWriter();
    write(w);
    return w.toByteArray();
  }

  public String toHex() {
    return HexFormat.of().formatHex(serialize());
  }

  /** Reads one BUMP from a stream (e.g. inside BEEF). */
  public static MerklePath read(ByteReader in) {
    long height = in.readVarInt("bump block height");
    int treeHeight = in.readByte("bump tree height");
    if (treeHeight < 1 || treeHeight > 64) {
      throw new FormatException("bump tree height must be 1..64, got " + treeHeight);
    }
    List<List<Leaf>> levels = new ArrayList<>(treeHeight);
    for (int h = 0; h < treeHeight; h++) {
      int count = in.readCount("bump leaf count", 2);
      List<Leaf> leaves = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        long offset = in.readVarInt("bump leaf offset");
        int flags = in.readByte("bump leaf flags");
        switch (flags) {
          case 0 -> leaves.add(new Leaf(offset, in.readBytes(32, "bump leaf hash"), false, false));
          case 1 -> leaves.add(new Leaf(offset, null, false, true));
          case 2 -> leaves.add(new Leaf(offset, in.readBytes(32, "bump leaf hash"), true, false));
          default -> throw new FormatException("bump leaf flags must be 0, 1 or 2, got " + flags);
        }
      }
      levels.add(leaves);
    }
    return new MerklePath(height, levels);
  }

  /** Parses exactly one BUMP. */
  public static MerklePath parse(byte[] bytes) {
    ByteReader in = new ByteReader(bytes);
    MerklePath path = read(in);
    in.expectEnd("bump");
    return path;
  }

  @Override
  public String toString() {
    return "MerklePath[height " + blockHeight + ", " + levels.size() + " levels]";
  }
}
