package io.peerwatt.protocol.keys;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.encoding.StrictHex;
import java.util.Arrays;

/**
 * A secp256k1 public key. PeerWatt's own formats always use the compressed SEC1 form (33 bytes,
 * prefix 02/03); the uncompressed form (65 bytes, prefix 04) is parsed too, because Bitcoin scripts
 * may carry it, and a key remembers the form it was parsed in ({@link #bytes()}). Immutable. The
 * curve arithmetic (the point check when parsing, ECDSA) is {@link Secp256k1Ecdsa#inUse()}'s.
 */
public final class PublicKey {
  /** Length of the compressed SEC1 encoding. */
  public static final int COMPRESSED_LENGTH = 33;

  /** Length of the uncompressed SEC1 encoding. */
  public static final int UNCOMPRESSED_LENGTH = 65;

  /**
   * 04 || x || y, the form ECDSA verification is handed (no square root to take per verification).
   */
  private final byte[] uncompressed;

  private final boolean compressed;
  private final byte[] encoded;

  /** From the uncompressed encoding of a point known to be on the curve. */
  PublicKey(byte[] uncompressed, boolean compressed) {
    this.uncompressed = uncompressed;
    this.compressed = compressed;
    this.encoded = compressed ? compress(uncompressed) : uncompressed;
  }

  /**
   * Parses a compressed (33 bytes, 02/03) or uncompressed (65 bytes, 04) SEC1 key whose point lies
   * on the curve; hybrid (06/07) and every other form are rejected with {@link FormatException}.
   */
  public static PublicKey fromBytes(byte[] encoded) {
    if (!hasValidEncodingShape(encoded)) {
      throw new FormatException(
          "public key must be 33 bytes (02/03) or 65 bytes (04), got " + encoded.length + " bytes");
    }
    byte[] point = Secp256k1Ecdsa.inUse().parsePublicKey(encoded);
    if (point == null) {
      throw new FormatException("public key is not a point on secp256k1");
    }
    return new PublicKey(point, encoded.length == COMPRESSED_LENGTH);
  }

  /** {@link #fromBytes} of a hex string. */
  public static PublicKey fromHex(String hex) {
    return fromBytes(StrictHex.decode(hex, "public key"));
  }

  /** True when the cheap structural test of {@link #fromBytes} passes (length and prefix only). */
  public static boolean hasValidEncodingShape(byte[] encoded) {
    return (encoded.length == COMPRESSED_LENGTH && (encoded[0] == 0x02 || encoded[0] == 0x03))
        || (encoded.length == UNCOMPRESSED_LENGTH && encoded[0] == 0x04);
  }

  private static byte[] compress(byte[] uncompressed) {
    byte[] out = Arrays.copyOf(uncompressed, COMPRESSED_LENGTH);
    out[0] = (byte) (0x02 | (uncompressed[UNCOMPRESSED_LENGTH - 1] & 1));
    return out;
  }

  /** The encoding in the form this key was created or parsed in. */
  public byte[] bytes() {
    return encoded.clone();
  }

  /** True when {@code encoding} is exactly {@link #bytes()}. */
  public boolean hasEncoding(byte[] encoding) {
    return Arrays.equals(encoded, encoding);
  }

  /** 33-byte compressed SEC1 encoding. */
  public byte[] compressedBytes() {
    return compressed ? encoded.clone() : compress(uncompressed);
  }

  /** 65-byte uncompressed SEC1 encoding. */
  public byte[] uncompressedBytes() {
    return uncompressed.clone();
  }

  public boolean isCompressed() {
    return compressed;
  }

  /** The same point in compressed form. */
  public PublicKey compressed() {
    return compressed ? this : new PublicKey(uncompressed, true);
  }

  /** Lower-case hex of {@link #bytes()}. */
  public String hex() {
    return StrictHex.encode(encoded);
  }

  /** HASH160 of {@link #bytes()}: what a P2PKH output commits to. */
  public byte[] hash160() {
    return Hashes.hash160(encoded);
  }

  /** The P2PKH address of this key (in its own form) on {@code network}. */
  public P2pkhAddress toAddress(Network network) {
    return new P2pkhAddress(network, hash160());
  }

  /**
   * Checks a signature of a 32-byte hash the PeerWatt way: strict DER, low S, then the ECDSA
   * equation. Returns why a signature fails rather than throwing.
   */
  public SignatureCheck check(byte[] hash32, byte[] derSignature) {
    requireHash(hash32);
    if (!EcdsaSignature.isStrictDer(derSignature)) {
      return SignatureCheck.NOT_STRICT_DER;
    }
    EcdsaSignature sig = EcdsaSignature.fromDer(derSignature);
    if (!sig.isLowS()) {
      return SignatureCheck.HIGH_S;
    }
    return verify(hash32, sig) ? SignatureCheck.VALID : SignatureCheck.MISMATCH;
  }

  /** {@link #check} == VALID. */
  public boolean verify(byte[] hash32, byte[] derSignature) {
    return check(hash32, derSignature) == SignatureCheck.VALID;
  }

  /**
   * The bare ECDSA equation over an already parsed (r, s), accepting high S: the script interpreter
   * applies its own flag-dependent encoding and low-S rules before calling this. False when r or s
   * is outside [1, n-1].
   */
  public boolean verify(byte[] hash32, EcdsaSignature signature) {
    requireHash(hash32);
    if (!signature.isInRange()) {
      return false;
    }
    return Secp256k1Ecdsa.inUse().verify(hash32, signature.normalizeS().toCompact(), uncompressed);
  }

  static void requireHash(byte[] hash32) {
    if (hash32.length != 32) {
      throw new IllegalArgumentException(
          "ECDSA signs a 32-byte hash, got " + hash32.length + " bytes");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PublicKey other && Arrays.equals(encoded, other.encoded);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(encoded);
  }

  @Override
  public String toString() {
    return "PublicKey[" + hex() + "]";
  }
}
