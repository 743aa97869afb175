package io.peerwatt.settlement.wallet;

import static io.peerwatt.db.schema.Tables.PLATFORM_TRANSACTION;
import static io.peerwatt.db.schema.Tables.PLATFORM_TRANSACTION_INPUT;

import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxOutput;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;

/**
 * {@link TransactionLog} in PostgreSQL (migration V9: platform_transaction,
 * platform_transaction_input).
 */
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
    db.transaction(
        cfg -> {
          DSLContext d = cfg.dsl();
          // a transaction first seen as received (e.g. a custodial funding the hub saw as payee)
          // becomes made
          int changed =
              d.insertInto(
                      PLATFORM_TRANSACTION,
                      PLATFORM_TRANSACTION.TXID,
                      PLATFORM_TRANSACTION.RAW_TX,
                      PLATFORM_TRANSACTION.ORIGIN,
                      PLATFORM_TRANSACTION.PURPOSE)
                  .values(txid, tx.serialize(), MADE, purpose)
                  .onConflict(PLATFORM_TRANSACTION.TXID)
                  .doUpdate()
                  .set(PLATFORM_TRANSACTION.ORIGIN, MADE)
                  .set(PLATFORM_TRANSACTION.PURPOSE, purpose)
                  .where(PLATFORM_TRANSACTION.ORIGIN.eq(RECEIVED))
                  .execute();
          if (changed == 1) {
            for (int i = 0; i < spentOutputs.size(); i++) {
              d.insertInto(
                      PLATFORM_TRANSACTION_INPUT,
                      PLATFORM_TRANSACTION_INPUT.TXID,
                      PLATFORM_TRANSACTION_INPUT.INPUT_INDEX,
                      PLATFORM_TRANSACTION_INPUT.SATOSHIS,
                      PLATFORM_TRANSACTION_INPUT.LOCKING_SCRIPT)
                  .values(
                      txid, i, spentOutputs.get(i).satoshis(), spentOutputs.get(i).lockingScript())
                  .onConflictDoNothing()
                  .execute();
            }
          }
        });
  }

  @Override
  public void recordReceived(Transaction tx, String purpose) {
    db.insertInto(
            PLATFORM_TRANSACTION,
            PLATFORM_TRANSACTION.TXID,
            PLATFORM_TRANSACTION.RAW_TX,
            PLATFORM_TRANSACTION.ORIGIN,
            PLATFORM_TRANSACTION.PURPOSE)
        .values(tx.txid(), tx.serialize(), RECEIVED, purpose)
        .onConflictDoNothing()
        .execute();
  }

  @Override
  public List<LoggedTransaction> all() {
    return read(DSL.noCondition()).stream().map(WatchedTransaction::logged).toList();
  }

  @Override
  public List<WatchedTransaction> unsettled(long fromHeight) {
    return read(
        PLATFORM_TRANSACTION
            .BLOCK_HEIGHT
            .isNull()
            .or(PLATFORM_TRANSACTION.BLOCK_HEIGHT.ge(fromHeight)));
  }

  @Override
  public void markMined(byte[] txid, long blockHeight, String blockHash) {
    int n =
        db.update(PLATFORM_TRANSACTION)
            .set(PLATFORM_TRANSACTION.BLOCK_HEIGHT, blockHeight)
            .set(PLATFORM_TRANSACTION.BLOCK_HASH, Transaction.txidFromHex(blockHash))
            .where(PLATFORM_TRANSACTION.TXID.eq(txid))
            .execute();
    if (n != 1) {
      throw new IllegalArgumentException("unknown transaction " + Transaction.txidToHex(txid));
    }
  }

  @Override
  public void markUnmined(byte[] txid) {
    db.update(PLATFORM_TRANSACTION)
        .setNull(PLATFORM_TRANSACTION.BLOCK_HEIGHT)
        .setNull(PLATFORM_TRANSACTION.BLOCK_HASH)
        .where(PLATFORM_TRANSACTION.TXID.eq(txid))
        .execute();
  }

  /**
   * The entries matching {@code which}, in recording order, with the outputs their inputs spend.
   */
  private List<WatchedTransaction> read(Condition which) {
    return db.transactionResult(
        cfg -> {
          DSLContext d = cfg.dsl();
          Map<String, List<TxOutput>> inputs = new HashMap<>();
          for (Record r :
              d.select(
                      PLATFORM_TRANSACTION_INPUT.TXID,
                      PLATFORM_TRANSACTION_INPUT.SATOSHIS,
                      PLATFORM_TRANSACTION_INPUT.LOCKING_SCRIPT)
                  .from(PLATFORM_TRANSACTION_INPUT)
                  .where(
                      PLATFORM_TRANSACTION_INPUT.TXID.in(
                          d.select(PLATFORM_TRANSACTION.TXID)
                              .from(PLATFORM_TRANSACTION)
                              .where(which)))
                  .orderBy(PLATFORM_TRANSACTION_INPUT.TXID, PLATFORM_TRANSACTION_INPUT.INPUT_INDEX)
                  .fetch()) {
            inputs
                .computeIfAbsent(
                    Transaction.txidToHex(r.get(PLATFORM_TRANSACTION_INPUT.TXID)),
                    k -> new ArrayList<>())
                .add(
                    new TxOutput(
                        r.get(PLATFORM_TRANSACTION_INPUT.SATOSHIS),
                        r.get(PLATFORM_TRANSACTION_INPUT.LOCKING_SCRIPT)));
          }
          List<WatchedTransaction> out = new ArrayList<>();
          for (Record r :
              d.select(
                      PLATFORM_TRANSACTION.RAW_TX,
                      PLATFORM_TRANSACTION.ORIGIN,
                      PLATFORM_TRANSACTION.PURPOSE,
                      PLATFORM_TRANSACTION.BLOCK_HEIGHT,
                      PLATFORM_TRANSACTION.BLOCK_HASH)
                  .from(PLATFORM_TRANSACTION)
                  .where(which)
                  .orderBy(PLATFORM_TRANSACTION.RECORDED_SEQ)
                  .fetch()) {
            Transaction tx = Transaction.parse(r.get(PLATFORM_TRANSACTION.RAW_TX));
            boolean made = MADE.equals(r.get(PLATFORM_TRANSACTION.ORIGIN));
            Long height = r.get(PLATFORM_TRANSACTION.BLOCK_HEIGHT);
            byte[] hash = r.get(PLATFORM_TRANSACTION.BLOCK_HASH);
            out.add(
                new WatchedTransaction(
                    new LoggedTransaction(
                        tx,
                        made,
                        r.get(PLATFORM_TRANSACTION.PURPOSE),
                        made ? inputs.getOrDefault(tx.txidHex(), List.of()) : List.of()),
                    height == null ? -1 : height,
                    hash == null ? null : Transaction.txidToHex(hash)));
          }
          return out;
        });
  }
}
