package io.peerwatt.trading.matching;

/**
 * Cancel an open order.
 *
 * @param orderId the order
 * @param accountId the account asking; must own the order
 */
public record CancelOrder(long orderId, long accountId) implements OrderCommand {

  @Override
  public CommandType type() {
    return CommandType.CANCEL_ORDER;
  }

  @Override
  public String toString() {
    return "[CANCEL o" + orderId + " a" + accountId + "]";
  }
}
