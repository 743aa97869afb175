package io.peerwatt.settlement.wallet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxOutput;
import io.peerwatt.settlement.chain.DevnetSpends;
import io.peerwatt.settlement.devnet.DevnetBackend;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Where logged transactions were seen mined, in PostgreSQL and in memory alike. */
@ExtendWith(PostgresExtension.class)
class TransactionLogBlocksTest {
  static final String BLOCK_A = "aa".repeat(32);
  static final String BLOCK_B = "bb".repeat(32);

  @Test
  void inPostgres(DSLContext db) {
    db.deleteFrom(io.peerwatt.db.schema.Tables.PLATFORM_TRANSACTION_INPUT).execute();
    db.deleteFrom(io.peerwatt.db.schema.Tables.PLATFORM_TRANSACTION).execute();
    checkBlocks(new JdbcTransactionLog(db));
  }

  @Test
  void inMemory() {
    checkBlocks(new InMemoryTransactionLog());
  }

  static void checkBlocks(TransactionLog log) {
    DevnetBackend devnet =
        DevnetBackend.inMemory(
            Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC),
            DevnetBackend.DEFAULT_POLICY);
    Transaction funding = DevnetSpends.fund(devnet, 50_000);
    Transaction spend = DevnetSpends.spend(funding, 200);
    log.recordReceived(funding, "funding");
    log.recordMade(
        spend,
        List.of(
            new TxOutput(
                funding.outputs().get(0).satoshis(), funding.outputs().get(0).lockingScript())),
        "anchor");
    assertThat(log.unsettled(0))
        .extracting(WatchedTransaction::txid)
        .containsExactly(funding.txidHex(), spend.txidHex());
    assertThat(log.unsettled(0)).allSatisfy(w -> assertThat(w.isMined()).isFalse());

    log.markMined(funding.txid(), 10, BLOCK_A);
    log.markMined(spend.txid(), 12, BLOCK_A);
    assertThat(log.unsettled(11))
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.txid()).isEqualTo(spend.txidHex());
              assertThat(w.blockHeight()).isEqualTo(12);
              assertThat(w.blockHash()).isEqualTo(BLOCK_A);
              assertThat(w.logged().made()).isTrue();
              assertThat(w.logged().spentOutputs()).hasSize(1);
            });
    log.markMined(spend.txid(), 13, BLOCK_B); // a reorg moved it
    assertThat(log.unsettled(13))
        .singleElement()
        .satisfies(w -> assertThat(w.blockHash()).isEqualTo(BLOCK_B));
    log.markUnmined(spend.txid());
    assertThat(log.unsettled(100))
        .singleElement()
        .satisfies(w -> assertThat(w.isMined()).isFalse());
    assertThat(log.all()).hasSize(2);
    assertThatThrownBy(() -> log.markMined(new byte[32], 1, BLOCK_A))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
