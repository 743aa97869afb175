package io.peerwatt.settlement.devnet;

import static io.peerwatt.db.schema.Tables.DEVNET_BLOCK;
import static io.peerwatt.db.schema.Tables.DEVNET_MEMPOOL;
import static io.peerwatt.db.schema.Tables.DEVNET_TRANSACTION;
import static io.peerwatt.db.schema.Tables.DEVNET_UTXO;

import io.peerwatt.protocol.bsv.TxOutput;
import io.peerwatt.settlement.chain.ChainHeader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.Record;

/**
 * {@link DevnetStore} in the PostgreSQL tables of migration V8 (devnet_block, devnet_transaction,
 * devnet_mempool, devnet_utxo).
 */
final class JdbcDevnetStore implements DevnetStore {
  private final DSLContext db;

  JdbcDevnetStore(DSLContext db) {
    this.db = db;
  }

  @Override
  public Snapshot load() {
    return db.transactionResult(
        cfg -> {
          DSLContext tx = cfg.dsl();
          Map<Long, List<byte[]>> txidsByHeight = new HashMap<>();
          Map<Long, byte[]> coinbaseByHeight = new HashMap<>();
          List<byte[]> mined = new ArrayList<>();
          for (Record r :
              tx.select(
                      DEVNET_TRANSACTION.TXID,
                      DEVNET_TRANSACTION.RAW_TX,
                      DEVNET_TRANSACTION.BLOCK_HEIGHT,
                      DEVNET_TRANSACTION.BLOCK_POSITION)
                  .from(DEVNET_TRANSACTION)
                  .where(DEVNET_TRANSACTION.BLOCK_HEIGHT.isNotNull())
                  .orderBy(DEVNET_TRANSACTION.BLOCK_HEIGHT, DEVNET_TRANSACTION.BLOCK_POSITION)
                  .fetch()) {
            long height = r.get(DEVNET_TRANSACTION.BLOCK_HEIGHT);
            txidsByHeight
                .computeIfAbsent(height, h -> new ArrayList<>())
                .add(r.get(DEVNET_TRANSACTION.TXID));
            if (r.get(DEVNET_TRANSACTION.BLOCK_POSITION) == 0) {
              coinbaseByHeight.put(height, r.get(DEVNET_TRANSACTION.RAW_TX));
            } else {
              mined.add(r.get(DEVNET_TRANSACTION.RAW_TX));
            }
          }
          List<DevnetBlock> blocks = new ArrayList<>();
          List<byte[]> coinbases = new ArrayList<>();
          for (Record r :
              tx.select(DEVNET_BLOCK.HEIGHT, DEVNET_BLOCK.HEADER)
                  .from(DEVNET_BLOCK)
                  .orderBy(DEVNET_BLOCK.HEIGHT)
                  .fetch()) {
            long height = r.get(DEVNET_BLOCK.HEIGHT);
            blocks.add(
                new DevnetBlock(
                    new ChainHeader(height, r.get(DEVNET_BLOCK.HEADER)),
                    txidsByHeight.getOrDefault(height, List.of())));
            coinbases.add(coinbaseByHeight.get(height));
          }
          List<byte[]> mempool =
              tx.select(DEVNET_TRANSACTION.RAW_TX)
                  .from(DEVNET_MEMPOOL)
                  .join(DEVNET_TRANSACTION)
                  .on(DEVNET_TRANSACTION.TXID.eq(DEVNET_MEMPOOL.TXID))
                  .orderBy(DEVNET_MEMPOOL.ACCEPTED_SEQ)
                  .fetch(DEVNET_TRANSACTION.RAW_TX);
          Long lastSeq =
              tx.select(org.jooq.impl.DSL.max(DEVNET_MEMPOOL.ACCEPTED_SEQ))
                  .from(DEVNET_MEMPOOL)
                  .fetchOne(0, Long.class);
          List<Utxo> utxos =
              tx.selectFrom(DEVNET_UTXO)
                  .fetch(
                      r ->
                          new Utxo(
                              new Outpoint(r.getTxid(), r.getOutputIndex()),
                              new TxOutput(r.getSatoshis(), r.getLockingScript()),
                              r.getCoinbaseHeight() == null ? -1 : r.getCoinbaseHeight()));
          return new Snapshot(
              blocks, coinbases, mined, mempool, utxos, lastSeq == null ? 0 : lastSeq);
        });
  }

