package io.peerwatt.settlement.analytics;

import java.math.BigDecimal;

/**
 * Epsilon as the API spells it ({@code "0.5"}, at most three decimals) and as budgets count it:
 * whole thousandths, so that spending and the remaining budget add up exactly.
 */
public final class Epsilon {
  /** The largest epsilon one query or one budget may state. */
  public static final long MAX_MILLI = 1_000_000_000L;

  private Epsilon() {}

  /**
   * Thousandths of {@code text}; {@link IllegalArgumentException} unless it is a positive decimal
   * of at most three decimals and at most {@link #MAX_MILLI} thousandths.
   */
  public static long parseMilli(String text) {
    if (text == null || !text.matches("[0-9]{1,7}(\\.[0-9]{1,3})?")) {
      throw new IllegalArgumentException("epsilon must be a decimal like 0.5 (at most 3 decimals)");
    }
    long milli = new BigDecimal(text).movePointRight(3).longValueExact();
    if (milli <= 0 || milli > MAX_MILLI) {
      throw new IllegalArgumentException("epsilon must be above 0 and at most 1000000");
    }
    return milli;
  }

  /** {@code milli} thousandths as a decimal ({@code 500} is 0.5). */
  public static BigDecimal ofMilli(long milli) {
    BigDecimal d = BigDecimal.valueOf(milli, 3).stripTrailingZeros();
    return d.scale() < 0 ? d.setScale(0) : d;
  }
}
