package io.peerwatt.trading.matching;

/**
 * One fill between a buy order and a sell order.
 *
 * @param buyOrderId the buy order
 * @param buyerAccountId its account
 * @param sellOrderId the sell order
 * @param sellerAccountId its account
 * @param quantityWh energy traded, Wh, positive
 * @param pricePerKwh energy price in the zone's unit: what the seller receives per kWh
 * @param gridFeePerKwh the zone's grid fee, paid by the buyer on top of the price
 * @param tier why these two were paired
 */
public record Trade(
    long buyOrderId,
    long buyerAccountId,
    long sellOrderId,
    long sellerAccountId,
    long quantityWh,
    long pricePerKwh,
    long gridFeePerKwh,
    PreferenceTier tier) {

  /** What the buyer pays per kWh: price plus grid fee. */
  public long buyerPaysPerKwh() {
    return Math.addExact(pricePerKwh, gridFeePerKwh);
  }

  @Override
  public String toString() {
    return "[TRADE b"
        + buyOrderId
        + " s"
        + sellOrderId
        + " "
        + quantityWh
        + "Wh@"
        + pricePerKwh
        + "+"
        + gridFeePerKwh
        + " "
        + tier
        + "]";
  }
}
