package io.peerwatt.webui;

import java.math.BigDecimal;

/**
 * Turns what people type (kWh, ct/kWh with decimals) into the API's integers, exactly or not at
 * all.
 */
final class Forms {
  private Forms() {}

  /** {@code "1.5"} kWh -> 1500 Wh; null when not a number with at most 3 decimals. */
  static Long kwhToWh(String text) {
    return scaled(text, 3);
  }

  /**
   * {@code "25.5"} ct/kWh -> 25500 milli-ct/kWh; null when not a number with at most 3 decimals.
   */
  static Long ctToMilliCt(String text) {
    return scaled(text, 3);
  }

  /** A whole number, or null. */
  static Long whole(String text) {
    return scaled(text, 0);
  }

  private static Long scaled(String text, int decimals) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      BigDecimal v = new BigDecimal(text.strip().replace(',', '.')).movePointRight(decimals);
      return v.stripTrailingZeros().scale() > 0 ? null : v.longValueExact();
    } catch (NumberFormatException | ArithmeticException e) {
      return null;
    }
  }
}
