package io.peerwatt.settlement.analytics;

import java.math.BigDecimal;

/**
 * Epsilon is counted in whole thousandths ({@code milliEpsilon}, as the API takes and gives it), so
 * that spending and the remaining budget add up exactly; messages spell it as a decimal.
 */
public final class Epsilon {
  /** The largest epsilon one query or one budget may state, in thousandths. */
  public static final long MAX_MILLI = 1_000_000_000L;

  private Epsilon() {}

  /** {@code milli} thousandths as a decimal: {@code 400} is "0.4", {@code 1000} is "1". */
  public static String text(long milli) {
    BigDecimal d = BigDecimal.valueOf(milli, 3).stripTrailingZeros();
    return (d.scale() < 0 ? d.setScale(0) : d).toPlainString();
  }
}
