package io.peerwatt.protocol.keys;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.Hashes;
import java.util.Arrays;

/**
 * Bitcoin's Base58 and Base58Check (payload followed by the first 4 bytes of its double SHA-256).
 */
public final class Base58 {
  private static final char[] ALPHABET =
      "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".toCharArray();
  private static final int[] INDEXES = new int[128];

  static {
    Arrays.fill(INDEXES, -1);
    for (int i = 0; i < ALPHABET.length; i++) {
      INDEXES[ALPHABET[i]] = i;
    }
  }

  private Base58() {}

  public static String encode(byte[] input) {
    if (input.length == 0) {
      return "";
    }
    int zeros = 0;
    while (zeros < input.length && input[zeros] == 0) {
      zeros++;
    }
    byte[] num = Arrays.copyOf(input, input.length);
    char[] out = new char[input.length * 2];
    int outStart = out.length;
    for (int start = zeros; start < num.length; ) {
      out[--outStart] = ALPHABET[divmod(num, start, 256, 58)];
      if (num[start] == 0) {
        start++;
      }
    }
    while (outStart < out.length && out[outStart] == ALPHABET[0]) {
      outStart++;
    }
    while (--zeros >= 0) {
      out[--outStart] = ALPHABET[0];
    }
    return new String(out, outStart, out.length - outStart);
  }

  /** Decodes Base58; throws {@link FormatException} on a character outside the alphabet. */
  public static byte[] decode(String input) {
    if (input.isEmpty()) {
      return new byte[0];
    }
    byte[] input58 = new byte[input.length()];
    for (int i = 0; i < input.length(); i++) {
      char c = input.charAt(i);
      int digit = c < 128 ? INDEXES[c] : -1;
      if (digit < 0) {
        throw new FormatException("invalid Base58 character '" + c + "' at position " + i);
      }
      input58[i] = (byte) digit;
    }
    int zeros = 0;
    while (zeros < input58.length && input58[zeros] == 0) {
      zeros++;
    }
    byte[] decoded = new byte[input.length()];
    int outStart = decoded.length;
    for (int start = zeros; start < input58.length; ) {
      decoded[--outStart] = divmod(input58, start, 58, 256);
      if (input58[start] == 0) {
        start++;
      }
    }
    while (outStart < decoded.length && decoded[outStart] == 0) {
      outStart++;
    }
    return Arrays.copyOfRange(decoded, outStart - zeros, decoded.length);
  }

  /** Base58 of {@code payload || checksum}. */
  public static String encodeChecked(byte[] payload) {
    byte[] checksum = Hashes.sha256d(payload);
    byte[] all = Arrays.copyOf(payload, payload.length + 4);
    System.arraycopy(checksum, 0, all, payload.length, 4);
    return encode(all);
  }

  /**
   * The payload of a Base58Check string; throws {@link FormatException} if the checksum is wrong.
   */
  public static byte[] decodeChecked(String input) {
    byte[] all = decode(input);
    if (all.length < 4) {
      throw new FormatException("Base58Check string too short");
    }
    byte[] payload = Arrays.copyOf(all, all.length - 4);
    byte[] checksum = Hashes.sha256d(payload);
    for (int i = 0; i < 4; i++) {
      if (checksum[i] != all[payload.length + i]) {
        throw new FormatException("Base58Check checksum mismatch");
      }
    }
    return payload;
  }

  /**
   * Divides the big-endian number {@code number[firstDigit..]} in base {@code base} in place;
   * returns the remainder.
   */
  private static byte divmod(byte[] number, int firstDigit, int base, int divisor) {
    int remainder = 0;
    for (int i = firstDigit; i < number.length; i++) {
      int digit = number[i] & 0xFF;
      int temp = remainder * base + digit;
      number[i] = (byte) (temp / divisor);
      remainder = temp % divisor;
    }
    return (byte) remainder;
  }
}
