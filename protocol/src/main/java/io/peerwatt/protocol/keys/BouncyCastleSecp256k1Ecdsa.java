package io.peerwatt.protocol.keys;

import java.math.BigInteger;
import java.util.Arrays;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/**
 * {@link Secp256k1Ecdsa} in pure Java: Bouncy Castle's secp256k1 custom curve, its constant-time
 * comb for multiples of G, and its {@link ECDSASigner} with the RFC 6979 nonce ({@link
 * HMacDSAKCalculator}).
 */
final class BouncyCastleSecp256k1Ecdsa implements Secp256k1Ecdsa {
  private static final FixedPointCombMultiplier MULTIPLIER = new FixedPointCombMultiplier();

  private final String description;

  BouncyCastleSecp256k1Ecdsa(String why) {
    this.description = "Bouncy Castle (pure Java; " + why + ")";
  }

  @Override
  public String name() {
    return "bouncycastle";
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public byte[] publicKey(byte[] secret32) {
    return MULTIPLIER
        .multiply(Secp256k1.DOMAIN.getG(), new BigInteger(1, secret32))
        .normalize()
        .getEncoded(false);
  }

  @Override
  public byte[] parsePublicKey(byte[] encoded) {
    ECPoint p = decode(encoded);
    return p == null ? null : p.getEncoded(false);
  }

  @Override
  public byte[] sign(byte[] hash32, byte[] secret32) {
    ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
    signer.init(true, new ECPrivateKeyParameters(new BigInteger(1, secret32), Secp256k1.DOMAIN));
    BigInteger[] rs = signer.generateSignature(hash32);
    return new EcdsaSignature(rs[0], rs[1]).normalizeS().toCompact();
  }

  @Override
  public boolean verify(byte[] hash32, byte[] compactSignature, byte[] uncompressedKey) {
    BigInteger r = new BigInteger(1, Arrays.copyOfRange(compactSignature, 0, 32));
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(compactSignature, 32, 64));
    // libsecp256k1 refuses high S; the same here, so both answer alike (ECDSASigner checks 0 < r, s
    // < n)
    if (s.compareTo(Secp256k1.HALF_N) > 0) {
      return false;
    }
    ECPoint q = decode(uncompressedKey);
    if (q == null) {
      return false;
    }
    ECDSASigner verifier = new ECDSASigner();
    verifier.init(false, new ECPublicKeyParameters(q, Secp256k1.DOMAIN));
    return verifier.verifySignature(hash32, r, s);
  }

  /** The point of an SEC1 encoding, or null when it is not a finite point on the curve. */
  private static ECPoint decode(byte[] encoded) {
    ECPoint p;
    try {
      p = Secp256k1.DOMAIN.getCurve().decodePoint(encoded);
    } catch (IllegalArgumentException e) {
      return null;
    }
    return p.isInfinity() || !p.isValid() ? null : p;
  }
}
