package io.peerwatt.settlement.wallet;

import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxOutput;
import java.util.List;

/**
 * Every transaction the platform made (with the outputs its inputs spend) and those that paid it:
 * the source of the audit export. Recording the same transaction again changes nothing.
 */
public interface TransactionLog {

  void recordMade(Transaction tx, List<TxOutput> spentOutputs, String purpose);

  void recordReceived(Transaction tx, String purpose);

  /** Everything in recording order. */
  List<LoggedTransaction> all();

  /**
   * What the transaction watcher follows, in recording order (parents before children):
   * transactions not seen mined, and those seen mined at {@code fromHeight} or above (a reorg may
   * still take them out).
   */
  List<WatchedTransaction> unsettled(long fromHeight);

  /**
   * Records the block a logged transaction was seen mined in (replacing an earlier one after a
   * reorg).
   */
  void markMined(byte[] txid, long blockHeight, String blockHash);

  /** Records that a logged transaction's block left the best chain. */
  void markUnmined(byte[] txid);
}
