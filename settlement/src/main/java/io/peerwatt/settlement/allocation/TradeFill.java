package io.peerwatt.settlement.allocation;

/**
 * A trade of the slot as settlement needs it.
 *
 * @param tradeId the trade's identifier (positive), used as the line's reference and as tie-breaker
 * @param buyerAccountId buying account
 * @param sellerAccountId selling account
 * @param quantityWh traded energy, Wh, positive
 * @param pricePerKwh trade price in the zone's unit (milli-cent or sat per kWh)
 * @param gridFeePerKwh the grid fee the buyer pays on top, same unit, not negative
 */
public record TradeFill(
    long tradeId,
    long buyerAccountId,
    long sellerAccountId,
    long quantityWh,
    long pricePerKwh,
    long gridFeePerKwh) {

  public TradeFill {
    if (tradeId <= 0) {
      throw new IllegalArgumentException("trade id must be positive: " + tradeId);
    }
    if (quantityWh <= 0) {
      throw new IllegalArgumentException("trade quantity must be positive: " + quantityWh);
    }
    if (gridFeePerKwh < 0) {
      throw new IllegalArgumentException("grid fee must not be negative: " + gridFeePerKwh);
    }
  }
}
