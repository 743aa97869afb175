package io.peerwatt.settlement.chain.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.settlement.chain.BroadcastResult;
import io.peerwatt.settlement.chain.ChainUnavailableException;
import io.peerwatt.settlement.chain.DevnetSpends;
import io.peerwatt.settlement.chain.RejectReason;
import io.peerwatt.settlement.chain.TxStatus;
import io.peerwatt.settlement.devnet.DevnetBackend;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NodeRpcBackendTest {
  final DevnetBackend devnet =
      DevnetBackend.inMemory(
          Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC),
          DevnetBackend.DEFAULT_POLICY);
  final FakeNode node;
  final NodeRpcBackend backend;

  NodeRpcBackendTest() throws Exception {
    node = new FakeNode(devnet);
    backend =
        new NodeRpcBackend(node.url("rpc", "secret"), "regtest", Duration.ofMillis(800), 3, 0);
  }

  @AfterEach
  void stop() {
    node.close();
  }

  @Test
  void broadcastStatusAndProofRoundTrip() {
    Transaction parent = DevnetSpends.fund(devnet, 50_000);
    Transaction tx = DevnetSpends.spend(parent, 200);
    BroadcastResult r = backend.broadcast(tx.serialize());
    assertThat(r.outcome()).isEqualTo(BroadcastResult.Outcome.ACCEPTED);
    assertThat(r.txid()).isEqualTo(tx.txidHex());
    assertThat(backend.broadcast(tx.serialize()).outcome())
        .isEqualTo(BroadcastResult.Outcome.ALREADY_KNOWN);
    assertThat(backend.status(tx.txidHex()).state()).isEqualTo(TxStatus.State.MEMPOOL);

    assertThat(backend.generateToAddress(1, "mzBc4XEFSdzCDcTxAgf6EZXgsZWpztRhef")).hasSize(1);
    TxStatus mined = backend.status(tx.txidHex());
    assertThat(mined.state()).isEqualTo(TxStatus.State.MINED);
    assertThat(mined.blockHeight()).isEqualTo(1);
    assertThat(mined.bump().computeRoot(tx.txid()))
        .isEqualTo(devnet.header(1).orElseThrow().merkleRoot());
    assertThat(mined.bump()).isEqualTo(devnet.status(tx.txidHex()).bump());
    assertThat(backend.tip()).isEqualTo(devnet.tip());
    assertThat(backend.headers(0, 10)).isEqualTo(devnet.headers(0, 10));
    assertThat(backend.header(7)).isEmpty();
  }

  @Test
  void rejectionsMapToReasons() {
    Transaction parent = DevnetSpends.fund(devnet, 50_000);
    backend.broadcast(DevnetSpends.spend(parent, 200).serialize());
    BroadcastResult doubleSpend = backend.broadcast(DevnetSpends.spend(parent, 300).serialize());
    assertThat(doubleSpend.reason()).isEqualTo(RejectReason.DOUBLE_SPEND);
    assertThat(doubleSpend.detail()).contains("txn-mempool-conflict");
    Transaction orphan = DevnetSpends.spend(DevnetSpends.spend(parent, 400), 200);
    assertThat(backend.broadcast(orphan.serialize()).reason())
        .isEqualTo(RejectReason.MISSING_INPUTS);
    byte[] bad = DevnetSpends.spend(DevnetSpends.fund(devnet, 9_000), 200).serialize();
    bad[50] ^= 1; // inside the signature
    assertThat(backend.broadcast(bad).reason())
        .isIn(RejectReason.INVALID_SCRIPT, RejectReason.MALFORMED);
    assertThat(backend.status("00".repeat(32)).state()).isEqualTo(TxStatus.State.UNKNOWN);
  }

  @Test
  void feePolicyComesFromWhatMinersTakeNotTheRelayFee() {
    assertThat(backend.feePolicy().satoshisPerKb()).isEqualTo(50);
    NodeRpcBackend floored =
        new NodeRpcBackend(node.url("rpc", "secret"), "regtest", Duration.ofSeconds(2), 1, 80);
    assertThat(floored.feePolicy().satoshisPerKb()).isEqualTo(80);
  }

  @Test
  void aTimedOutBroadcastIsRetriedIdempotently() {
    Transaction tx = DevnetSpends.spend(DevnetSpends.fund(devnet, 50_000), 200);
    node.slowMillis = 1_500;
    node.slowCalls.set(1);
    BroadcastResult r = backend.broadcast(tx.serialize());
    assertThat(r.isAccepted()).isTrue();
    assertThat(r.txid()).isEqualTo(tx.txidHex());
    assertThat(node.sendCalls.get()).isEqualTo(2);
    assertThat(devnet.status(tx.txidHex()).state()).isEqualTo(TxStatus.State.MEMPOOL);
  }

  @Test
  void timeoutsBeyondTheAttemptsAndBadCredentialsAreUnavailable() {
    Transaction tx = DevnetSpends.spend(DevnetSpends.fund(devnet, 50_000), 200);
    node.slowMillis = 1_200;
    node.slowCalls.set(2);
    NodeRpcBackend twice =
        new NodeRpcBackend(node.url("rpc", "secret"), "regtest", Duration.ofMillis(500), 2, 0);
    assertThatThrownBy(() -> twice.broadcast(tx.serialize()))
        .isInstanceOf(ChainUnavailableException.class)
        .hasMessageContaining("timed out");
    NodeRpcBackend wrong =
        new NodeRpcBackend(node.url("rpc", "wrong"), "regtest", Duration.ofSeconds(2), 1, 0);
    assertThatThrownBy(wrong::tip)
        .isInstanceOf(ChainUnavailableException.class)
        .hasMessageContaining("401");
  }
}
