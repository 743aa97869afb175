package io.peerwatt.protocol.spv;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.encoding.ByteReader;
import io.peerwatt.protocol.encoding.ByteWriter;
import io.peerwatt.protocol.encoding.StrictHex;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A BSV Unified Merkle Path (BRC-74): the Merkle paths of one or more txids in one block.
 *
 * <p>Binary form: block height (varint), tree height = number of levels (1 byte, 1..64), then for
 * each level from 0 (the txids) upwards: leaf count (varint) and per leaf offset (varint), flags (1
 * byte: 0x00 a hash follows, 0x02 a hash follows and it is a txid of interest, 0x01 no hash:
 * duplicate the working hash), and the 32-byte hash in internal byte order unless flagged
 * duplicate.
 *
 * <p>Construction validates like the reference SDK: level 0 is not empty, no offset repeats within
 * a level, upper-level leaves sit only at offsets some level-0 leaf needs, duplicates sit at odd
 * offsets, and every level-0 hash computes the same root. Leaves are kept sorted by offset.
 *
 * @param blockHeight height of the block holding the txids
 * @param levels leaves per level, level 0 first
 */
public record Bump(long blockHeight, List<List<Bump.Leaf>> levels) {
  /** Flag: a hash follows. */
  public static final int FLAG_HASH = 0x00;

  /** Flag: no hash; the working hash is duplicated (right edge of an odd level). */
  public static final int FLAG_DUPLICATE = 0x01;

  /** Flag: a hash follows and it is a txid the BUMP was made for. */
  public static final int FLAG_TXID = 0x02;

  /**
   * One node of a level.
   *
   * @param offset position from the left within its level
   * @param hash the node hash in internal byte order, null for a duplicate marker
   * @param txid whether the hash is a txid of interest (level 0 only)
   */
  public record Leaf(long offset, byte[] hash, boolean txid) {
    public Leaf {
      if (offset < 0) {
        throw new IllegalArgumentException("offset must not be negative");
      }
      if (hash != null && hash.length != 32) {
        throw new IllegalArgumentException("hash must be 32 bytes");
      }
      if (hash == null && txid) {
        throw new IllegalArgumentException("a duplicate marker cannot be a txid");
      }
      hash = hash == null ? null : hash.clone();
    }

    public static Leaf hash(long offset, byte[] hash) {
      return new Leaf(offset, hash, false);
    }

    public static Leaf txid(long offset, byte[] txid) {
      return new Leaf(offset, txid, true);
    }

    public static Leaf duplicate(long offset) {
      return new Leaf(offset, null, false);
    }

    public boolean isDuplicate() {
      return hash == null;
    }

    @Override
    public byte[] hash() {
      return hash == null ? null : hash.clone();
    }

    int flags() {
      return hash == null ? FLAG_DUPLICATE : txid ? FLAG_TXID : FLAG_HASH;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Leaf l
          && offset == l.offset
          && txid == l.txid
          && Arrays.equals(hash, l.hash);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(offset) * 31 + Arrays.hashCode(hash);
    }

    @Override
    public String toString() {
      return offset
          + ":"
          + (hash == null ? "*" : (txid ? "txid " : "") + BitcoinMerkle.toDisplayHex(hash));
    }
  }

  public Bump {
    if (blockHeight < 0) {
      throw new FormatException("block height must not be negative");
    }
    if (levels.isEmpty() || levels.size() > 64) {
      throw new FormatException("a BUMP has 1..64 levels, got " + levels.size());
    }
    List<List<Leaf>> sorted = new ArrayList<>();
    for (List<Leaf> level : levels) {
      List<Leaf> copy = new ArrayList<>(level);
      copy.sort(Comparator.comparingLong(Leaf::offset));
      sorted.add(List.copyOf(copy));
    }
    levels = List.copyOf(sorted);
    validate(levels);
    checkSingleRoot(levels);
  }

