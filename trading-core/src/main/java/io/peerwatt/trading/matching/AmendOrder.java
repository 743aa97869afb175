package io.peerwatt.trading.matching;

/**
 * Change an open order's remaining quantity and/or limit price (send the current value for the one
 * that stays). Shrinking the quantity at the same price keeps time priority; a price change or a
 * larger quantity re-enters the order at the back of its price level (and, in a continuous book,
 * may trade at once).
 *
 * @param orderId the order
 * @param accountId the account asking; must own the order
 * @param quantityWh the new open (unfilled) quantity, Wh
 * @param limitPricePerKwh the new limit price in the zone's unit
 */
public record AmendOrder(long orderId, long accountId, long quantityWh, long limitPricePerKwh)
    implements OrderCommand {

  @Override
  public CommandType type() {
    return CommandType.AMEND_ORDER;
  }

  @Override
  public String toString() {
    return "[AMEND o"
        + orderId
        + " a"
        + accountId
        + " "
        + limitPricePerKwh
        + ":"
        + quantityWh
        + "Wh]";
  }
}
