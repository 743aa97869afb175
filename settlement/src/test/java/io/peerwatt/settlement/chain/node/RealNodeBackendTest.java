package io.peerwatt.settlement.chain.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.bsv.Script;
import io.peerwatt.protocol.bsv.Signatures;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxInput;
import io.peerwatt.protocol.bsv.TxOutput;
import io.peerwatt.protocol.spv.BlockHeader;
import io.peerwatt.settlement.chain.BroadcastResult;
import io.peerwatt.settlement.chain.ChainHeader;
import io.peerwatt.settlement.chain.RejectReason;
import io.peerwatt.settlement.chain.TxStatus;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link NodeRpcBackend} against a real Bitcoin SV 1.2.2 node in regtest whose miners take 0.5
 * sat/byte ({@code -minminingtxfee=0.00000500}): what it answers, and how the backend reads it.
 */
@ExtendWith(RegtestNode.Available.class)
class RealNodeBackendTest {
  static RegtestNode node;
  static NodeRpcBackend backend;

  @BeforeAll
  static void start() {
    node = RegtestNode.start("-minminingtxfee=0.00000500");
    backend = node.backend(0);
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  /**
   * Spends output {@code index} of {@code parent} (locked to the miner key) back to the miner key.
   */
  static Transaction spend(
      Transaction parent, int index, long feeSats, long lockTime, long sequence) {
    TxOutput spent = parent.outputs().get(index);
    byte[] script = Script.p2pkh(RegtestNode.MINER.publicKey().hash160()).bytes();
    Transaction unsigned =
        new Transaction(
            1,
            List.of(new TxInput(parent.txid(), index, new byte[0], sequence)),
            List.of(new TxOutput(spent.satoshis() - feeSats, script)),
            lockTime);
    byte[] sig =
        Signatures.signAllForkId(
            RegtestNode.MINER, unsigned, 0, spent.lockingScript(), spent.satoshis());
    return unsigned.withUnlockingScript(
        0, Script.p2pkhUnlock(sig, RegtestNode.MINER.publicKey().bytes()).bytes());
  }

  static Transaction spend(Transaction parent, long feeSats) {
    return spend(parent, 0, feeSats, 0, TxInput.SEQUENCE_FINAL);
  }

  @Test
  void theFeePolicyIsWhatMinersTakeRaisedToTheFloor() {
    assertThat(node.rpc("getnetworkinfo").toString()).contains("relayfee=0E-8");
    assertThat(backend.feePolicy().satoshisPerKb()).isEqualTo(500);
    assertThat(node.backend(800).feePolicy().satoshisPerKb()).isEqualTo(800);
  }

  @Test
  void broadcastStatusProofAndHeadersAgreeWithTheNode() {
    Transaction tx = spend(node.matureCoinbase(), 200);
    BroadcastResult sent = backend.broadcast(tx.serialize());
    assertThat(sent.outcome()).isEqualTo(BroadcastResult.Outcome.ACCEPTED);
    assertThat(backend.broadcast(tx.serialize()).outcome())
        .isEqualTo(BroadcastResult.Outcome.ALREADY_KNOWN);
    assertThat(backend.status(tx.txidHex()).state()).isEqualTo(TxStatus.State.MEMPOOL);

    String block = node.mine(1).get(0);
    TxStatus mined = backend.status(tx.txidHex());
    assertThat(mined.state()).isEqualTo(TxStatus.State.MINED);
    assertThat(mined.blockHash()).isEqualTo(block);
    assertThat(mined.blockHeight()).isEqualTo(node.blockCount());
    BlockHeader header = BlockHeader.parseHex((String) node.rpc("getblockheader", block, false));
    assertThat(mined.bump().computeRoot(tx.txid())).isEqualTo(header.merkleRoot());
    // a mined transaction sent again is "already known" too
    assertThat(backend.broadcast(tx.serialize()).outcome())
        .isEqualTo(BroadcastResult.Outcome.ALREADY_KNOWN);

    ChainHeader tip = backend.tip();
    assertThat(tip.hashHex()).isEqualTo(block);
    assertThat(tip.meetsProofOfWork()).isTrue();
    List<ChainHeader> headers = backend.headers(tip.height() - 2, 5);
    assertThat(headers).hasSize(3).last().isEqualTo(tip);
    assertThat(headers.get(1).hash()).isEqualTo(tip.prevHash());
    assertThat(backend.header(tip.height() + 1)).isEmpty();
    assertThat(backend.status("00".repeat(32)).state()).isEqualTo(TxStatus.State.UNKNOWN);
  }

  @Test
  void aBlockHoldingOnlyItsCoinbaseProvesIt() {
    String block = node.mine(1).get(0);
    assertThat(node.blockTxids(block)).hasSize(1);
    String coinbase = node.blockTxids(block).get(0);
    // what the node answers itself
    assertThat(
            org.assertj.core.api.Assertions.catchThrowable(
                () -> node.rpc("getmerkleproof2", block, coinbase)))
        .hasMessageContaining("-5");
    TxStatus status = backend.status(coinbase);
    assertThat(status.state()).isEqualTo(TxStatus.State.MINED);
    assertThat(status.bump().levels()).hasSize(1);
    BlockHeader header = BlockHeader.parseHex((String) node.rpc("getblockheader", block, false));
    assertThat(status.bump().computeRoot(Transaction.txidFromHex(coinbase)))
        .isEqualTo(header.merkleRoot());
    assertThat(io.peerwatt.protocol.spv.Bump.decode(status.bump().encode()))
        .isEqualTo(status.bump());
  }

  @Test
  void aTransactionPayingLessThanMinersTakeIsAcceptedButNotMined() {
    Transaction cheap = spend(node.matureCoinbase(), 50); // 50 sat for 191 bytes: 0.26 sat/byte
    assertThat(backend.broadcast(cheap.serialize()).outcome())
        .isEqualTo(BroadcastResult.Outcome.ACCEPTED);
    node.mine(3);
    assertThat(backend.status(cheap.txidHex()).state()).isEqualTo(TxStatus.State.MEMPOOL);
    // a child paying for both gets both mined (child pays for parent)
    Transaction child =
        spend(cheap, 0, 2 * backend.feePolicy().feeFor(cheap.size()), 0, TxInput.SEQUENCE_FINAL);
    assertThat(backend.broadcast(child.serialize()).isAccepted()).isTrue();
    node.mine(1);
    assertThat(node.confirmations(cheap.txidHex())).isEqualTo(1);
    assertThat(node.confirmations(child.txidHex())).isEqualTo(1);
  }

  @Test
  void doubleSpendsAndMissingInputsMapToTheirReasons() {
    Transaction coinbase = node.matureCoinbase();
    assertThat(backend.broadcast(spend(coinbase, 200).serialize()).isAccepted()).isTrue();
    BroadcastResult conflict = backend.broadcast(spend(coinbase, 300).serialize());
    assertThat(conflict.reason()).isEqualTo(RejectReason.DOUBLE_SPEND);
    assertThat(conflict.detail()).contains("258: txn-mempool-conflict");

    Transaction orphan = spend(spend(coinbase, 400), 200);
    BroadcastResult missing = backend.broadcast(orphan.serialize());
    assertThat(missing.reason()).isEqualTo(RejectReason.MISSING_INPUTS);
    assertThat(missing.detail()).contains("-25").contains("Missing inputs");

    node.mine(1);
    // once the first spend is mined, a conflicting one is answered as missing inputs (the output is
    // gone)
    BroadcastResult spentInBlock = backend.broadcast(spend(coinbase, 500).serialize());
    assertThat(spentInBlock.reason()).isEqualTo(RejectReason.MISSING_INPUTS);

    byte[] badSignature = spend(node.matureCoinbase(), 200).serialize();
    badSignature[50] ^= 1;
    assertThat(backend.broadcast(badSignature).reason())
        .isIn(RejectReason.INVALID_SCRIPT, RejectReason.MALFORMED);
  }

  @Test
  void aTransactionBeforeItsLockTimeIsRefusedAndAcceptedOnceTheHeightIsReached() {
    Transaction coinbase = node.matureCoinbase();
    long lockHeight = node.blockCount() + 3;
    Transaction refund = spend(coinbase, 0, 300, lockHeight, TxInput.SEQUENCE_FINAL - 1);
    BroadcastResult early = backend.broadcast(refund.serialize());
    assertThat(early.reason()).isEqualTo(RejectReason.NON_FINAL);
    assertThat(early.detail()).contains("64: bad-txns-nonfinal");
    node.mine(2);
    assertThat(backend.broadcast(refund.serialize()).reason()).isEqualTo(RejectReason.NON_FINAL);
    node.mine(1); // final once its lock height is below the next block's
    assertThat(backend.broadcast(refund.serialize()).outcome())
        .isEqualTo(BroadcastResult.Outcome.ACCEPTED);
    node.mine(1);
    assertThat(node.confirmations(refund.txidHex())).isEqualTo(1);
  }

  @Test
  void aTransactionOlderThanTheMempoolExpiryIsEvictedAndCanBeSentAgain() {
    Transaction old = spend(node.matureCoinbase(), 300);
    Transaction trigger = spend(node.matureCoinbase(), 300);
    assertThat(backend.broadcast(old.serialize()).isAccepted()).isTrue();
    long now = System.currentTimeMillis() / 1000;
    try {
      // the node drops transactions older than -mempoolexpiry (336 h) when it next accepts one
      node.setMockTime(now + 337 * 3600);
      assertThat(backend.broadcast(trigger.serialize()).isAccepted()).isTrue();
      assertThat(node.mempool()).contains(trigger.txidHex()).doesNotContain(old.txidHex());
      assertThat(backend.status(old.txidHex()).state()).isEqualTo(TxStatus.State.UNKNOWN);
    } finally {
      node.setMockTime(0);
    }
    assertThat(backend.broadcast(old.serialize()).outcome())
        .isEqualTo(BroadcastResult.Outcome.ACCEPTED);
    node.mine(1);
    assertThat(node.confirmations(old.txidHex())).isEqualTo(1);
  }
}
