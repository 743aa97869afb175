package io.peerwatt.settlement.devnet;

import static io.peerwatt.settlement.devnet.DevnetTestKit.key;
import static io.peerwatt.settlement.devnet.DevnetTestKit.p2pkh;
import static io.peerwatt.settlement.devnet.DevnetTestKit.spend;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.protocol.bsv.FeePolicy;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxOutput;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.settlement.chain.ChainHeader;
import io.peerwatt.settlement.chain.RejectReason;
import io.peerwatt.settlement.chain.TxStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The devnet survives a restart: chain, mempool and UTXO set come back from PostgreSQL. */
@ExtendWith(PostgresExtension.class)
class DevnetPersistenceTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC);

  @Test
  void resumesChainMempoolAndUtxosAfterRestart(DSLContext db) {
    PrivateKey alice = key(21);
    PrivateKey bob = key(22);
    FeePolicy policy = new FeePolicy(50, 1);
    DevnetBackend first = DevnetBackend.open(db, CLOCK, policy);
    Transaction funding = Transaction.parse(first.faucet(p2pkh(alice), 500_000).rawTx());
    Transaction a = spend(alice, funding, 0, List.of(new TxOutput(490_000, p2pkh(bob))));
    assertThat(first.broadcast(a.serialize()).isAccepted()).isTrue();
    ChainHeader mined = first.mineBlocks(1).get(0);
    Transaction b = spend(bob, a, 0, List.of(new TxOutput(480_000, p2pkh(alice))));
    assertThat(first.broadcast(b.serialize()).isAccepted()).isTrue();
    first.close();

    DevnetBackend second = DevnetBackend.open(db, CLOCK, policy);
    assertThat(second.tip()).isEqualTo(mined);
    assertThat(second.header(0)).isEqualTo(first.header(0));
    assertThat(second.status(a.txidHex()).state()).isEqualTo(TxStatus.State.MINED);
    assertThat(second.status(a.txidHex()).bump().computeRoot(a.txid()))
        .isEqualTo(mined.merkleRoot());
    assertThat(second.status(b.txidHex()).state()).isEqualTo(TxStatus.State.MEMPOOL);
    // spent outputs stay spent, unspent ones stay spendable
    Transaction conflict = spend(alice, funding, 0, List.of(new TxOutput(400_000, p2pkh(alice))));
    assertThat(second.broadcast(conflict.serialize()).reason())
        .isEqualTo(RejectReason.DOUBLE_SPEND);
    Transaction c = spend(alice, b, 0, List.of(new TxOutput(470_000, p2pkh(bob))));
    assertThat(second.broadcast(c.serialize()).isAccepted()).isTrue();
    ChainHeader next = second.mineBlocks(1).get(0);
    assertThat(second.blockTxids(next.height())).containsSubsequence(b.txidHex(), c.txidHex());
    assertThat(next.prevHash()).isEqualTo(mined.hash());
    // faucet change from before the restart is still the faucet's
    assertThat(second.faucet(p2pkh(bob), 1_000).txid()).hasSize(64);
  }
}
