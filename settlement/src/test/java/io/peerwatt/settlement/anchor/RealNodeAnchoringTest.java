package io.peerwatt.settlement.anchor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.bsv.FeePolicy;
import io.peerwatt.protocol.bsv.Script;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxOutput;
import io.peerwatt.protocol.spv.BlockHeader;
import io.peerwatt.protocol.spv.Bump;
import io.peerwatt.settlement.chain.BroadcastResult;
import io.peerwatt.settlement.chain.ChainBackend;
import io.peerwatt.settlement.chain.ChainHeader;
import io.peerwatt.settlement.chain.ChainUnavailableException;
import io.peerwatt.settlement.chain.TxStatus;
import io.peerwatt.settlement.chain.node.NodeRpcBackend;
import io.peerwatt.settlement.chain.node.RegtestNode;
import io.peerwatt.settlement.wallet.HubWallet;
import io.peerwatt.settlement.wallet.InMemoryTransactionLog;
import io.peerwatt.settlement.wallet.InMemoryWalletStore;
import io.peerwatt.settlement.wallet.TransactionWatcher;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Anchoring, the hub wallet and the transaction watcher against a real Bitcoin SV 1.2.2 node in
 * regtest whose miners take 0.5 sat/byte: what they send is mined; what waits unmined is bumped; a
 * reorg moves proofs to the new block and sends again what fell out; a node restart loses nothing.
 */
@ExtendWith(RegtestNode.Available.class)
class RealNodeAnchoringTest {
  static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
  static RegtestNode node;

