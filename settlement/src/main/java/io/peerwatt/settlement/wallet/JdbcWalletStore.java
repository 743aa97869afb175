package io.peerwatt.settlement.wallet;

import static io.peerwatt.db.schema.Tables.HUB_WALLET_OUTPUT;

import io.peerwatt.db.schema.tables.records.HubWalletOutputRecord;
import java.util.List;
import org.jooq.DSLContext;

/** {@link WalletStore} in PostgreSQL (migration V9: hub_wallet_output, rows of one key_label). */
public final class JdbcWalletStore implements WalletStore {
  private final DSLContext db;
  private final String walletLabel;

  /** The hub wallet's store. */
  public JdbcWalletStore(DSLContext db) {
    this(db, HubWallet.WALLET_KEY_LABEL);
  }

  /** The store of the wallet whose vault key is {@code walletLabel} (e.g. a custodial buyer's). */
  public JdbcWalletStore(DSLContext db, String walletLabel) {
    this.db = db;
    this.walletLabel = walletLabel;
  }

  @Override
  public String walletLabel() {
    return walletLabel;
  }

  @Override
  public void add(List<WalletOutput> outputs) {
    db.transaction(
        cfg -> {
          for (WalletOutput o : outputs) {
            cfg.dsl()
                .insertInto(HUB_WALLET_OUTPUT)
                .set(HUB_WALLET_OUTPUT.TXID, o.txid())
                .set(HUB_WALLET_OUTPUT.OUTPUT_INDEX, o.index())
                .set(HUB_WALLET_OUTPUT.SATOSHIS, o.satoshis())
                .set(HUB_WALLET_OUTPUT.LOCKING_SCRIPT, o.lockingScript())
                .set(HUB_WALLET_OUTPUT.KEY_LABEL, walletLabel)
                .set(
                    HUB_WALLET_OUTPUT.CONFIRMED_HEIGHT,
                    o.isConfirmed() ? o.confirmedHeight() : null)
                .set(HUB_WALLET_OUTPUT.SPENT_BY_TXID, o.spentByTxid())
                .onConflictDoNothing()
                .execute();
          }
        });
  }

  @Override
  public List<WalletOutput> unspent() {
    return db.selectFrom(HUB_WALLET_OUTPUT)
        .where(
            HUB_WALLET_OUTPUT
                .SPENT_BY_TXID
                .isNull()
                .and(HUB_WALLET_OUTPUT.KEY_LABEL.eq(walletLabel)))
        .orderBy(
            HUB_WALLET_OUTPUT.CREATED_AT, HUB_WALLET_OUTPUT.TXID, HUB_WALLET_OUTPUT.OUTPUT_INDEX)
        .fetch(JdbcWalletStore::toOutput);
  }

  @Override
  public void markSpent(List<WalletOutput> outputs, byte[] spendingTxid) {
    db.transaction(
        cfg -> {
          for (WalletOutput o : outputs) {
            int n =
                cfg.dsl()
                    .update(HUB_WALLET_OUTPUT)
                    .set(HUB_WALLET_OUTPUT.SPENT_BY_TXID, spendingTxid)
                    .where(
                        HUB_WALLET_OUTPUT
                            .TXID
                            .eq(o.txid())
                            .and(HUB_WALLET_OUTPUT.OUTPUT_INDEX.eq(o.index()))
                            .and(HUB_WALLET_OUTPUT.SPENT_BY_TXID.isNull()))
                    .execute();
            if (n != 1) {
              throw new IllegalStateException(
                  "wallet output " + o.outpoint() + " is not spendable");
            }
          }
        });
  }

  @Override
  public List<WalletOutput> spentBy(byte[] spendingTxid) {
    return db.selectFrom(HUB_WALLET_OUTPUT)
        .where(
            HUB_WALLET_OUTPUT
                .SPENT_BY_TXID
                .eq(spendingTxid)
                .and(HUB_WALLET_OUTPUT.KEY_LABEL.eq(walletLabel)))
        .fetch(JdbcWalletStore::toOutput);
  }

  @Override
  public void releaseSpentBy(byte[] spendingTxid) {
    db.update(HUB_WALLET_OUTPUT)
        .setNull(HUB_WALLET_OUTPUT.SPENT_BY_TXID)
        .where(
            HUB_WALLET_OUTPUT
                .SPENT_BY_TXID
                .eq(spendingTxid)
                .and(HUB_WALLET_OUTPUT.KEY_LABEL.eq(walletLabel)))
        .execute();
  }

  @Override
  public void confirm(byte[] txid, long height) {
    db.update(HUB_WALLET_OUTPUT)
        .set(HUB_WALLET_OUTPUT.CONFIRMED_HEIGHT, height)
        .where(HUB_WALLET_OUTPUT.TXID.eq(txid).and(HUB_WALLET_OUTPUT.KEY_LABEL.eq(walletLabel)))
        .execute();
  }

  private static WalletOutput toOutput(HubWalletOutputRecord r) {
    return new WalletOutput(
        r.getTxid(),
        r.getOutputIndex(),
        r.getSatoshis(),
        r.getLockingScript(),
        r.getKeyLabel(),
        r.getConfirmedHeight() == null ? -1 : r.getConfirmedHeight(),
        r.getSpentByTxid());
  }
}