  private static void validate(List<List<Leaf>> levels) {
    int height = levels.size();
    if (levels.get(0).isEmpty()) {
      throw new FormatException("BUMP level 0 is empty");
    }
    List<TreeSet<Long>> legal = new ArrayList<>();
    for (int h = 0; h < height; h++) {
      legal.add(new TreeSet<>());
    }
    for (int h = 0; h < height; h++) {
      long previous = -1;
      for (Leaf leaf : levels.get(h)) {
        if (leaf.offset() == previous) {
          throw new FormatException("duplicate offset " + leaf.offset() + " at height " + h);
        }
        previous = leaf.offset();
        if (height - h < 63 && (leaf.offset() >>> (height - h)) != 0) {
          throw new FormatException("offset " + leaf.offset() + " beyond the tree at height " + h);
        }
        if (leaf.isDuplicate() && (leaf.offset() & 1) == 0) {
          throw new FormatException(
              "duplicate marker at even offset " + leaf.offset() + ", height " + h);
        }
        if (h > 0 && leaf.txid()) {
          throw new FormatException("txid flag above level 0 at height " + h);
        }
        if (h == 0) {
          if (!leaf.isDuplicate()) {
            for (int up = 1; up < height; up++) {
              legal.get(up).add((leaf.offset() >>> up) ^ 1);
            }
          }
        } else if (!legal.get(h).contains(leaf.offset())) {
          throw new FormatException(
              "invalid offset "
                  + leaf.offset()
                  + " at height "
                  + h
                  + ", legal offsets: "
                  + legal.get(h));
        }
      }
    }
  }

  /** The root computed from the first level-0 hash; construction has checked all agree. */
  public byte[] computeRoot() {
    for (Leaf leaf : levels.get(0)) {
      if (!leaf.isDuplicate()) {
        return computeRoot(leaf.hash);
      }
    }
    throw new FormatException("BUMP has no hash at level 0");
  }

  /**
   * The Merkle root reached from {@code txid} (internal order); FormatException if not in the BUMP.
   */
  public byte[] computeRoot(byte[] txid) {
    Leaf start = null;
    for (Leaf leaf : levels.get(0)) {
      if (!leaf.isDuplicate() && Arrays.equals(leaf.hash, txid)) {
        start = leaf;
        break;
      }
    }
    if (start == null) {
      throw new FormatException("txid " + BitcoinMerkle.toDisplayHex(txid) + " is not in the BUMP");
    }
    return rootFrom(levels, start, index(levels));
  }

