package io.peerwatt.settlement.wallet;

import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxOutput;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A {@link TransactionLog} in memory, for tests. */
public final class InMemoryTransactionLog implements TransactionLog {
  private final Map<String, LoggedTransaction> entries = new LinkedHashMap<>();
  private final Map<String, WatchedTransaction> blocks = new HashMap<>();

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

  @Override
  public synchronized List<WatchedTransaction> unsettled(long fromHeight) {
    List<WatchedTransaction> out = new ArrayList<>();
    for (Map.Entry<String, LoggedTransaction> e : entries.entrySet()) {
      WatchedTransaction mined = blocks.get(e.getKey());
      if (mined == null) {
        out.add(new WatchedTransaction(e.getValue(), -1, null));
      } else if (mined.blockHeight() >= fromHeight) {
        out.add(new WatchedTransaction(e.getValue(), mined.blockHeight(), mined.blockHash()));
      }
    }
    return out;
  }

  @Override
  public synchronized void markMined(byte[] txid, long blockHeight, String blockHash) {
    String key = Transaction.txidToHex(txid);
    LoggedTransaction logged = entries.get(key);
    if (logged == null) {
      throw new IllegalArgumentException("unknown transaction " + key);
    }
    blocks.put(key, new WatchedTransaction(logged, blockHeight, blockHash));
  }

  @Override
  public synchronized void markUnmined(byte[] txid) {
    blocks.remove(Transaction.txidToHex(txid));
  }
}
