package io.peerwatt.protocol;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.bouncycastle.crypto.digests.RIPEMD160Digest;
import org.bouncycastle.crypto.digests.SHA1Digest;

/**
 * The hash functions Bitcoin and PeerWatt use, over byte arrays. Stateless and thread-safe. SHA-256
 * is the JDK's (which uses the CPU's SHA instructions where there are some), one digest per thread.
 */
public final class Hashes {
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("every Java platform has SHA-256", e);
            }
          });

  private Hashes() {}

  /** SHA-256, 32 bytes. */
  public static byte[] sha256(byte[] data) {
    return sha256(data, 0, data.length);
  }

  /** SHA-256 of {@code data[offset, offset + length)}, 32 bytes. */
  public static byte[] sha256(byte[] data, int offset, int length) {
    MessageDigest digest = SHA256.get();
    digest.update(data, offset, length);
    return digest.digest();
  }

  /** SHA-256 of the concatenation of the parts, 32 bytes. */
  public static byte[] sha256(byte[]... parts) {
    MessageDigest digest = SHA256.get();
    for (byte[] part : parts) {
      digest.update(part, 0, part.length);
    }
    return digest.digest();
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
