package io.peerwatt.protocol;

import org.bouncycastle.crypto.digests.RIPEMD160Digest;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;

/** The hash functions Bitcoin and PeerWatt use, over byte arrays. Stateless and thread-safe. */
public final class Hashes {
  private Hashes() {}

  /** SHA-256, 32 bytes. */
  public static byte[] sha256(byte[] data) {
    return sha256(data, 0, data.length);
  }

  /** SHA-256 of {@code data[offset, offset + length)}, 32 bytes. */
  public static byte[] sha256(byte[] data, int offset, int length) {
    SHA256Digest digest = new SHA256Digest();
    digest.update(data, offset, length);
    byte[] out = new byte[32];
    digest.doFinal(out, 0);
    return out;
  }

  /** SHA-256 of the concatenation of the parts, 32 bytes. */
  public static byte[] sha256(byte[]... parts) {
    SHA256Digest digest = new SHA256Digest();
    for (byte[] part : parts) {
      digest.update(part, 0, part.length);
    }
    byte[] out = new byte[32];
    digest.doFinal(out, 0);
    return out;
  }

  /** SHA-256 applied twice (Bitcoin's hash for txids, block headers and Merkle nodes), 32 bytes. */
  public static byte[] sha256d(byte[] data) {
    return sha256(sha256(data));
  }

  /** SHA-256 applied twice to {@code data[offset, offset + length)}, 32 bytes. */
  public static byte[] sha256d(byte[] data, int offset, int length) {
    return sha256(sha256(data, offset, length));
  }

  /** RIPEMD-160, 20 bytes. */
  public static byte[] ripemd160(byte[] data) {
    RIPEMD160Digest digest = new RIPEMD160Digest();
    digest.update(data, 0, data.length);
    byte[] out = new byte[20];
    digest.doFinal(out, 0);
    return out;
  }

  /** SHA-1, 20 bytes (only for OP_SHA1). */
  public static byte[] sha1(byte[] data) {
    SHA1Digest digest = new SHA1Digest();
    digest.update(data, 0, data.length);
    byte[] out = new byte[20];
    digest.doFinal(out, 0);
    return out;
  }

  /** RIPEMD-160 of SHA-256 (Bitcoin's HASH160, used for P2PKH), 20 bytes. */
  public static byte[] hash160(byte[] data) {
    return ripemd160(sha256(data));
  }
}
