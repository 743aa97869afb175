package io.peerwatt.settlement.wallet;

import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxOutput;
import java.util.List;
import java.util.Objects;

/**
 * A transaction in the platform's log.
 *
 * @param transaction the transaction
 * @param made true when the platform signed it; false for one that paid the platform (kept as a
 *     parent)
 * @param purpose what it was for (e.g. "wallet-payment", "channel-funding", "channel-close",
 *     "channel-refund")
 * @param spentOutputs for made transactions, the output each input spends, in input order; empty
 *     otherwise
 */
public record LoggedTransaction(
    Transaction transaction, boolean made, String purpose, List<TxOutput> spentOutputs) {
  public LoggedTransaction {
    Objects.requireNonNull(transaction, "transaction");
    Objects.requireNonNull(purpose, "purpose");
    spentOutputs = List.copyOf(spentOutputs);
    if (made && spentOutputs.size() != transaction.inputs().size()) {
      throw new IllegalArgumentException("a made transaction needs the output of each input");
    }
  }
}
