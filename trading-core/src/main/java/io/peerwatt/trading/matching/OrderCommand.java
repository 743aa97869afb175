package io.peerwatt.trading.matching;

/**
 * A command to one book. Commands are values: applying the same sequence to a fresh book always
 * gives the same state ({@link OrderBook#stateHash()}), which is what the command log relies on.
 */
public sealed interface OrderCommand permits PlaceOrder, CancelOrder, AmendOrder, CloseGate {

  /** The kind of command (its byte code goes to the log). */
  CommandType type();
}