  @Override
  public void saveAccepted(DevnetLedger.Accepted accepted) {
    db.transaction(
        cfg -> {
          DSLContext tx = cfg.dsl();
          tx.insertInto(DEVNET_TRANSACTION, DEVNET_TRANSACTION.TXID, DEVNET_TRANSACTION.RAW_TX)
              .values(accepted.txid(), accepted.rawTx())
              .execute();
          tx.insertInto(DEVNET_MEMPOOL, DEVNET_MEMPOOL.TXID, DEVNET_MEMPOOL.ACCEPTED_SEQ)
              .values(accepted.txid(), accepted.mempoolSequence())
              .execute();
          for (Outpoint op : accepted.spent()) {
            tx.deleteFrom(DEVNET_UTXO)
                .where(DEVNET_UTXO.TXID.eq(op.txid()).and(DEVNET_UTXO.OUTPUT_INDEX.eq(op.index())))
                .execute();
          }
          insertUtxos(tx, accepted.created());
        });
  }

  @Override
  public void saveMined(DevnetLedger.Mined mined) {
    db.transaction(
        cfg -> {
          DSLContext tx = cfg.dsl();
          DevnetBlock block = mined.block();
          long height = block.header().height();
          tx.insertInto(
                  DEVNET_BLOCK,
                  DEVNET_BLOCK.HEIGHT,
                  DEVNET_BLOCK.BLOCK_HASH,
                  DEVNET_BLOCK.HEADER,
                  DEVNET_BLOCK.TX_COUNT)
              .values(height, block.header().hash(), block.header().header(), block.txids().size())
              .execute();
          tx.insertInto(
                  DEVNET_TRANSACTION,
                  DEVNET_TRANSACTION.TXID,
                  DEVNET_TRANSACTION.RAW_TX,
                  DEVNET_TRANSACTION.BLOCK_HEIGHT,
                  DEVNET_TRANSACTION.BLOCK_POSITION)
              .values(block.txids().get(0), mined.coinbaseRaw(), height, 0)
              .execute();
          for (int i = 1; i < block.txids().size(); i++) {
            byte[] txid = block.txids().get(i);
            tx.deleteFrom(DEVNET_MEMPOOL).where(DEVNET_MEMPOOL.TXID.eq(txid)).execute();
            tx.update(DEVNET_TRANSACTION)
                .set(DEVNET_TRANSACTION.BLOCK_HEIGHT, height)
                .set(DEVNET_TRANSACTION.BLOCK_POSITION, i)
                .where(DEVNET_TRANSACTION.TXID.eq(txid))
                .execute();
          }
          insertUtxos(tx, mined.coinbaseOutputs());
        });
  }

  private static void insertUtxos(DSLContext tx, List<Utxo> utxos) {
    for (Utxo u : utxos) {
      tx.insertInto(
              DEVNET_UTXO,
              DEVNET_UTXO.TXID,
              DEVNET_UTXO.OUTPUT_INDEX,
              DEVNET_UTXO.SATOSHIS,
              DEVNET_UTXO.LOCKING_SCRIPT,
              DEVNET_UTXO.COINBASE_HEIGHT)
          .values(
              u.outpoint().txid(),
              u.outpoint().index(),
              u.output().satoshis(),
              u.output().lockingScript(),
              u.isCoinbase() ? u.coinbaseHeight() : null)
          .execute();
    }
  }
}
