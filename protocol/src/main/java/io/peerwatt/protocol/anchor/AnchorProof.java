package io.peerwatt.protocol.anchor;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.encoding.ByteReader;
import io.peerwatt.protocol.encoding.ByteWriter;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.encoding.StrictHex;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Inclusion proof of one leaf in an {@link AnchorTree}: the leaf's index, the tree size and the
 * sibling hashes from the leaf level up (levels where the node has no sibling contribute none).
 * Which side each sibling is on follows from index and size, so the proof carries no direction
 * bits.
 *
 * <p>Binary form: index (varint), treeSize (varint), count (varint), count x 32-byte hashes.
 *
 * @param index position of the leaf, 0-based
 * @param treeSize number of leaves in the tree
 * @param siblings sibling hashes, leaf level first
 */
public record AnchorProof(long index, long treeSize, List<byte[]> siblings) {

  public AnchorProof {
    if (treeSize < 1 || index < 0 || index >= treeSize) {
      throw new IllegalArgumentException("index " + index + " outside a tree of " + treeSize);
    }
    List<byte[]> copy = new ArrayList<>(siblings.size());
    for (byte[] s : siblings) {
      if (s.length != 32) {
        throw new IllegalArgumentException("sibling hashes are 32 bytes");
      }
      copy.add(s.clone());
    }
    siblings = List.copyOf(copy);
  }

  @Override
  public List<byte[]> siblings() {
    List<byte[]> out = new ArrayList<>(siblings.size());
    for (byte[] s : siblings) {
      out.add(s.clone());
    }
    return out;
  }

  /**
   * The root this proof leads to from {@code leafHash}, or null when the number of siblings does
   * not fit (index, treeSize).
   */
  public byte[] rootFrom(byte[] leafHash) {
    byte[] working = leafHash.clone();
    long position = index;
    long width = treeSize;
    int used = 0;
    while (width > 1) {
      long sibling = position ^ 1;
      if (sibling < width) {
        if (used == siblings.size()) {
          return null;
        }
        byte[] s = siblings.get(used++);
        working =
            (position & 1) == 0 ? AnchorTree.nodeHash(working, s) : AnchorTree.nodeHash(s, working);
      }
      position >>>= 1;
      width = (width + 1) / 2;
    }
    return used == siblings.size() ? working : null;
  }

  /** True when the proof leads from {@code leafHash} to {@code root}. */
  public boolean verify(byte[] leafHash, byte[] root) {
    byte[] computed = rootFrom(leafHash);
    return computed != null && Arrays.equals(computed, root);
  }

  public byte[] encode() {
    ByteWriter w = new ByteWriter(8 + 32 * siblings.size());
    w.writeVarInt(index).writeVarInt(treeSize).writeVarInt(siblings.size());
    for (byte[] s : siblings) {
      w.write(s);
    }
    return w.toByteArray();
  }

  public static AnchorProof decode(byte[] bytes) {
    ByteReader in = new ByteReader(bytes);
    long index = in.readVarInt("proof index");
    long size = in.readVarInt("proof tree size");
    int count = in.readCount("proof sibling count", 32);
    if (count > 64) {
      throw new FormatException("an anchor proof has at most 64 siblings");
    }
    List<byte[]> siblings = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      siblings.add(in.readBytes(32, "proof sibling"));
    }
    in.expectEnd("anchor proof");
    if (size < 1 || index >= size) {
      throw new FormatException("proof index " + index + " outside a tree of " + size);
    }
    return new AnchorProof(index, size, siblings);
  }

  /** JSON: {"index": n, "treeSize": n, "siblings": ["hex", ...]}. */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("index", index);
    m.put("treeSize", treeSize);
    List<Object> hashes = new ArrayList<>();
    for (byte[] s : siblings) {
      hashes.add(StrictHex.encode(s));
    }
    m.put("siblings", hashes);
    return m;
  }

  public static AnchorProof fromJson(Map<String, Object> m) {
    Json.requireOnly(m, "anchor proof", "index", "treeSize", "siblings");
    long size = Json.integer(m, "treeSize", 1, Long.MAX_VALUE);
    long index = Json.integer(m, "index", 0, size - 1);
    List<byte[]> siblings = new ArrayList<>();
    for (Object o : Json.array(m, "siblings")) {
      if (!(o instanceof String s)) {
        throw new FormatException("siblings must be hex strings");
      }
      siblings.add(StrictHex.decode(s, 32, "sibling"));
    }
    if (siblings.size() > 64) {
      throw new FormatException("an anchor proof has at most 64 siblings");
    }
    return new AnchorProof(index, size, siblings);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof AnchorProof p)
        || index != p.index
        || treeSize != p.treeSize
        || siblings.size() != p.siblings.size()) {
      return false;
    }
    for (int i = 0; i < siblings.size(); i++) {
      if (!Arrays.equals(siblings.get(i), p.siblings.get(i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(index) * 31 + Long.hashCode(treeSize);
  }

  @Override
  public String toString() {
    return "AnchorProof[" + index + "/" + treeSize + ", " + siblings.size() + " siblings]";
  }
}
