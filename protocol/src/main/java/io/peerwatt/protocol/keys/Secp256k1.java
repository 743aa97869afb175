package io.peerwatt.protocol.keys;

import java.math.BigInteger;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;

/** The secp256k1 domain (Bouncy Castle's optimised custom curve) shared by keys and signatures. */
final class Secp256k1 {
  private static final X9ECParameters PARAMS = CustomNamedCurves.getByName("secp256k1");

  static final ECDomainParameters DOMAIN =
      new ECDomainParameters(PARAMS.getCurve(), PARAMS.getG(), PARAMS.getN(), PARAMS.getH());

  /** The group order n. */
  static final BigInteger N = PARAMS.getN();

  /** n / 2: an S above this is "high" and is replaced by n - S when signing. */
  static final BigInteger HALF_N = N.shiftRight(1);

  private Secp256k1() {}

  /** Unsigned big-endian, left-padded to 32 bytes; {@code value} must be below 2^256. */
  static byte[] to32Bytes(BigInteger value) {
    byte[] raw = value.toByteArray();
    if (raw.length == 32) {
      return raw;
    }
    byte[] out = new byte[32];
    if (raw.length > 32) {
      System.arraycopy(raw, raw.length - 32, out, 0, 32);
    } else {
      System.arraycopy(raw, 0, out, 32 - raw.length, raw.length);
    }
    return out;
  }
}
