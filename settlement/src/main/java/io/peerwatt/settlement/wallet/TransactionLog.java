package io.peerwatt.settlement.wallet;

import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxOutput;
import java.util.List;

/**
 * Every transaction the platform made (with the outputs its inputs spend) and those that paid it: the
 * source of the audit export. Recording the same transaction again changes nothing.
 */
public interface TransactionLog {

  void recordMade(Transaction tx, List<TxOutput> spentOutputs, String purpose);

  void recordReceived(Transaction tx, String purpose);

  /** Everything in recording order. */
  List<LoggedTransaction> all();
}
