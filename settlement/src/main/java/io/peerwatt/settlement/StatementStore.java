package io.peerwatt.settlement;

import io.peerwatt.protocol.statement.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Where statements, the settled slots' basis and the payment outbox live. Blocking. */
public interface StatementStore extends PaymentAttempts {

  /** The basis of a slot settled before. */
  Optional<SettledSlot> settledSlot(SlotKey key);

  /** The newest statement version of every account settled in the slot. */
  Map<Long, Statement> latestStatements(SlotKey key);

  /** Every version of one account's statement for the slot, oldest first. */
  List<Statement> versions(long accountId, SlotKey key);

  /**
   * Atomically: records the slot's basis (first time) or its settlement time, inserts the new
   * statement versions and their payments (ids ignored) as pending.
   *
   * @throws RuntimeException when another settlement wrote the same versions first (nothing is
   *     written)
   */
  void record(
      SettledSlot slot, List<Statement> newVersions, List<SettlementPayment> payments, Instant at);

  /** Up to {@code limit} pending payments, oldest first. */
  List<SettlementPayment> pendingPayments(int limit);

  /** Records a payment's outcome (a pending outcome only touches its update time). */
  void markPayment(long paymentId, PaymentOutcome outcome, Instant at);

  /** Every payment of an account for a slot, oldest first, with its outcome so far. */
  List<PaymentRecord> payments(long accountId, SlotKey key);
}
