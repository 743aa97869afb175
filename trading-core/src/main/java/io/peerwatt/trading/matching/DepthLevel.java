package io.peerwatt.trading.matching;

/**
 * One price level of the book (L2).
 *
 * @param pricePerKwh limit price in the zone's unit (bids: all-in including the grid fee)
 * @param quantityWh total open quantity at this price, Wh
 * @param orderCount number of open orders at this price
 */
public record DepthLevel(long pricePerKwh, long quantityWh, int orderCount) {}
