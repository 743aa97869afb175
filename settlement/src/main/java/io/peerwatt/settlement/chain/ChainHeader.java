package io.peerwatt.settlement.chain;

import io.peerwatt.protocol.ByteReader;
import io.peerwatt.protocol.ByteWriter;
import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.Transaction;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * A block header at a height of the best chain.
 *
 * <p>Header wire form, 80 bytes: version (int32 LE), previous block hash (32, internal order), Merkle
 * root (32, internal order), time (uint32 LE, Unix seconds), bits (uint32 LE, compact target), nonce
 * (uint32 LE). The block hash is the double SHA-256 of these 80 bytes.
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

  /** Serializes header fields (hashes in internal byte order). */
  public static byte[] encode(int version, byte[] prevHash, byte[] merkleRoot, long time, long bits, long nonce) {
    ByteWriter w = new ByteWriter(HEADER_BYTES);
    w.writeUInt32LE(version & 0xFFFF_FFFFL).write(prevHash).write(merkleRoot)
        .writeUInt32LE(time).writeUInt32LE(bits).writeUInt32LE(nonce);
    byte[] out = w.toByteArray();
    if (out.length != HEADER_BYTES) {
      throw new IllegalArgumentException("hashes must be 32 bytes");
    }
    return out;
  }

  @Override
  public byte[] header() {
    return header.clone();
  }

  public int version() {
    return (int) new ByteReader(header, 0, 4).readUInt32LE("version");
  }

  /** Previous block hash, internal byte order. */
  public byte[] prevHash() {
    return Arrays.copyOfRange(header, 4, 36);
  }

  /** Merkle root, internal byte order. */
  public byte[] merkleRoot() {
    return Arrays.copyOfRange(header, 36, 68);
  }

  public long time() {
    return new ByteReader(header, 68, 4).readUInt32LE("time");
  }

  public long bits() {
    return new ByteReader(header, 72, 4).readUInt32LE("bits");
  }

  public long nonce() {
    return new ByteReader(header, 76, 4).readUInt32LE("nonce");
  }

  /** Block hash, internal byte order. */
  public byte[] hash() {
    return Hashes.sha256d(header);
  }

  /** Block hash as nodes display it (byte-reversed hex). */
  public String hashHex() {
    return Transaction.txidToHex(hash());
  }

  /** Merkle root as nodes display it. */
  public String merkleRootHex() {
    return Transaction.txidToHex(merkleRoot());
  }

  /** True when the header's hash, read as a little-endian number, does not exceed the target its bits encode. */
  public boolean meetsProofOfWork() {
    return meetsTarget(header, bits());
  }

  /** True when {@code header80}'s hash is at or below the compact target {@code bits}. */
  public static boolean meetsTarget(byte[] header80, long bits) {
    BigInteger target = targetFromBits(bits);
    byte[] hash = Hashes.sha256d(header80);
    byte[] bigEndian = new byte[32];
    for (int i = 0; i < 32; i++) {
      bigEndian[i] = hash[31 - i];
    }
    return target.signum() > 0 && new BigInteger(1, bigEndian).compareTo(target) <= 0;
  }

  /** Decodes the compact target ("bits"): mantissa * 256^(exponent - 3); negative or overflowing targets are 0. */
  public static BigInteger targetFromBits(long bits) {
    int exponent = (int) (bits >>> 24) & 0xFF;
    long mantissa = bits & 0x007F_FFFFL;
    if ((bits & 0x0080_0000L) != 0 || exponent > 34) {
      return BigInteger.ZERO;
    }
    BigInteger m = BigInteger.valueOf(mantissa);
    return exponent <= 3 ? m.shiftRight(8 * (3 - exponent)) : m.shiftLeft(8 * (exponent - 3));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ChainHeader other && height == other.height && Arrays.equals(header, other.header);
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
