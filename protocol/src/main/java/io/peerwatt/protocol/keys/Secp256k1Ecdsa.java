package io.peerwatt.protocol.keys;

/**
 * The curve arithmetic under {@link PrivateKey} and {@link PublicKey}: deriving and parsing public
 * keys, signing and verifying secp256k1 ECDSA. PeerWatt code signs and checks through those two
 * classes, which add the encodings and rules (strict DER, low S, SEC1 shapes); this interface only
 * sees fixed-width byte arrays.
 *
 * <p>Two implementations give the same bytes and the same answers for every input: libsecp256k1 (C,
 * over JNI, from {@code fr.acinq.secp256k1:secp256k1-kmp-jni-jvm-linux}, native libraries for linux
 * x86_64 and aarch64 glibc) and Bouncy Castle (pure Java, for machines without those, e.g. 32-bit
 * ARM boards). The JVM picks one the first time a key is used, once, and says which in the log
 * ({@link #inUse()}): libsecp256k1, or Bouncy Castle when the native library does not load (logged
 * as a warning with the reason) or when the system property {@code
 * -Dpeerwatt.secp256k1=bouncycastle} forces it (then the native library is not touched at all).
 */
public interface Secp256k1Ecdsa {
  /**
   * The system property that forces Bouncy Castle when set to {@code bouncycastle}; other values
   * are ignored.
   */
  String PROPERTY = "peerwatt.secp256k1";

  /** The implementation this JVM uses, chosen on first use (see the class comment). */
  static Secp256k1Ecdsa inUse() {
    return Secp256k1Implementations.IN_USE;
  }

  /** {@code native} (libsecp256k1) or {@code bouncycastle}. */
  String name();

  /**
   * One line for people: which implementation, and for Bouncy Castle why (forced by the property,
   * or the reason libsecp256k1 did not load).
   */
  String description();

  /**
   * The public key of a 32-byte secret in [1, n-1], uncompressed: 65 bytes {@code 04 || x || y}.
   */
  byte[] publicKey(byte[] secret32);

  /**
   * The uncompressed form (65 bytes) of an SEC1 key that {@link PublicKey#hasValidEncodingShape}
   * accepts, or null when its point is not on the curve (or a coordinate is not below p).
   */
  byte[] parsePublicKey(byte[] encoded);

  /**
   * RFC 6979 (HMAC-SHA256) ECDSA of a 32-byte hash with a secret in [1, n-1]: compact {@code r ||
   * s}, low S.
   */
  byte[] sign(byte[] hash32, byte[] secret32);

  /**
   * The ECDSA equation for a compact {@code r || s} (64 bytes) over a 32-byte hash, with a key as
   * {@link #parsePublicKey} returns it. False, never an exception, when r or s is 0 or not below n,
   * when s is above n/2 (callers normalize first where high S is acceptable), or when the key does
   * not parse.
   */
  boolean verify(byte[] hash32, byte[] compactSignature, byte[] uncompressedKey);
}
