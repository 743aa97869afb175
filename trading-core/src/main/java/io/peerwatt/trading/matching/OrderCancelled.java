package io.peerwatt.trading.matching;

/**
 * The book removed the open quantity of an order without an explicit cancel.
 *
 * @param orderId the order
 * @param accountId its account
 * @param cancelledWh the open quantity removed, Wh
 * @param reason why
 */
public record OrderCancelled(long orderId, long accountId, long cancelledWh, CancelReason reason) {}
