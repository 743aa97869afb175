package io.peerwatt.protocol.keys;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.encoding.StrictHex;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.math.ec.ECPoint;

/**
 * A secp256k1 public key. PeerWatt's own formats always use the compressed SEC1 form (33 bytes,
 * prefix 02/03); the uncompressed form (65 bytes, prefix 04) is parsed too, because Bitcoin scripts
 * may carry it, and a key remembers the form it was parsed in ({@link #bytes()}). Immutable.
 *
 * <p>Verification gets faster the more often one key object verifies: Bouncy Castle caches its
 * precomputation per point object, and after 16 verifications a key builds
 * its own fixed-window table ({@link Secp256k1Windows}, about 53 KB) and verifies without doublings.
 * So that keys read again from a database or a message keep that, {@link #fromBytes} hands out the
 * same object for an encoding it decoded recently.
 */
public final class PublicKey {
  /** Length of the compressed SEC1 encoding. */
  public static final int COMPRESSED_LENGTH = 33;
  /** Length of the uncompressed SEC1 encoding. */
  public static final int UNCOMPRESSED_LENGTH = 65;

  /** Verifications by one key object after which it builds its own table (tests lower it). */
  static volatile int tableAfterVerifies = 16;
  /** Decoded keys kept for {@link #fromBytes}; the cache starts over when it is full. */
  private static final int DECODED_CACHE_SIZE = 1024;
  private static final Map<Encoding, PublicKey> DECODED = new ConcurrentHashMap<>();

  private final ECPoint point;
  private final boolean compressed;
  private final byte[] encoded;
  private volatile ECPublicKeyParameters params;
  /** Verifications so far, counted only until the table exists (racy on purpose: an estimate is enough). */
  private int verifies;
  private volatile Secp256k1Windows.Table table;

  PublicKey(ECPoint point, boolean compressed) {
    this.point = point.normalize();
    this.compressed = compressed;
    this.encoded = this.point.getEncoded(compressed);
  }

  /**
   * Parses a compressed (33 bytes, 02/03) or uncompressed (65 bytes, 04) SEC1 key whose point lies on
   * the curve; hybrid (06/07) and every other form are rejected with {@link FormatException}.
   */
  public static PublicKey fromBytes(byte[] encoded) {
    if (!hasValidEncodingShape(encoded)) {
      return decode(encoded);
    }
    Encoding key = new Encoding(encoded.clone());
    PublicKey known = DECODED.get(key);
    if (known != null) {
      return known;
    }
    PublicKey decoded = decode(key.bytes);
    if (DECODED.size() >= DECODED_CACHE_SIZE) {
      DECODED.clear();
    }
    PublicKey raced = DECODED.putIfAbsent(key, decoded);
    return raced != null ? raced : decoded;
  }

  private static PublicKey decode(byte[] encoded) {
    boolean isCompressed;
    if (encoded.length == COMPRESSED_LENGTH && (encoded[0] == 0x02 || encoded[0] == 0x03)) {
      isCompressed = true;
    } else if (encoded.length == UNCOMPRESSED_LENGTH && encoded[0] == 0x04) {
      isCompressed = false;
    } else {
      throw new FormatException(
          "public key must be 33 bytes (02/03) or 65 bytes (04), got " + encoded.length + " bytes");
    }
    ECPoint p;
    try {
      p = Secp256k1.DOMAIN.getCurve().decodePoint(encoded);
    } catch (IllegalArgumentException e) {
      throw new FormatException("public key is not a point on secp256k1", e);
    }
    if (p.isInfinity() || !p.isValid()) {
      throw new FormatException("public key is not a valid point on secp256k1");
    }
    return new PublicKey(p, isCompressed);
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

  /** The encoding in the form this key was created or parsed in. */
  public byte[] bytes() {
    return encoded.clone();
  }

  /** 33-byte compressed SEC1 encoding. */
  public byte[] compressedBytes() {
    return compressed ? encoded.clone() : point.getEncoded(true);
  }

  /** 65-byte uncompressed SEC1 encoding. */
  public byte[] uncompressedBytes() {
    return compressed ? point.getEncoded(false) : encoded.clone();
  }

  public boolean isCompressed() {
    return compressed;
  }

  /** The same point in compressed form. */
  public PublicKey compressed() {
    return compressed ? this : new PublicKey(point, true);
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
   * Checks a signature of a 32-byte hash the PeerWatt way: strict DER, low S, then the ECDSA equation.
   * Returns why a signature fails rather than throwing.
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
   * applies its own flag-dependent encoding and low-S rules before calling this. False when r or s is
   * outside [1, n-1].
   */
  public boolean verify(byte[] hash32, EcdsaSignature signature) {
    requireHash(hash32);
    Secp256k1Windows.Table t = verificationTable();
    if (t != null) {
      return Secp256k1Windows.verify(t, hash32, signature.r(), signature.s());
    }
    ECDSASigner verifier = new ECDSASigner();
    verifier.init(false, parameters());
    return verifier.verifySignature(hash32, signature.r(), signature.s());
  }

  /** This key's table once it has verified often enough; null before. */
  private Secp256k1Windows.Table verificationTable() {
    Secp256k1Windows.Table t = table;
    if (t != null || ++verifies < tableAfterVerifies) {
      return t;
    }
    return buildTable();
  }

  /** Builds this key's table now (the first caller does; later ones get the same). */
  synchronized Secp256k1Windows.Table buildTable() {
    Secp256k1Windows.Table t = table;
    if (t == null) {
      t = Secp256k1Windows.table(point, Secp256k1Windows.KEY_WIDTH);
      table = t;
    }
    return t;
  }

  ECPoint pointForTests() {
    return point;
  }

  /** Whether this key verifies through its own table yet. */
  boolean hasTable() {
    return table != null;
  }

  private ECPublicKeyParameters parameters() {
    ECPublicKeyParameters p = params;
    if (p == null) {
      p = new ECPublicKeyParameters(point, Secp256k1.DOMAIN);
      params = p;
    }
    return p;
  }

  /** A key's encoding as a map key. */
  private record Encoding(byte[] bytes) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Encoding e && Arrays.equals(bytes, e.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }
  }

  static void requireHash(byte[] hash32) {
    if (hash32.length != 32) {
      throw new IllegalArgumentException("ECDSA signs a 32-byte hash, got " + hash32.length + " bytes");
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
