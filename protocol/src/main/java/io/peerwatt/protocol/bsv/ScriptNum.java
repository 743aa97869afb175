package io.peerwatt.protocol.bsv;

import io.peerwatt.protocol.FormatException;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * Script numbers: little-endian sign-magnitude byte strings (the top bit of the last byte is the
 * sign), arbitrary length after Genesis, at most 4 bytes as operands before it.
 */
final class ScriptNum {
  private ScriptNum() {}

  /** Why a byte string is not an acceptable number operand. */
  static final class NumberException extends Exception {
    final ScriptError error;

    NumberException(ScriptError error) {
      super(error.name(), null, false, false);
      this.error = error;
    }
  }

  /** Decodes an operand; {@code maxLength} bytes at most, minimal encoding required if asked. */
  static BigInteger decode(byte[] vch, long maxLength, boolean requireMinimal) {
    try {
      return decodeChecked(vch, maxLength, requireMinimal);
    } catch (NumberException e) {
      throw new FormatException("not a script number: " + e.error);
    }
  }

  static BigInteger decodeChecked(byte[] vch, long maxLength, boolean requireMinimal)
      throws NumberException {
    if (vch.length > maxLength) {
      throw new NumberException(ScriptError.SCRIPTNUM_OVERFLOW);
    }
    if (requireMinimal && !isMinimallyEncoded(vch, maxLength)) {
      throw new NumberException(ScriptError.SCRIPTNUM_MINENCODE);
    }
    if (vch.length == 0) {
      return BigInteger.ZERO;
    }
    if (vch.length <= 7) {
      long v = 0;
      for (int i = 0; i < vch.length; i++) {
        v |= (vch[i] & 0xFFL) << (8 * i);
      }
      long signBit = 0x80L << (8 * (vch.length - 1));
      if ((v & signBit) != 0) {
        return BigInteger.valueOf(-(v & ~signBit));
      }
      return BigInteger.valueOf(v);
    }
    byte[] be = new byte[vch.length];
    for (int i = 0; i < vch.length; i++) {
      be[i] = vch[vch.length - 1 - i];
    }
    boolean negative = (be[0] & 0x80) != 0;
    be[0] &= 0x7f;
    BigInteger magnitude = new BigInteger(1, be);
    return negative ? magnitude.negate() : magnitude;
  }

  /** Minimal sign-magnitude encoding; zero is the empty string. */
  static byte[] encode(BigInteger value) {
    if (value.signum() == 0) {
      return new byte[0];
    }
    byte[] be = value.abs().toByteArray();
    int start = be[0] == 0 ? 1 : 0;
    int len = be.length - start;
    boolean needExtra = (be[start] & 0x80) != 0;
    byte[] out = new byte[len + (needExtra ? 1 : 0)];
    for (int i = 0; i < len; i++) {
      out[i] = be[be.length - 1 - i];
    }
    if (needExtra) {
      out[len] = (byte) (value.signum() < 0 ? 0x80 : 0x00);
    } else if (value.signum() < 0) {
      out[len - 1] |= (byte) 0x80;
    }
    return out;
  }

  static byte[] encode(long value) {
    return encode(BigInteger.valueOf(value));
  }

  static boolean isMinimallyEncoded(byte[] vch, long maxLength) {
    if (vch.length > maxLength) {
      return false;
    }
    if (vch.length > 0 && (vch[vch.length - 1] & 0x7f) == 0) {
      return vch.length > 1 && (vch[vch.length - 2] & 0x80) != 0;
    }
    return true;
  }

  /** The same number re-encoded minimally (OP_BIN2NUM, OP_NUM2BIN). */
  static byte[] minimallyEncode(byte[] data) {
    if (data.length == 0) {
      return data;
    }
    int last = data[data.length - 1] & 0xFF;
    if ((last & 0x7f) != 0) {
      return data;
    }
    if (data.length == 1) {
      return new byte[0];
    }
    if ((data[data.length - 2] & 0x80) != 0) {
      return data;
    }
    for (int i = data.length - 1; i > 0; i--) {
      if (data[i - 1] != 0) {
        byte[] out;
        if ((data[i - 1] & 0x80) != 0) {
          out = Arrays.copyOf(data, i + 1);
          out[i] = (byte) last;
        } else {
          out = Arrays.copyOf(data, i);
          out[i - 1] |= (byte) last;
        }
        return out;
      }
    }
    return new byte[0];
  }

  /** Script truth: any non-zero byte, except a lone sign bit in the last byte (negative zero). */
  static boolean castToBool(byte[] vch) {
    for (int i = 0; i < vch.length; i++) {
      if (vch[i] != 0) {
        return !(i == vch.length - 1 && (vch[i] & 0xFF) == 0x80);
      }
    }
    return false;
  }
}
