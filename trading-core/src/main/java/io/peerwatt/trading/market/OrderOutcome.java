package io.peerwatt.trading.market;

/** The answer to place, cancel or amend: the order as stored afterwards, or why nothing changed. */
public sealed interface OrderOutcome permits OrderOutcome.Accepted, OrderOutcome.Rejected {

  /** The command was applied and committed. */
  record Accepted(StoredOrder order) implements OrderOutcome {}

  /** The command was refused and changed nothing. */
  record Rejected(Rejection rejection) implements OrderOutcome {}
}
