package io.peerwatt.settlement.wallet;

import static io.peerwatt.db.schema.Tables.PLATFORM_TRANSACTION;
import static io.peerwatt.db.schema.Tables.PLATFORM_TRANSACTION_INPUT;

import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxOutput;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.Record;

/** {@link TransactionLog} in PostgreSQL (migration V9: platform_transaction, platform_transaction_input). */
public final class JdbcTransactionLog implements TransactionLog {
  private static final String MADE = "made";
  private static final String RECEIVED = "received";
  private final DSLContext db;

  public JdbcTransactionLog(DSLContext db) {
    this.db = db;
  }

  @Override
  public void recordMade(Transaction tx, List<TxOutput> spentOutputs, String purpose) {
    if (spentOutputs.size() != tx.inputs().size()) {
      throw new IllegalArgumentException("a made transaction needs the output of each input");
    }
    byte[] txid = tx.txid();
    db.transaction(cfg -> {
      DSLContext d = cfg.dsl();
      // a transaction first seen as received (e.g. a custodial funding the hub saw as payee) becomes made
      int changed = d.insertInto(PLATFORM_TRANSACTION, PLATFORM_TRANSACTION.TXID, PLATFORM_TRANSACTION.RAW_TX,
              PLATFORM_TRANSACTION.ORIGIN, PLATFORM_TRANSACTION.PURPOSE)
          .values(txid, tx.serialize(), MADE, purpose)
          .onConflict(PLATFORM_TRANSACTION.TXID).doUpdate()
          .set(PLATFORM_TRANSACTION.ORIGIN, MADE)
          .set(PLATFORM_TRANSACTION.PURPOSE, purpose)
          .where(PLATFORM_TRANSACTION.ORIGIN.eq(RECEIVED))
          .execute();
      if (changed == 1) {
        for (int i = 0; i < spentOutputs.size(); i++) {
          d.insertInto(PLATFORM_TRANSACTION_INPUT, PLATFORM_TRANSACTION_INPUT.TXID, PLATFORM_TRANSACTION_INPUT.INPUT_INDEX,
                  PLATFORM_TRANSACTION_INPUT.SATOSHIS, PLATFORM_TRANSACTION_INPUT.LOCKING_SCRIPT)
              .values(txid, i, spentOutputs.get(i).satoshis(), spentOutputs.get(i).lockingScript())
              .onConflictDoNothing().execute();
        }
      }
    });
  }

  @Override
  public void recordReceived(Transaction tx, String purpose) {
    db.insertInto(PLATFORM_TRANSACTION, PLATFORM_TRANSACTION.TXID, PLATFORM_TRANSACTION.RAW_TX,
            PLATFORM_TRANSACTION.ORIGIN, PLATFORM_TRANSACTION.PURPOSE)
        .values(tx.txid(), tx.serialize(), RECEIVED, purpose).onConflictDoNothing().execute();
  }

  @Override
  public List<LoggedTransaction> all() {
    return db.transactionResult(cfg -> {
      DSLContext d = cfg.dsl();
      Map<String, List<TxOutput>> inputs = new HashMap<>();
      for (Record r : d.select(PLATFORM_TRANSACTION_INPUT.TXID, PLATFORM_TRANSACTION_INPUT.SATOSHIS,
              PLATFORM_TRANSACTION_INPUT.LOCKING_SCRIPT)
          .from(PLATFORM_TRANSACTION_INPUT)
          .orderBy(PLATFORM_TRANSACTION_INPUT.TXID, PLATFORM_TRANSACTION_INPUT.INPUT_INDEX).fetch()) {
        inputs.computeIfAbsent(Transaction.txidToHex(r.get(PLATFORM_TRANSACTION_INPUT.TXID)), k -> new ArrayList<>())
            .add(new TxOutput(r.get(PLATFORM_TRANSACTION_INPUT.SATOSHIS), r.get(PLATFORM_TRANSACTION_INPUT.LOCKING_SCRIPT)));
      }
      List<LoggedTransaction> out = new ArrayList<>();
      for (Record r : d.select(PLATFORM_TRANSACTION.RAW_TX, PLATFORM_TRANSACTION.ORIGIN, PLATFORM_TRANSACTION.PURPOSE)
          .from(PLATFORM_TRANSACTION).orderBy(PLATFORM_TRANSACTION.RECORDED_SEQ).fetch()) {
        Transaction tx = Transaction.parse(r.get(PLATFORM_TRANSACTION.RAW_TX));
        boolean made = MADE.equals(r.get(PLATFORM_TRANSACTION.ORIGIN));
        out.add(new LoggedTransaction(tx, made, r.get(PLATFORM_TRANSACTION.PURPOSE),
            made ? inputs.getOrDefault(tx.txidHex(), List.of()) : List.of()));
      }
      return out;
    });
  }
}
