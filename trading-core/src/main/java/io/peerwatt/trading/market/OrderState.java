package io.peerwatt.trading.market;

/**
 * Life-cycle state of an order as stored in {@code market_order.state} (the name is the stored
 * code).
 */
public enum OrderState {
  /** Resting, nothing traded yet. */
  OPEN,
  /** Resting, part traded. */
  PARTIALLY_FILLED,
  /** Traded completely. */
  FILLED,
  /** Cancelled by its owner (or by the rule that placed it). */
  CANCELLED,
  /** Removed by the book: IOC remainder, AON not fillable, or still open at gate closure. */
  EXPIRED
}