  @BeforeAll
  static void start() {
    node = RegtestNode.start("-minminingtxfee=0.00000500");
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  /**
   * A backend whose fee policy can be set below the node's (as when miners raise their rate later).
   */
  static final class PolicyOverride implements ChainBackend {
    final ChainBackend real;
    volatile FeePolicy override;

    PolicyOverride(ChainBackend real) {
      this.real = real;
    }

    @Override
    public String network() {
      return real.network();
    }

    @Override
    public BroadcastResult broadcast(byte[] rawTx) {
      return real.broadcast(rawTx);
    }

    @Override
    public TxStatus status(String txid) {
      return real.status(txid);
    }

    @Override
    public Optional<ChainHeader> header(long height) {
      return real.header(height);
    }

    @Override
    public List<ChainHeader> headers(long fromHeight, int count) {
      return real.headers(fromHeight, count);
    }

    @Override
    public ChainHeader tip() {
      return real.tip();
    }

    @Override
    public FeePolicy feePolicy() {
      FeePolicy o = override;
      return o != null ? o : real.feePolicy();
    }
  }

  /**
   * A hub wallet funded with one mature coinbase, the anchoring service and the watcher, in memory.
   */
  static final class Platform {
    final PolicyOverride chain;
    final InMemoryTransactionLog log = new InMemoryTransactionLog();
    final HubWallet wallet;
    final InMemoryAnchorStore anchors = new InMemoryAnchorStore();
    final AnchoringService anchoring;
    final TransactionWatcher watcher;
    final Map<String, String> keys = new HashMap<>();
    String lastDetail;
    int reports;

    Platform(NodeRpcBackend backend) {
      chain = new PolicyOverride(backend);
      wallet = new HubWallet(RegtestNode.MINER, chain, new InMemoryWalletStore(), log);
      wallet.receive(node.matureCoinbase(), false, List.of(), "funding");
      assertThat(wallet.syncConfirmations()).isEqualTo(1); // a coinbase-only block's proof
      anchoring =
          new AnchoringService(
              new AnchorFixture.MemorySource(),
              anchors,
              wallet,
              chain,
              AnchorFixture.PLATFORM,
              AnchorFixture.seeded(7));
      watcher = new TransactionWatcher(chain, log, List.of(wallet), 3);
    }

    /** Anchors one report hash; returns the anchor's txid. */
    String anchor() {
      byte[] hash =
          Hashes.sha256(
              ("report " + reports++ + " " + System.nanoTime()).getBytes(StandardCharsets.UTF_8));
      AnchorOutcome outcome = anchoring.anchorReport(hash, "2026-11-25T10:00Z/PT15M", NOW);
      assertThat(outcome.status()).isEqualTo(AnchorOutcome.Status.ANCHORED);
      keys.put(outcome.txid(), outcome.anchorKey());
      lastDetail = outcome.detail();
      return outcome.txid();
    }

    /** Pays 10,000 sat to another script (like a channel funding); returns the txid. */
    String pay() {
      byte[] payee =
          Script.p2pkh(Arrays.copyOf(Hashes.sha256("payee".getBytes(StandardCharsets.UTF_8)), 20))
              .bytes();
      BroadcastResult r = wallet.pay(List.of(new TxOutput(10_000, payee)), "channel-funding");
      assertThat(r.isAccepted()).isTrue();
      return r.txid();
    }

    /** The stored anchor. */
    AnchorRecord stored(String txid) {
      return anchors.anchorsFor(keys.get(txid)).stream()
          .filter(a -> a.txid().equals(txid))
          .findFirst()
          .orElseThrow();
    }
  }

  /** The anchor's stored proof reaches the node's block at its stored height. */
  static void assertProofMatchesTheNode(AnchorRecord a) {
    String block = node.blockHash(a.blockHeight());
    assertThat(new ChainHeader(a.blockHeight(), a.header()).hashHex()).isEqualTo(block);
    BlockHeader header = BlockHeader.parseHex((String) node.rpc("getblockheader", block, false));
    assertThat(Bump.decode(a.bump()).computeRoot(Transaction.txidFromHex(a.txid())))
        .isEqualTo(header.merkleRoot());
  }

  @Test
  void anchorsAndPaymentsPayWhatMinersTakeAndAreMined() {
    Platform p = new Platform(node.backend(0));
    String first = p.anchor();
    String second = p.anchor(); // spends the first one's change, unconfirmed
    String payment = p.pay();
    for (String txid : List.of(first, second, payment)) {
      Transaction tx =
          Transaction.parse(
              HexFormat.of().parseHex((String) node.rpc("getrawtransaction", txid, 0)));
      long fee =
          p.log.all().stream()
                  .filter(l -> l.transaction().txidHex().equals(txid))
                  .findFirst()
                  .orElseThrow()
                  .spentOutputs()
                  .stream()
                  .mapToLong(TxOutput::satoshis)
                  .sum()
              - tx.outputs().stream().mapToLong(TxOutput::satoshis).sum();
      assertThat(fee * 1000 / tx.size()).as("sat/kB of " + txid).isGreaterThanOrEqualTo(500);
    }
    node.mine(1);
    for (String txid : List.of(first, second, payment)) {
      assertThat(node.confirmations(txid)).as(txid).isEqualTo(1);
    }
    assertThat(p.anchoring.confirmAnchors()).isEqualTo(2);
    assertProofMatchesTheNode(p.stored(first));
    assertProofMatchesTheNode(p.stored(second));
    TransactionWatcher.Report report = p.watcher.watch();
    assertThat(report.mined()).isEqualTo(4); // the funding coinbase, two anchors, the payment
    assertThat(p.watcher.watch().mined()).isZero();
  }

  @Test
  void aTransactionLeftUnminedForThreeBlocksIsBumpedByAChildOnItsChange() {
    Platform p = new Platform(node.backend(0));
    p.chain.override = new FeePolicy(100, 1); // below the node's 500 sat/kB: accepted, never mined
    String anchor = p.anchor();
    String payment = p.pay(); // spends the anchor's change: waits with it
    p.chain.override = null;
    assertThat(node.mempool()).contains(anchor, payment);
    assertThat(p.watcher.watch().bumped()).isZero();
    node.mine(2);
    assertThat(p.watcher.watch().bumped()).isZero();
    assertThat(node.confirmations(anchor)).isZero();
    node.mine(1);
    TransactionWatcher.Report report = p.watcher.watch();
    assertThat(report.bumped()).isEqualTo(1);
    String child = p.log.all().get(p.log.all().size() - 1).transaction().txidHex();
    assertThat(p.log.all().get(p.log.all().size() - 1).purpose()).isEqualTo("fee-bump");
    node.mine(1);
    assertThat(node.confirmations(anchor)).isEqualTo(1);
    assertThat(node.confirmations(payment)).isEqualTo(1);
    assertThat(node.confirmations(child)).isEqualTo(1);
    assertThat(p.anchoring.confirmAnchors()).isEqualTo(1);
    assertProofMatchesTheNode(p.stored(anchor));
  }

  @Test
  void aReorgMovesProofsToTheNewBlockAndWhatFellOutIsSentAgain() {
    NodeRpcBackend backend =
        new NodeRpcBackend(node.relayUrl(), "regtest", Duration.ofSeconds(10), 3, 0);
    Platform p = new Platform(backend);
    String anchor = p.anchor();
    String payment = p.pay();
    String first = node.mine(1).get(0);
    assertThat(p.anchoring.confirmAnchors()).isEqualTo(1);
    assertThat(p.watcher.watch().mined()).isEqualTo(3);

    // the block leaves the best chain; its transactions go back to the mempool and into the longer
    // branch
    node.invalidateBlock(first);
    List<String> branch = node.mineOtherBranch(2);
    assertThat(node.blockTxids(branch.get(0))).contains(anchor, payment);
    assertThat(p.anchoring.confirmAnchors()).isEqualTo(1);
    assertThat(p.stored(anchor).header()).isNotNull();
    assertProofMatchesTheNode(p.stored(anchor));
    TransactionWatcher.Report moved = p.watcher.watch();
    assertThat(moved.reorged()).isEqualTo(2);
    assertThat(moved.mined()).isEqualTo(2);

    // again, but the node restarts without its mempool: the transactions are lost and must be sent
    // again
    node.invalidateBlock(branch.get(0));
    node.restart("-persistmempool=0");
    assertThat(node.mempool()).doesNotContain(anchor, payment);
    node.mineOtherBranch(3); // a longer branch without them
    assertThat(p.anchoring.confirmAnchors()).isZero();
    assertThat(p.anchors.unmined()).extracting(AnchorRecord::txid).containsExactly(anchor);
    TransactionWatcher.Report resent = p.watcher.watch();
    assertThat(resent.reorged()).isEqualTo(2);
    assertThat(resent.resent()).isEqualTo(2);
    assertThat(node.mempool()).contains(anchor, payment);
    node.mine(1);
    assertThat(node.confirmations(anchor)).isEqualTo(1);
    assertThat(node.confirmations(payment)).isEqualTo(1);
    assertThat(p.anchoring.confirmAnchors()).isEqualTo(1);
    assertProofMatchesTheNode(p.stored(anchor));
    assertThat(p.watcher.watch().mined()).isEqualTo(2);
  }

  @Test
  void aNodeRestartMidPassLosesNothingAndTheNextPassGoesOn() {
    NodeRpcBackend backend =
        new NodeRpcBackend(node.relayUrl(), "regtest", Duration.ofSeconds(5), 2, 0);
    Platform p = new Platform(backend);
    String before = p.anchor();
    p.chain.override = p.chain.feePolicy(); // the fee policy was read before the node stopped
    node.stopProcess();
    // the broadcast fails: the anchor is kept and sent later; confirming fails this pass
    String during = p.anchor();
    assertThat(p.lastDetail).startsWith("to be sent again");
    assertThatThrownBy(p.anchoring::confirmAnchors).isInstanceOf(ChainUnavailableException.class);
    assertThatThrownBy(p.watcher::watch).isInstanceOf(ChainUnavailableException.class);
    node.restart();
    assertThat(node.mempool())
        .contains(before)
        .doesNotContain(during); // the node keeps its mempool on disk
    TransactionWatcher.Report next = p.watcher.watch();
    assertThat(next.resent()).isEqualTo(1);
    node.mine(1);
    assertThat(p.anchoring.confirmAnchors()).isEqualTo(2);
    assertProofMatchesTheNode(p.stored(before));
    assertProofMatchesTheNode(p.stored(during));
    assertThat(p.wallet.syncConfirmations()).isEqualTo(1); // the change of the second anchor
  }
}
