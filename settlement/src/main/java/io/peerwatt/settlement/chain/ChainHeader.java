package io.peerwatt.settlement.chain;

import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.spv.BlockHeader;
import java.util.Arrays;

/**
 * A block header at a height of the best chain.
 *
 * <p>Header wire form, 80 bytes: version (int32 LE), previous block hash (32, internal order),
 * Merkle root (32, internal order), time (uint32 LE, Unix seconds), bits (uint32 LE, compact
 * target), nonce (uint32 LE). The block hash is the double SHA-256 of these 80 bytes.
 *
 * @param height height on the chain (genesis = 0)
 * @param header the 80 header bytes
 */
public record ChainHeader(long height, byte[] header) {
  /** Size of a serialized block header. */
  public static final int HEADER_BYTES = 80;

  public ChainHeader {
    if (header.length != HEADER_BYTES) {
      throw new IllegalArgumentException("block header must be 80 bytes, got " + header.length);
    }
    if (height < 0) {
      throw new IllegalArgumentException("height must not be negative");
    }
    header = header.clone();
  }

  /**
   * Serializes header fields (hashes in internal byte order) with protocol's {@link BlockHeader}.
   */
  public static byte[] encode(
      int version, byte[] prevHash, byte[] merkleRoot, long time, long bits, long nonce) {
    return new BlockHeader(version, prevHash, merkleRoot, time, bits, nonce).serialize();
  }

  @Override
  public byte[] header() {
    return header.clone();
  }

  /** The parsed header (protocol's type). */
  public BlockHeader blockHeader() {
    return BlockHeader.parse(header);
  }

  /** Previous block hash, internal byte order. */
  public byte[] prevHash() {
    return blockHeader().prevHash();
  }

  /** Merkle root, internal byte order. */
  public byte[] merkleRoot() {
    return blockHeader().merkleRoot();
  }

  public long time() {
    return blockHeader().time();
  }

  public long bits() {
    return blockHeader().bits();
  }

  /** Block hash, internal byte order. */
  public byte[] hash() {
    return Hashes.sha256d(header);
  }

  /** Block hash as nodes display it (byte-reversed hex). */
  public String hashHex() {
    return Transaction.txidToHex(hash());
  }

  /** True when the header's hash does not exceed the target its bits encode. */
  public boolean meetsProofOfWork() {
    return blockHeader().hasValidProofOfWork();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ChainHeader other
        && height == other.height
        && Arrays.equals(header, other.header);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(height) * 31 + Arrays.hashCode(header);
  }

  @Override
  public String toString() {
    return "ChainHeader[" + height + " " + hashHex() + "]";
  }
}
