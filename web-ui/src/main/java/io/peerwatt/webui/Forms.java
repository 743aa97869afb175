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

  /**
   * Thousandths as the text a form shows: {@code 20500} -> {@code "20.5"}, {@code 0} -> {@code
   * "0"}.
   */
  static String milliToText(long thousandths) {
    return new BigDecimal(thousandths).movePointLeft(3).stripTrailingZeros().toPlainString();
  }

  /** The named form fields that were sent. */
  static java.util.Map<String, String> of(io.vertx.ext.web.RoutingContext ctx, String... names) {
    java.util.Map<String, String> out = new java.util.HashMap<>();
    for (String n : names) {
      String v = ctx.request().getFormAttribute(n);
      if (v != null) {
        out.put(n, v);
      }
    }
    return out;
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
