package io.peerwatt.trading.market;

/**
 * What the zone's grid supplier charges and pays outside the peer-to-peer market, in the zone's
 * price unit per kWh: what a household's energy would have cost or earned without trading. Not a
 * market rule: the books and settlement never read it.
 *
 * @param retailPricePerKwh the supplier's price for imported energy, never negative
 * @param feedInTariffPerKwh what the supplier pays for exported energy, never negative
 */
public record GridTariffs(long retailPricePerKwh, long feedInTariffPerKwh) {
  /** No tariffs configured. */
  public static final GridTariffs NONE = new GridTariffs(0, 0);

  public GridTariffs {
    if (retailPricePerKwh < 0 || feedInTariffPerKwh < 0) {
      throw new IllegalArgumentException("grid tariffs must not be negative");
    }
  }
}
