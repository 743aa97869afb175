package io.peerwatt.protocol.keys;

import fr.acinq.secp256k1.Secp256k1Exception;
import io.peerwatt.protocol.encoding.StrictHex;
import java.util.Arrays;

/**
 * {@link Secp256k1Ecdsa} in C: libsecp256k1 through ACINQ's JNI binding. Its {@code sign} uses the
 * library's default nonce (RFC 6979 HMAC-SHA256, no extra entropy) and always gives low S; its
 * {@code verify} refuses high S. It throws {@link Secp256k1Exception} for inputs it cannot parse (r
 * or s not below n, a key off the curve), which become null or false here. One context, created by
 * the library on first use, serves every thread.
 */
final class NativeSecp256k1Ecdsa implements Secp256k1Ecdsa {
  /** The generator, compressed: what the public key of secret 1 must be. */
  private static final byte[] G_COMPRESSED =
      StrictHex.decode("0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798", "G");

  private final fr.acinq.secp256k1.Secp256k1 library;
  private final String description;

  private NativeSecp256k1Ecdsa(fr.acinq.secp256k1.Secp256k1 library) {
    this.library = library;
    this.description =
        "libsecp256k1 (native, JNI, "
            + System.getProperty("os.name")
            + " "
            + System.getProperty("os.arch")
            + ")";
  }

  /**
   * Loads the native library and checks it with one real computation. The library fails in several
   * ways (no library for this platform, a temporary directory it cannot write or execute from, and
   * every later attempt in the same JVM), mostly as {@link Error}s and some only at the first call,
   * so this catches everything and returns the failure instead.
   */
  static Loaded load() {
    try {
      fr.acinq.secp256k1.Secp256k1 library = fr.acinq.secp256k1.Secp256k1.get();
      byte[] one = new byte[32];
      one[31] = 1;
      byte[] g = library.pubKeyCompress(library.pubkeyCreate(one));
      if (!Arrays.equals(g, G_COMPRESSED)) {
        return new Loaded(null, new IllegalStateException("the public key of secret 1 is not G"));
      }
      return new Loaded(new NativeSecp256k1Ecdsa(library), null);
    } catch (Throwable t) {
      return new Loaded(null, t);
    }
  }

  /** The outcome of {@link #load}: the implementation, or why there is none. */
  record Loaded(NativeSecp256k1Ecdsa implementation, Throwable failure) {}

  @Override
  public String name() {
    return "native";
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public byte[] publicKey(byte[] secret32) {
    return library.pubkeyCreate(secret32);
  }

  @Override
  public byte[] parsePublicKey(byte[] encoded) {
    try {
      return library.pubkeyParse(encoded);
    } catch (Secp256k1Exception e) {
      return null;
    }
  }

  @Override
  public byte[] sign(byte[] hash32, byte[] secret32) {
    return library.sign(hash32, secret32);
  }

  @Override
  public boolean verify(byte[] hash32, byte[] compactSignature, byte[] uncompressedKey) {
    try {
      return library.verify(compactSignature, hash32, uncompressedKey);
    } catch (Secp256k1Exception e) {
      return false;
    }
  }
}
