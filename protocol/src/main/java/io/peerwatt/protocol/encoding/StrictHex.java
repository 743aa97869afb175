package io.peerwatt.protocol.encoding;

import io.peerwatt.protocol.FormatException;

/**
 * Hex for the wire and JSON forms: decoding accepts only [0-9a-fA-F] pairs, encoding is lower case.
 */
public final class StrictHex {
  private static final char[] DIGITS = "0123456789abcdef".toCharArray();

  /** Each hex digit's value by character, -1 for the other characters up to 'f'. */
  private static final byte[] VALUES = new byte['f' + 1];

  static {
    java.util.Arrays.fill(VALUES, (byte) -1);
    for (int c = '0'; c <= '9'; c++) {
      VALUES[c] = (byte) (c - '0');
    }
    for (int c = 'a'; c <= 'f'; c++) {
      VALUES[c] = (byte) (c - 'a' + 10);
      VALUES[c - 'a' + 'A'] = (byte) (c - 'a' + 10);
    }
  }

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
      int hi = digit(hex.charAt(2 * i));
      int lo = digit(hex.charAt(2 * i + 1));
      if (hi < 0 || lo < 0) {
        throw new FormatException(
            what + ": not a hex digit at position " + (hi < 0 ? 2 * i : 2 * i + 1));
      }
      out[i] = (byte) (hi << 4 | lo);
    }
    return out;
  }

  /** The value of 0-9, a-f or A-F; -1 for every other character. */
  private static int digit(char c) {
    return c < VALUES.length ? VALUES[c] : -1;
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
