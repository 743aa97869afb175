package io.peerwatt.webui;

import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns what people type (kWh, ct/kWh with decimals) into the API's integers, exactly or not at
 * all, and answers a form: the fields sent, a redirect after the post.
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

  /** {@code "0.02"} EUR -> 2000 milli-ct; null when not a number with at most 5 decimals. */
  static Long eurosToMilliCt(String text) {
    return scaled(text, 5);
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
  static Map<String, String> of(RoutingContext ctx, String... names) {
    Map<String, String> out = new HashMap<>();
    for (String n : names) {
      String v = ctx.request().getFormAttribute(n);
      if (v != null) {
        out.put(n, v);
      }
    }
    return out;
  }

  /** Answers a posted form with 303 See Other, so that reloading the page does not post again. */
  static void seeOther(RoutingContext ctx, String location) {
    ctx.response().setStatusCode(303).putHeader("location", location).end();
  }

  static String orEmpty(String text) {
    return text == null ? "" : text;
  }

  static String orDefault(String text, String fallback) {
    return text == null || text.isBlank() ? fallback : text;
  }

  /** A value as one URL path segment or query value. */
  static String urlEncode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
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
