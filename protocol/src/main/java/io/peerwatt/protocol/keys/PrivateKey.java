package io.peerwatt.protocol.keys;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.encoding.StrictHex;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * A secp256k1 private key (scalar 1 .. n-1). Signs 32-byte hashes with deterministic ECDSA (RFC
 * 6979, HMAC-SHA256) and always returns the low-S form, so the same key and hash give the same
 * signature bytes as other RFC 6979 implementations (through {@link Secp256k1Ecdsa#inUse()}).
 * {@link #toString()} never shows the secret.
 */
public final class PrivateKey {
  /** The scalar, 32 bytes big-endian; never handed out, only copies. */
  private final byte[] secret;

  private final PublicKey publicKey;

  private PrivateKey(BigInteger secret) {
    if (secret.signum() <= 0 || secret.compareTo(Secp256k1.N) >= 0) {
      throw new FormatException("private key must be in [1, n-1]");
    }
    this.secret = Secp256k1.to32Bytes(secret);
    this.publicKey = new PublicKey(Secp256k1Ecdsa.inUse().publicKey(this.secret), true);
  }

  /** A fresh random key. */
  public static PrivateKey generate(SecureRandom random) {
    while (true) {
      byte[] candidate = new byte[32];
      random.nextBytes(candidate);
      BigInteger d = new BigInteger(1, candidate);
      if (d.signum() > 0 && d.compareTo(Secp256k1.N) < 0) {
        return new PrivateKey(d);
      }
    }
  }

  /** From the 32-byte big-endian scalar; {@link FormatException} if not in [1, n-1]. */
  public static PrivateKey fromBytes(byte[] bytes32) {
    if (bytes32.length != 32) {
      throw new FormatException("private key must be 32 bytes, got " + bytes32.length);
    }
    return new PrivateKey(new BigInteger(1, bytes32));
  }

  /** From 64 hex digits. */
  public static PrivateKey fromHex(String hex) {
    return fromBytes(StrictHex.decode(hex, 32, "private key"));
  }

  /** From a WIF string of either network, compressed or not (see {@link WifKey} for the flags). */
  public static PrivateKey fromWif(String wif) {
    return WifKey.decode(wif).key();
  }

  /** The 32-byte big-endian scalar. */
  public byte[] bytes() {
    return secret.clone();
  }

  public String hex() {
    return StrictHex.encode(bytes());
  }

  /** WIF with the compressed-key flag (PeerWatt uses compressed keys only). */
  public String toWif(Network network) {
    return new WifKey(this, network, true).encode();
  }

  /** The compressed public key. */
  public PublicKey publicKey() {
    return publicKey;
  }

  /** Deterministic (RFC 6979, HMAC-SHA256) low-S ECDSA signature of a 32-byte hash. */
  public EcdsaSignature sign(byte[] hash32) {
    PublicKey.requireHash(hash32);
    return EcdsaSignature.fromCompact(Secp256k1Ecdsa.inUse().sign(hash32, secret));
  }

  /** {@link #sign} in strict DER. */
  public byte[] signDer(byte[] hash32) {
    return sign(hash32).toDer();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PrivateKey other && Arrays.equals(secret, other.secret);
  }

  @Override
  public int hashCode() {
    return publicKey.hashCode();
  }

  @Override
  public String toString() {
    return "PrivateKey[public " + publicKey.hex() + "]";
  }
}
