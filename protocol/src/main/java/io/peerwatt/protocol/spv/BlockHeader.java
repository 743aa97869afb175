package io.peerwatt.protocol.spv;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.encoding.ByteReader;
import io.peerwatt.protocol.encoding.ByteWriter;
import io.peerwatt.protocol.encoding.StrictHex;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * An 80-byte Bitcoin block header: version (int32 LE), previous block hash (32, internal order),
 * Merkle root (32, internal order), time (uint32 LE, seconds), bits (uint32 LE, compact target),
 * nonce (uint32 LE). The block hash is the double SHA-256 of these 80 bytes.
 *
 * @param version block version
 * @param prevHash hash of the previous block, internal byte order
 * @param merkleRoot Merkle root of the block's txids, internal byte order
 * @param time block time, seconds since the epoch (uint32)
 * @param bits compact encoding of the proof-of-work target (uint32)
 * @param nonce proof-of-work nonce (uint32)
 */
public record BlockHeader(
    int version, byte[] prevHash, byte[] merkleRoot, long time, long bits, long nonce) {
  public static final int LENGTH = 80;

  public BlockHeader {
    if (prevHash.length != 32 || merkleRoot.length != 32) {
      throw new IllegalArgumentException("hashes must be 32 bytes");
    }
    for (long v : new long[] {time, bits, nonce}) {
      if (v < 0 || v > 0xFFFF_FFFFL) {
        throw new IllegalArgumentException("time, bits and nonce are uint32");
      }
    }
    prevHash = prevHash.clone();
    merkleRoot = merkleRoot.clone();
  }

  @Override
  public byte[] prevHash() {
    return prevHash.clone();
  }

  @Override
  public byte[] merkleRoot() {
    return merkleRoot.clone();
  }

  public static BlockHeader parse(byte[] bytes) {
    if (bytes.length != LENGTH) {
      throw new FormatException("block header must be 80 bytes, got " + bytes.length);
    }
    ByteReader in = new ByteReader(bytes);
    return read(in);
  }

  public static BlockHeader parseHex(String hex) {
    return parse(StrictHex.decode(hex, "block header"));
  }

  static BlockHeader read(ByteReader in) {
    int version = (int) in.readUInt32LE("header version");
    byte[] prev = in.readBytes(32, "header prevHash");
    byte[] root = in.readBytes(32, "header merkleRoot");
    long time = in.readUInt32LE("header time");
    long bits = in.readUInt32LE("header bits");
    long nonce = in.readUInt32LE("header nonce");
    return new BlockHeader(version, prev, root, time, bits, nonce);
  }

  public byte[] serialize() {
    return new ByteWriter(LENGTH)
        .writeUInt32LE(version)
        .write(prevHash)
        .write(merkleRoot)
        .writeUInt32LE(time)
        .writeUInt32LE(bits)
        .writeUInt32LE(nonce)
        .toByteArray();
  }

  public String toHex() {
    return StrictHex.encode(serialize());
  }

  /** The block hash, internal byte order. */
  public byte[] hash() {
    return Hashes.sha256d(serialize());
  }

  /** The block hash as explorers show it (reversed hex). */
  public String hashHex() {
    return BitcoinMerkle.toDisplayHex(hash());
  }

  /**
   * The target encoded by {@link #bits()}, or -1 when the encoding is negative, zero or overflows
   * 256 bits (such headers can never satisfy proof of work).
   */
  public BigInteger target() {
    return targetOf(bits);
  }

  /** Decodes compact target bits as the Bitcoin node does ({@code arith_uint256::SetCompact}). */
  public static BigInteger targetOf(long bits) {
    int exponent = (int) (bits >>> 24);
    long mantissa = bits & 0x007F_FFFFL;
    boolean negative = mantissa != 0 && (bits & 0x0080_0000L) != 0;
    boolean overflow =
        mantissa != 0
            && (exponent > 34
                || (mantissa > 0xFF && exponent > 33)
                || (mantissa > 0xFFFF && exponent > 32));
    if (negative || overflow) {
      return BigInteger.ONE.negate();
    }
    BigInteger target =
        exponent <= 3
            ? BigInteger.valueOf(mantissa >>> (8 * (3 - exponent)))
            : BigInteger.valueOf(mantissa).shiftLeft(8 * (exponent - 3));
    return target.signum() == 0 ? BigInteger.ONE.negate() : target;
  }

  /** The block hash read as a little-endian 256-bit number, as proof of work compares it. */
  public BigInteger hashAsNumber() {
    return new BigInteger(1, BitcoinMerkle.reversed(hash()));
  }

  /** True when the target is valid and the block hash does not exceed it. */
  public boolean hasValidProofOfWork() {
    BigInteger target = target();
    return target.signum() > 0 && hashAsNumber().compareTo(target) <= 0;
  }

  /**
   * Expected number of hashes to find this block: 2^256 / (target + 1); 0 for an invalid target.
   */
  public BigInteger work() {
    BigInteger target = target();
    return target.signum() > 0
        ? BigInteger.ONE.shiftLeft(256).divide(target.add(BigInteger.ONE))
        : BigInteger.ZERO;
  }

  /** True when this header's prevHash is {@code parent}'s hash. */
  public boolean follows(BlockHeader parent) {
    return Arrays.equals(prevHash, parent.hash());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BlockHeader h && Arrays.equals(serialize(), h.serialize());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(merkleRoot) ^ (int) nonce;
  }

  @Override
  public String toString() {
    return "BlockHeader[" + hashHex() + "]";
  }
}
