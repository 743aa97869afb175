package io.peerwatt.settlement.wallet;

import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxOutput;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A {@link TransactionLog} in memory, for tests. */
public final class InMemoryTransactionLog implements TransactionLog {
  private final Map<String, LoggedTransaction> entries = new LinkedHashMap<>();

  @Override
  public synchronized void recordMade(Transaction tx, List<TxOutput> spentOutputs, String purpose) {
    LoggedTransaction existing = entries.get(tx.txidHex());
    if (existing == null || !existing.made()) {
      entries.put(tx.txidHex(), new LoggedTransaction(tx, true, purpose, spentOutputs));
    }
  }

  @Override
  public synchronized void recordReceived(Transaction tx, String purpose) {
    entries.putIfAbsent(tx.txidHex(), new LoggedTransaction(tx, false, purpose, List.of()));
  }

  @Override
  public synchronized List<LoggedTransaction> all() {
    return new ArrayList<>(entries.values());
  }
}
