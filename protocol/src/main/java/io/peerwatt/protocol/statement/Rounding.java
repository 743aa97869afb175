package io.peerwatt.protocol.statement;

import java.math.BigInteger;

/**
 * The one rounding rule for money: <b>round half to even</b> on exact integers. It applies to every
 * energy-times-price amount ({@link #energyAmount}) and to every currency-to-satoshi conversion, so
 * a statement can be recomputed bit for bit by anyone (the buyer's gateway does). Half-even is
 * unbiased over many lines and symmetric for negative prices.
 */
public final class Rounding {
  private static final BigInteger WH_PER_KWH = BigInteger.valueOf(1000);

  private Rounding() {}

  /**
   * Amount for {@code quantityWh} at {@code pricePerKwh}: {@code quantityWh * pricePerKwh / 1000},
   * rounded half to even, in the price's money unit (milli-cent or satoshi).
   */
  public static long energyAmount(long quantityWh, long pricePerKwh) {
    return divideHalfEven(
        BigInteger.valueOf(quantityWh).multiply(BigInteger.valueOf(pricePerKwh)), WH_PER_KWH);
  }

  /** {@code numerator / denominator} rounded half to even; denominator positive. */
  public static long divideHalfEven(BigInteger numerator, BigInteger denominator) {
    if (denominator.signum() <= 0) {
      throw new IllegalArgumentException("denominator must be positive");
    }
    BigInteger[] qr = numerator.divideAndRemainder(denominator);
    BigInteger quotient = qr[0];
    BigInteger twiceRemainder = qr[1].abs().shiftLeft(1);
    int cmp = twiceRemainder.compareTo(denominator);
    if (cmp > 0 || (cmp == 0 && quotient.testBit(0))) {
      quotient = quotient.add(BigInteger.valueOf(numerator.signum()));
    }
    return quotient.longValueExact();
  }
}
