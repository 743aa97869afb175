package io.peerwatt.protocol.encoding;

import io.peerwatt.protocol.FormatException;

/**
 * Hex for the wire and JSON forms: decoding accepts only [0-9a-fA-F] pairs, encoding is lower case.
 */
public final class StrictHex {
  private static final char[] DIGITS = "0123456789abcdef".toCharArray();

  private StrictHex() {}

  public static String encode(byte[] bytes) {
    char[] out = new char[bytes.length * 2];
    for (int i = 0; i < bytes.length; i++) {
      out[2 * i] = DIGITS[(bytes[i] >> 4) & 0xF];
      out[2 * i + 1] = DIGITS[bytes[i] & 0xF];
    }
    return new String(out);
  }

  public static byte[] decode(String hex, String what) {
    if ((hex.length() & 1) != 0) {
      throw new FormatException(what + ": hex has an odd number of digits");
    }
    byte[] out = new byte[hex.length() / 2];
    for (int i = 0; i < out.length; i++) {
      int hi = Character.digit(hex.charAt(2 * i), 16);
      int lo = Character.digit(hex.charAt(2 * i + 1), 16);
      if (hi < 0 || lo < 0 || hex.charAt(2 * i) > 'f' || hex.charAt(2 * i + 1) > 'f') {
        throw new FormatException(
            what + ": not a hex digit at position " + (hi < 0 ? 2 * i : 2 * i + 1));
      }
      out[i] = (byte) (hi << 4 | lo);
    }
    return out;
  }

  /** Decodes and requires exactly {@code length} bytes. */
  public static byte[] decode(String hex, int length, String what) {
    byte[] out = decode(hex, what);
    if (out.length != length) {
      throw new FormatException(what + ": expected " + length + " bytes, got " + out.length);
    }
    return out;
  }
}