  /** True when the BUMP contains {@code txid} at level 0. */
  public boolean contains(byte[] txid) {
    for (Leaf leaf : levels.get(0)) {
      if (!leaf.isDuplicate() && Arrays.equals(leaf.hash, txid)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The minimal BUMP of one txid of this one (like the reference SDK's {@code MerklePath.extract}):
   * its level-0 leaf, the only one flagged as a txid (0x02), and the one sibling per level it
   * needs, taken from this BUMP or computed from its lower levels. FormatException when {@code
   * txid} (internal order) is not in this BUMP. A BUMP made for that txid alone is returned
   * unchanged.
   */
  public Bump extract(byte[] txid) {
    Leaf start = null;
    for (Leaf leaf : levels.get(0)) {
      if (!leaf.isDuplicate() && Arrays.equals(leaf.hash, txid)) {
        start = leaf;
        break;
      }
    }
    if (start == null) {
      throw new FormatException("txid " + BitcoinMerkle.toDisplayHex(txid) + " is not in the BUMP");
    }
    Leaf self = Leaf.txid(start.offset(), txid);
    if (levels.size() == 1 && levels.get(0).size() == 1) {
      return new Bump(blockHeight, List.of(List.of(self)));
    }
    List<Map<Long, Leaf>> idx = index(levels);
    List<List<Leaf>> out = new ArrayList<>();
    for (int h = 0; h < levels.size(); h++) {
      long siblingOffset = (start.offset() >>> h) ^ 1;
      byte[] sibling = findOrCompute(idx, h, siblingOffset);
      if (sibling == null) {
        throw new FormatException("missing hash for offset " + siblingOffset + " at height " + h);
      }
      Leaf leaf =
          sibling.length == 0 ? Leaf.duplicate(siblingOffset) : Leaf.hash(siblingOffset, sibling);
      out.add(h == 0 ? List.of(self, leaf) : List.of(leaf));
    }
    return new Bump(blockHeight, out);
  }

  /** The level-0 leaves flagged as txids of interest. */
  public List<byte[]> txids() {
    List<byte[]> out = new ArrayList<>();
    for (Leaf leaf : levels.get(0)) {
      if (leaf.txid()) {
        out.add(leaf.hash());
      }
    }
    return out;
  }

  private static List<Map<Long, Leaf>> index(List<List<Leaf>> levels) {
    List<Map<Long, Leaf>> idx = new ArrayList<>();
    for (List<Leaf> level : levels) {
      Map<Long, Leaf> m = new HashMap<>();
      for (Leaf l : level) {
        m.put(l.offset(), l);
      }
      idx.add(m);
    }
    return idx;
  }

  private static byte[] rootFrom(List<List<Leaf>> levels, Leaf start, List<Map<Long, Leaf>> idx) {
    if (levels.size() == 1 && levels.get(0).size() == 1) {
      return start.hash(); // a block with a single transaction: the root is its txid
    }
    byte[] working = start.hash;
    long position = start.offset();
    for (int h = 0; h < levels.size(); h++) {
      long siblingOffset = (position >>> h) ^ 1;
      byte[] sibling = findOrCompute(idx, h, siblingOffset);
      if (sibling == null) {
        throw new FormatException("missing hash for offset " + siblingOffset + " at height " + h);
      }
      if (sibling.length == 0) {
        working = BitcoinMerkle.parent(working, working);
      } else if ((siblingOffset & 1) == 1) {
        working = BitcoinMerkle.parent(working, sibling);
      } else {
        working = BitcoinMerkle.parent(sibling, working);
      }
    }
    return working;
  }

  /**
   * The node at (height, offset): given, or computed from the level below (and then remembered in
   * {@code idx}); an empty array stands for a duplicate marker, null for a node that cannot be had.
   */
  private static byte[] findOrCompute(List<Map<Long, Leaf>> idx, int height, long offset) {
    Leaf leaf = idx.get(height).get(offset);
    if (leaf != null) {
      return leaf.isDuplicate() ? new byte[0] : leaf.hash;
    }
    if (height == 0) {
      return null;
    }
    byte[] left = findOrCompute(idx, height - 1, offset << 1);
    if (left == null || left.length == 0) {
      return null;
    }
    byte[] right = findOrCompute(idx, height - 1, (offset << 1) + 1);
    if (right == null) {
      return null;
    }
    byte[] computed = BitcoinMerkle.parent(left, right.length == 0 ? left : right);
    // remembered, so checking every leaf of a wide level costs O(n), not O(n^2)
    idx.get(height).put(offset, Leaf.hash(offset, computed));
    return computed;
  }

  /** Checks that every level-0 hash reaches the same root (called on construction). */
  private static void checkSingleRoot(List<List<Leaf>> levels) {
    List<Map<Long, Leaf>> idx = index(levels);
    byte[] root = null;
    for (Leaf leaf : levels.get(0)) {
      if (leaf.isDuplicate()) {
        continue;
      }
      byte[] r = rootFrom(levels, leaf, idx);
      if (root == null) {
        root = r;
      } else if (!Arrays.equals(root, r)) {
        throw new FormatException("BUMP leaves compute different roots");
      }
    }
  }

  /**
   * Builds the BUMP of the transactions at {@code indices} in a block whose txids are {@code
   * txids}.
   */
  public static Bump fromBlock(long blockHeight, List<byte[]> txids, Collection<Integer> indices) {
    if (indices.isEmpty()) {
      throw new IllegalArgumentException("no transaction selected");
    }
    List<byte[][]> tree = BitcoinMerkle.levels(txids);
    int levelCount = Math.max(1, tree.size() - 1);
    TreeSet<Integer> wanted = new TreeSet<>(indices);
    if (wanted.first() < 0 || wanted.last() >= txids.size()) {
      throw new IllegalArgumentException("transaction index out of range");
    }
    List<List<Leaf>> levels = new ArrayList<>();
    for (int h = 0; h < levelCount; h++) {
      byte[][] nodes = tree.get(h);
      TreeSet<Long> ancestors = new TreeSet<>();
      for (int i : wanted) {
        ancestors.add((long) i >>> h);
      }
      TreeSet<Long> offsets = new TreeSet<>();
      if (h == 0) {
        offsets.addAll(ancestors);
      }
      if (txids.size() > 1) {
        for (long a : ancestors) {
          long sibling = a ^ 1;
          if (h == 0 || !ancestors.contains(sibling)) {
            offsets.add(sibling);
          }
        }
      }
      List<Leaf> level = new ArrayList<>();
      for (long o : offsets) {
        if (o >= nodes.length) {
          level.add(Leaf.duplicate(o));
        } else if (h == 0 && wanted.contains((int) o)) {
          level.add(Leaf.txid(o, nodes[(int) o]));
        } else {
          level.add(Leaf.hash(o, nodes[(int) o]));
        }
      }
      levels.add(level);
    }
    return new Bump(blockHeight, levels);
  }

  /**
   * One BUMP holding the leaves of both (BRC-74 "combine"): same block height, same number of
   * levels and same root required, else {@link FormatException}. A leaf present in both stays a
   * txid if either marks it so.
   */
  public Bump merge(Bump other) {
    if (blockHeight != other.blockHeight || levels.size() != other.levels.size()) {
      throw new FormatException("cannot merge BUMPs of different blocks or tree heights");
    }
    if (!Arrays.equals(computeRoot(), other.computeRoot())) {
      throw new FormatException("cannot merge BUMPs with different roots");
    }
    List<List<Leaf>> merged = new ArrayList<>();
    for (int h = 0; h < levels.size(); h++) {
      Map<Long, Leaf> byOffset = new java.util.TreeMap<>();
      for (Leaf l : levels.get(h)) {
        byOffset.put(l.offset(), l);
      }
      for (Leaf l : other.levels.get(h)) {
        Leaf mine = byOffset.get(l.offset());
        if (mine == null) {
          byOffset.put(l.offset(), l);
        } else if (l.txid() && !mine.txid()) {
          byOffset.put(l.offset(), l);
        }
      }
      merged.add(new ArrayList<>(byOffset.values()));
    }
    return new Bump(blockHeight, merged);
  }

  public byte[] encode() {
    ByteWriter w = new ByteWriter();
    write(w);
    return w.toByteArray();
  }

  public String toHex() {
    return StrictHex.encode(encode());
  }

  public void write(ByteWriter w) {
    w.writeVarInt(blockHeight);
    w.writeByte(levels.size());
    for (List<Leaf> level : levels) {
      w.writeVarInt(level.size());
      for (Leaf leaf : level) {
        w.writeVarInt(leaf.offset());
        w.writeByte(leaf.flags());
        if (!leaf.isDuplicate()) {
          w.write(leaf.hash);
        }
      }
    }
  }

  public static Bump decode(byte[] bytes) {
    ByteReader in = new ByteReader(bytes);
    Bump b = read(in);
    in.expectEnd("BUMP");
    return b;
  }

  public static Bump decodeHex(String hex) {
    return decode(StrictHex.decode(hex, "BUMP"));
  }

  /** Reads one BUMP from a stream (as inside BEEF). */
  public static Bump read(ByteReader in) {
    long blockHeight = in.readVarInt("BUMP block height");
    int treeHeight = in.readByte("BUMP tree height");
    if (treeHeight < 1 || treeHeight > 64) {
      throw new FormatException("BUMP tree height must be 1..64, got " + treeHeight);
    }
    List<List<Leaf>> levels = new ArrayList<>();
    for (int h = 0; h < treeHeight; h++) {
      int count = in.readCount("BUMP leaf count at height " + h, 2);
      List<Leaf> level = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        long offset = in.readVarInt("BUMP offset");
        int flags = in.readByte("BUMP flags");
        switch (flags) {
          case FLAG_DUPLICATE -> level.add(Leaf.duplicate(offset));
          case FLAG_HASH -> level.add(Leaf.hash(offset, in.readBytes(32, "BUMP hash")));
          case FLAG_TXID -> level.add(Leaf.txid(offset, in.readBytes(32, "BUMP hash")));
          default ->
              throw new FormatException("unknown BUMP leaf flags 0x" + Integer.toHexString(flags));
        }
      }
      levels.add(level);
    }
    return new Bump(blockHeight, levels);
  }

  @Override
  public String toString() {
    return "Bump[height=" + blockHeight + " levels=" + levels + "]";
  }
}
