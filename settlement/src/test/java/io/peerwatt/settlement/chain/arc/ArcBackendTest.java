package io.peerwatt.settlement.chain.arc;

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

class ArcBackendTest {
  final DevnetBackend devnet =
      DevnetBackend.inMemory(
          Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC),
          DevnetBackend.DEFAULT_POLICY);
  final FakeArc arc;
  final ArcBackend backend;

  ArcBackendTest() throws Exception {
    arc = new FakeArc(devnet);
    backend = backend(FakeArc.API_KEY, Duration.ofMillis(800), 3);
  }

  ArcBackend backend(String key, Duration timeout, int attempts) {
    return backend(key, timeout, attempts, 0);
  }

  ArcBackend backend(String key, Duration timeout, int attempts, long minFeeSatsPerKb) {
    return new ArcBackend(
        arc.url(),
        key,
        "testnet",
        new BlockHeadersClient(arc.url(), FakeArc.API_KEY, timeout),
        timeout,
        attempts,
        minFeeSatsPerKb);
  }

  @AfterEach
  void stop() {
    arc.close();
  }

  @Test
  void broadcastStatusMerklePathAndHeadersRoundTrip() {
    Transaction tx = DevnetSpends.spend(DevnetSpends.fund(devnet, 50_000), 200);
    assertThat(backend.broadcast(tx.serialize()).outcome())
        .isEqualTo(BroadcastResult.Outcome.ACCEPTED);
    assertThat(backend.broadcast(tx.serialize()).outcome())
        .isEqualTo(BroadcastResult.Outcome.ALREADY_KNOWN);
    assertThat(backend.status(tx.txidHex()).state()).isEqualTo(TxStatus.State.MEMPOOL);
    devnet.mineBlocks(2);
    TxStatus mined = backend.status(tx.txidHex());
    assertThat(mined.state()).isEqualTo(TxStatus.State.MINED);
    assertThat(mined.blockHeight()).isEqualTo(1);
    assertThat(mined.bump().computeRoot(tx.txid()))
        .isEqualTo(backend.header(1).orElseThrow().merkleRoot());
    assertThat(backend.headers(0, 10)).isEqualTo(devnet.headers(0, 10));
    assertThat(backend.tip()).isEqualTo(devnet.tip());
    assertThat(backend.header(9)).isEmpty();
    assertThat(backend.status("00".repeat(32)).state()).isEqualTo(TxStatus.State.UNKNOWN);
  }

  @Test
  void arcErrorAnswersMapToReasons() {
    Transaction parent = DevnetSpends.fund(devnet, 50_000);
    backend.broadcast(DevnetSpends.spend(parent, 200).serialize());
    BroadcastResult doubleSpend = backend.broadcast(DevnetSpends.spend(parent, 300).serialize());
    assertThat(doubleSpend.reason()).isEqualTo(RejectReason.DOUBLE_SPEND);
    Transaction orphan = DevnetSpends.spend(DevnetSpends.spend(parent, 400), 200);
    assertThat(backend.broadcast(orphan.serialize()).reason())
        .isEqualTo(RejectReason.MISSING_INPUTS);
    byte[] bad = DevnetSpends.spend(DevnetSpends.fund(devnet, 9_000), 200).serialize();
    bad[50] ^= 1;
    BroadcastResult badScript = backend.broadcast(bad);
    assertThat(badScript.isAccepted()).isFalse();
    assertThat(badScript.detail()).startsWith("46");
    assertThat(ArcBackend.reasonFor(465)).isEqualTo(RejectReason.FEE_TOO_LOW);
    assertThat(ArcBackend.reasonFor(461)).isEqualTo(RejectReason.INVALID_SCRIPT);
  }

  @Test
  void policyGivesTheMiningFeePerKb() {
    assertThat(backend.feePolicy().satoshisPerKb()).isEqualTo(1);
    assertThat(backend(FakeArc.API_KEY, Duration.ofSeconds(2), 1, 250).feePolicy().satoshisPerKb())
        .isEqualTo(250);
  }

  @Test
  void timeoutsAnd503AreRetriedWithTheSameTransaction() {
    Transaction tx = DevnetSpends.spend(DevnetSpends.fund(devnet, 50_000), 200);
    arc.slowMillis = 1_500;
    arc.slowCalls.set(1);
    BroadcastResult r = backend.broadcast(tx.serialize());
    assertThat(r.isAccepted()).isTrue();
    assertThat(r.txid()).isEqualTo(tx.txidHex());
    assertThat(arc.posts.get()).isEqualTo(2);

    Transaction next = DevnetSpends.spend(tx, 200);
    arc.unavailable.set(1);
    assertThat(backend.broadcast(next.serialize()).isAccepted()).isTrue();
    assertThat(devnet.status(next.txidHex()).state()).isEqualTo(TxStatus.State.MEMPOOL);
  }

  @Test
  void exhaustedRetriesAndAWrongKeyAreUnavailable() {
    Transaction tx = DevnetSpends.spend(DevnetSpends.fund(devnet, 50_000), 200);
    arc.unavailable.set(5);
    assertThatThrownBy(() -> backend.broadcast(tx.serialize()))
        .isInstanceOf(ChainUnavailableException.class)
        .hasMessageContaining("503");
    assertThatThrownBy(() -> backend("wrong", Duration.ofSeconds(2), 1).feePolicy())
        .isInstanceOf(ChainUnavailableException.class)
        .hasMessageContaining("401");
  }
}
