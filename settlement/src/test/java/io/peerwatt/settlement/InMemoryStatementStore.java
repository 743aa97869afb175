package io.peerwatt.settlement;

import io.peerwatt.protocol.statement.Statement;
import io.peerwatt.protocol.statement.StatementCodec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A {@link StatementStore} in memory, with the same uniqueness rules as the tables; thread-safe, as
 * the payment lanes of a pass need.
 */
final class InMemoryStatementStore implements StatementStore {
  final Map<SlotKey, SettledSlot> slots = new HashMap<>();
  final List<Statement> statements = new ArrayList<>();
  final List<PaymentRecord> payments = new ArrayList<>();
  final Map<Long, ChannelTarget> targets = new HashMap<>();

  @Override
  public synchronized Optional<ChannelTarget> target(long paymentId) {
    return Optional.ofNullable(targets.get(paymentId));
  }

  @Override
  public synchronized void recordTarget(long paymentId, ChannelTarget target) {
    if (payments.stream().noneMatch(r -> r.payment().id() == paymentId)) {
      throw new IllegalStateException("unknown payment " + paymentId);
    }
    targets.put(paymentId, target);
  }

  @Override
  public synchronized Optional<SettledSlot> settledSlot(SlotKey key) {
    return Optional.ofNullable(slots.get(key));
  }

  @Override
  public synchronized Map<Long, Statement> latestStatements(SlotKey key) {
    Map<Long, Statement> latest = new TreeMap<>();
    for (Statement s : statements) {
      if (key.equals(new SlotKey(s.zoneCode(), s.slot()))) {
        latest.merge(s.accountId(), s, (a, b) -> a.version() > b.version() ? a : b);
      }
    }
    return latest;
  }

  @Override
  public synchronized List<Statement> versions(long accountId, SlotKey key) {
    return statements.stream()
        .filter(s -> s.accountId() == accountId && key.equals(new SlotKey(s.zoneCode(), s.slot())))
        .toList();
  }

  @Override
  public synchronized void record(
      SettledSlot slot,
      List<Statement> newVersions,
      List<SettlementPayment> newPayments,
      Instant at) {
    for (Statement s : newVersions) {
      for (Statement old : statements) {
        if (old.accountId() == s.accountId()
            && old.zoneCode().equals(s.zoneCode())
            && old.slot().equals(s.slot())
            && old.version() == s.version()) {
          throw new IllegalStateException("duplicate statement version");
        }
      }
    }
    slots.putIfAbsent(slot.key(), slot);
    statements.addAll(newVersions);
    for (SettlementPayment p : newPayments) {
      payments.add(
          new PaymentRecord(
              new SettlementPayment(
                  payments.size() + 1,
                  p.statement(),
                  StatementCodec.hashHex(p.statement()),
                  p.amountSat()),
              PaymentOutcome.pending("")));
    }
  }

  @Override
  public synchronized List<SettlementPayment> pendingPayments(int limit) {
    return payments.stream()
        .filter(r -> r.outcome().status() == PaymentStatus.PENDING)
        .map(PaymentRecord::payment)
        .limit(limit)
        .toList();
  }

  @Override
  public synchronized void markPayment(long paymentId, PaymentOutcome outcome, Instant at) {
    for (int i = 0; i < payments.size(); i++) {
      if (payments.get(i).payment().id() == paymentId) {
        payments.set(i, new PaymentRecord(payments.get(i).payment(), outcome));
      }
    }
  }

  @Override
  public synchronized List<PaymentRecord> payments(long accountId, SlotKey key) {
    return payments.stream()
        .filter(
            r ->
                r.payment().accountId() == accountId
                    && key.equals(
                        new SlotKey(
                            r.payment().statement().zoneCode(), r.payment().statement().slot())))
        .toList();
  }
}
