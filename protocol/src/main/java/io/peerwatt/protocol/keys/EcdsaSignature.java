package io.peerwatt.protocol.keys;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.encoding.ByteWriter;
import io.peerwatt.protocol.encoding.StrictHex;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * An ECDSA signature as the pair (r, s). PeerWatt writes signatures in strict DER (BIP 66) with low
 * S; {@link #fromDer} accepts only that encoding, {@link #fromDerLax} parses what Bitcoin's lax
 * parser accepts (for the script interpreter when strict encoding is not required).
 *
 * @param r the r value, 0 &lt; r &lt; n for a valid signature
 * @param s the s value, 0 &lt; s &lt; n for a valid signature
 */
public record EcdsaSignature(BigInteger r, BigInteger s) {

  public EcdsaSignature {
    if (r.signum() < 0 || s.signum() < 0) {
      throw new IllegalArgumentException("r and s must not be negative");
    }
  }

  /**
   * True when s &lt;= n/2, the only form PeerWatt produces and accepts in {@link
   * PublicKey#verify(byte[], byte[])}.
   */
  public boolean isLowS() {
    return s.compareTo(Secp256k1.HALF_N) <= 0;
  }

  /** This signature with s replaced by n - s when s is high (both verify for the same message). */
  public EcdsaSignature normalizeS() {
    return isLowS() ? this : new EcdsaSignature(r, Secp256k1.N.subtract(s));
  }

  /** Strict DER: {@code 30 len 02 lenR R 02 lenS S}, minimal positive integers. */
  public byte[] toDer() {
    byte[] rb = r.toByteArray();
    byte[] sb = s.toByteArray();
    int len = 4 + rb.length + sb.length;
    if (len > 127) {
      throw new IllegalStateException("r or s too large for a secp256k1 signature");
    }
    ByteWriter w = new ByteWriter(len + 2);
    w.writeByte(0x30).writeByte(len);
    w.writeByte(0x02).writeByte(rb.length).write(rb);
    w.writeByte(0x02).writeByte(sb.length).write(sb);
    return w.toByteArray();
  }

  /** 64 bytes r || s, each unsigned big-endian on 32 bytes. */
  public byte[] toCompact() {
    if (r.bitLength() > 256 || s.bitLength() > 256) {
      throw new IllegalStateException("r or s too large for a secp256k1 signature");
    }
    byte[] out = new byte[64];
    System.arraycopy(Secp256k1.to32Bytes(r), 0, out, 0, 32);
    System.arraycopy(Secp256k1.to32Bytes(s), 0, out, 32, 32);
    return out;
  }

  /** From 64 bytes r || s, each unsigned big-endian on 32 bytes. */
  static EcdsaSignature fromCompact(byte[] compact64) {
    return new EcdsaSignature(
        new BigInteger(1, Arrays.copyOfRange(compact64, 0, 32)),
        new BigInteger(1, Arrays.copyOfRange(compact64, 32, 64)));
  }

  /** True when 0 &lt; r &lt; n and 0 &lt; s &lt; n: the only values an ECDSA signature can have. */
  boolean isInRange() {
    return r.signum() > 0
        && r.compareTo(Secp256k1.N) < 0
        && s.signum() > 0
        && s.compareTo(Secp256k1.N) < 0;
  }

  /**
   * Bitcoin's {@code IsValidSignatureEncoding} (BIP 66) applied to a signature WITHOUT the trailing
   * sighash byte: one DER sequence of two minimal, positive integers, at most 72 bytes.
   */
  public static boolean isStrictDer(byte[] sig) {
    int len = sig.length;
    if (len < 8 || len > 72) {
      return false;
    }
    if ((sig[0] & 0xFF) != 0x30 || (sig[1] & 0xFF) != len - 2) {
      return false;
    }
    int lenR = sig[3] & 0xFF;
    if (5 + lenR >= len) {
      return false;
    }
    int lenS = sig[5 + lenR] & 0xFF;
    if (lenR + lenS + 6 != len) {
      return false;
    }
    if ((sig[2] & 0xFF) != 0x02 || lenR == 0 || (sig[4] & 0x80) != 0) {
      return false;
    }
    if (lenR > 1 && sig[4] == 0 && (sig[5] & 0x80) == 0) {
      return false;
    }
    if ((sig[lenR + 4] & 0xFF) != 0x02 || lenS == 0 || (sig[lenR + 6] & 0x80) != 0) {
      return false;
    }
    return !(lenS > 1 && sig[lenR + 6] == 0 && (sig[lenR + 7] & 0x80) == 0);
  }

  /** Parses strict DER (see {@link #isStrictDer}); throws {@link FormatException} otherwise. */
  public static EcdsaSignature fromDer(byte[] der) {
    if (!isStrictDer(der)) {
      throw new FormatException("signature is not strict DER");
    }
    int lenR = der[3] & 0xFF;
    int lenS = der[5 + lenR] & 0xFF;
    BigInteger r = new BigInteger(1, Arrays.copyOfRange(der, 4, 4 + lenR));
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(der, 6 + lenR, 6 + lenR + lenS));
    return new EcdsaSignature(r, s);
  }

  /**
   * Bitcoin Core's lax DER parser ({@code ecdsa_signature_parse_der_lax}): tolerates long-form and
   * oversized lengths, padding and trailing garbage, as pre-BIP 66 nodes did. Returns null when the
   * structure cannot be read at all; an r or s of 33 bytes or more, or not below n, yields (0, 0),
   * which never verifies.
   */
  public static EcdsaSignature fromDerLax(byte[] input) {
    int inputLen = input.length;
    int pos = 0;
    if (pos == inputLen || (input[pos] & 0xFF) != 0x30) {
      return null;
    }
    pos++;
    if (pos == inputLen) {
      return null;
    }
    int lenByte = input[pos++] & 0xFF;
    if ((lenByte & 0x80) != 0) {
      lenByte -= 0x80;
      if (lenByte > inputLen - pos) {
        return null;
      }
      pos += lenByte;
    }
    long[] r = readLaxInteger(input, pos);
    if (r == null) {
      return null;
    }
    int rPos = (int) r[0];
    int rLen = (int) r[1];
    pos = rPos + rLen;
    long[] s = readLaxInteger(input, pos);
    if (s == null) {
      return null;
    }
    int sPos = (int) s[0];
    int sLen = (int) s[1];
    while (rLen > 0 && input[rPos] == 0) {
      rLen--;
      rPos++;
    }
    while (sLen > 0 && input[sPos] == 0) {
      sLen--;
      sPos++;
    }
    if (rLen > 32 || sLen > 32) {
      return new EcdsaSignature(BigInteger.ZERO, BigInteger.ZERO);
    }
    BigInteger rv = new BigInteger(1, Arrays.copyOfRange(input, rPos, rPos + rLen));
    BigInteger sv = new BigInteger(1, Arrays.copyOfRange(input, sPos, sPos + sLen));
    if (rv.compareTo(Secp256k1.N) >= 0 || sv.compareTo(Secp256k1.N) >= 0) {
      return new EcdsaSignature(BigInteger.ZERO, BigInteger.ZERO);
    }
    return new EcdsaSignature(rv, sv);
  }

  /** Reads an INTEGER tag and lax length at {@code pos}; returns {valuePos, valueLen} or null. */
  private static long[] readLaxInteger(byte[] input, int pos) {
    int inputLen = input.length;
    if (pos >= inputLen || (input[pos] & 0xFF) != 0x02) {
      return null;
    }
    pos++;
    if (pos == inputLen) {
      return null;
    }
    long len;
    int lenByte = input[pos++] & 0xFF;
    if ((lenByte & 0x80) != 0) {
      lenByte -= 0x80;
      if (lenByte > inputLen - pos) {
        return null;
      }
      while (lenByte > 0 && input[pos] == 0) {
        pos++;
        lenByte--;
      }
      if (lenByte >= 8) {
        return null;
      }
      len = 0;
      while (lenByte > 0) {
        len = (len << 8) + (input[pos] & 0xFF);
        pos++;
        lenByte--;
      }
    } else {
      len = lenByte;
    }
    if (len > inputLen - pos) {
      return null;
    }
    return new long[] {pos, len};
  }

  @Override
  public String toString() {
    return "EcdsaSignature[" + StrictHex.encode(toDer()) + "]";
  }
}
