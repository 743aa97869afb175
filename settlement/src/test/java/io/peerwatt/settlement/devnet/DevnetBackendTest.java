package io.peerwatt.settlement.devnet;

import static io.peerwatt.settlement.devnet.DevnetTestKit.key;
import static io.peerwatt.settlement.devnet.DevnetTestKit.p2pkh;
import static io.peerwatt.settlement.devnet.DevnetTestKit.spend;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.bsv.FeePolicy;
import io.peerwatt.protocol.bsv.Script;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxInput;
import io.peerwatt.protocol.bsv.TxOutput;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.spv.BitcoinMerkle;
import io.peerwatt.protocol.spv.HeaderChain;
import io.peerwatt.settlement.chain.BroadcastResult;
import io.peerwatt.settlement.chain.ChainHeader;
import io.peerwatt.settlement.chain.DevnetControl.FaucetPayment;
import io.peerwatt.settlement.chain.RejectReason;
import io.peerwatt.settlement.chain.TxStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DevnetBackendTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);
  private final PrivateKey alice = key(1);
  private final PrivateKey bob = key(2);
  private DevnetBackend devnet;
  private Transaction funding;

  @BeforeEach
  void setUp() {
    devnet = DevnetBackend.inMemory(CLOCK, new FeePolicy(50, 100));
    FaucetPayment pay = devnet.faucet(p2pkh(alice), 1_000_000);
    funding = Transaction.parse(pay.rawTx());
  }

  @Test
  void labelsItselfDevnet() {
    assertThat(devnet.network()).isEqualTo("devnet");
    assertThat(DevnetBackend.genesisAddressLabel()).startsWith("devnet:");
  }

  @Test
  void validSpendIsAcceptedMinedAndItsBumpLeadsToTheHeaderMerkleRoot() {
    Transaction tx = spend(alice, funding, 0, List.of(new TxOutput(990_000, p2pkh(bob))));
    BroadcastResult result = devnet.broadcast(tx.serialize());
    assertThat(result.outcome()).isEqualTo(BroadcastResult.Outcome.ACCEPTED);
    assertThat(devnet.status(tx.txidHex()).state()).isEqualTo(TxStatus.State.MEMPOOL);
    assertThat(devnet.broadcast(tx.serialize()).outcome())
        .isEqualTo(BroadcastResult.Outcome.ALREADY_KNOWN);

    ChainHeader header = devnet.mineBlocks(1).get(0);
    TxStatus status = devnet.status(tx.txidHex());
    assertThat(status.state()).isEqualTo(TxStatus.State.MINED);
    assertThat(status.blockHash()).isEqualTo(header.hashHex());
    assertThat(status.blockHeight()).isEqualTo(header.height()).isEqualTo(1);
    assertThat(status.bump().computeRoot(tx.txid())).isEqualTo(header.merkleRoot());
    assertThat(header.meetsProofOfWork()).isTrue();
    assertThat(Arrays.equals(header.prevHash(), devnet.header(0).orElseThrow().hash())).isTrue();
    assertThat(devnet.status(funding.txidHex()).bump().computeRoot(funding.txid()))
        .isEqualTo(header.merkleRoot());
    List<byte[]> txids = devnet.blockTxids(1).stream().map(Transaction::txidFromHex).toList();
    assertThat(BitcoinMerkle.root(txids)).isEqualTo(header.merkleRoot());
  }

  @Test
  void doubleSpendIsRejectedNamingTheFirstSpender() {
    Transaction first = spend(alice, funding, 0, List.of(new TxOutput(990_000, p2pkh(bob))));
    Transaction second = spend(alice, funding, 0, List.of(new TxOutput(980_000, p2pkh(alice))));
    assertThat(devnet.broadcast(first.serialize()).isAccepted()).isTrue();
    BroadcastResult r = devnet.broadcast(second.serialize());
    assertThat(r.reason()).isEqualTo(RejectReason.DOUBLE_SPEND);
    assertThat(r.detail()).contains(first.txidHex());
    devnet.mineBlocks(1);
    assertThat(devnet.broadcast(second.serialize()).reason()).isEqualTo(RejectReason.DOUBLE_SPEND);
  }

  @Test
  void badSignatureAndWrongKeyAreInvalidScripts() {
    Transaction byBob = spend(bob, funding, 0, List.of(new TxOutput(990_000, p2pkh(bob))));
    assertThat(devnet.broadcast(byBob.serialize()).reason()).isEqualTo(RejectReason.INVALID_SCRIPT);

    Transaction good = spend(alice, funding, 0, List.of(new TxOutput(990_000, p2pkh(bob))));
    byte[] script = good.inputs().get(0).unlockingScript();
    script[10] ^= 0x01;
    Transaction tampered = good.withUnlockingScript(0, script);
    BroadcastResult r = devnet.broadcast(tampered.serialize());
    assertThat(r.reason()).isEqualTo(RejectReason.INVALID_SCRIPT);
    // a signature over other outputs does not transfer
    Transaction moved =
        new Transaction(1, good.inputs(), List.of(new TxOutput(990_000, p2pkh(alice))), 0);
    assertThat(devnet.broadcast(moved.serialize()).reason()).isEqualTo(RejectReason.INVALID_SCRIPT);
  }

  @Test
  void feeDustValueAndMissingInputsFollowPolicy() {
    Transaction noFee = spend(alice, funding, 0, List.of(new TxOutput(1_000_000, p2pkh(bob))));
    assertThat(devnet.broadcast(noFee.serialize()).reason()).isEqualTo(RejectReason.FEE_TOO_LOW);
    Transaction dust =
        spend(
            alice,
            funding,
            0,
            List.of(new TxOutput(990_000, p2pkh(bob)), new TxOutput(99, p2pkh(alice))));
    assertThat(devnet.broadcast(dust.serialize()).reason()).isEqualTo(RejectReason.DUST);
    Transaction tooMuch = spend(alice, funding, 0, List.of(new TxOutput(1_000_001, p2pkh(bob))));
    assertThat(devnet.broadcast(tooMuch.serialize()).reason())
        .isEqualTo(RejectReason.VALUE_OUT_OF_RANGE);
    Transaction orphan = spend(alice, tooMuch, 0, List.of(new TxOutput(900_000, p2pkh(bob))));
    assertThat(devnet.broadcast(orphan.serialize()).reason())
        .isEqualTo(RejectReason.MISSING_INPUTS);
    assertThat(devnet.broadcast(new byte[] {1, 2, 3}).reason()).isEqualTo(RejectReason.MALFORMED);
    // a zero-value data output is not dust
    Transaction data =
        spend(
            alice,
            funding,
            0,
            List.of(
                new TxOutput(990_000, p2pkh(bob)),
                new TxOutput(0, Script.opReturn(List.of(new byte[] {1, 2})).bytes())));
    assertThat(devnet.broadcast(data.serialize()).isAccepted()).isTrue();
  }

  @Test
  void heightLockedTransactionIsNonFinalUntilItsHeight() {
    long lockHeight = devnet.tip().height() + 3;
    Transaction locked =
        spend(
            alice,
            funding,
            0,
            lockHeight,
            TxInput.SEQUENCE_FINAL - 1,
            List.of(new TxOutput(990_000, p2pkh(bob))));
    assertThat(devnet.broadcast(locked.serialize()).reason()).isEqualTo(RejectReason.NON_FINAL);
    devnet.mineBlocks(2);
    // next block height == lock height: still not final (lock time must be below the height)
    assertThat(devnet.broadcast(locked.serialize()).reason()).isEqualTo(RejectReason.NON_FINAL);
    devnet.mineBlocks(1);
    assertThat(devnet.broadcast(locked.serialize()).isAccepted()).isTrue();
  }

  @Test
  void finalSequencesDisableTheLockTime() {
    Transaction tx =
        spend(
            alice,
            funding,
            0,
            devnet.tip().height() + 50,
            TxInput.SEQUENCE_FINAL,
            List.of(new TxOutput(990_000, p2pkh(bob))));
    assertThat(devnet.broadcast(tx.serialize()).isAccepted()).isTrue();
  }

  @Test
  void unconfirmedChainsAreSpendableAndMinedInOrder() {
    Transaction a = spend(alice, funding, 0, List.of(new TxOutput(990_000, p2pkh(bob))));
    Transaction b = spend(bob, a, 0, List.of(new TxOutput(980_000, p2pkh(alice))));
    assertThat(devnet.broadcast(a.serialize()).isAccepted()).isTrue();
    assertThat(devnet.broadcast(b.serialize()).isAccepted()).isTrue();
    ChainHeader h = devnet.mineBlocks(1).get(0);
    assertThat(devnet.blockTxids(h.height())).containsSubsequence(a.txidHex(), b.txidHex());
    assertThat(devnet.status(b.txidHex()).bump().computeRoot(b.txid())).isEqualTo(h.merkleRoot());
  }

  @Test
  void alteredHeaderFailsProofOfWorkOrMerkleRoot() {
    ChainHeader header = devnet.mineBlocks(1).get(0);
    assertThat(header.meetsProofOfWork()).isTrue();
    int accepted = 0;
    for (int i = 0; i < 80; i++) {
      if (i >= 36 && i < 68) {
        continue; // Merkle root bytes: checked against the transactions below
      }
      byte[] altered = header.header();
      altered[i] ^= 0x01;
      if (new ChainHeader(header.height(), altered).meetsProofOfWork()) {
        accepted++;
      }
    }
    assertThat(accepted).isZero();
    byte[] root = header.merkleRoot();
    root[0] ^= 1;
    List<byte[]> txids =
        devnet.blockTxids(header.height()).stream().map(Transaction::txidFromHex).toList();
    assertThat(BitcoinMerkle.root(txids)).isNotEqualTo(root);
    // about 2^16 hashes per block: the target leaves 16 leading zero bits
    assertThat(io.peerwatt.protocol.spv.BlockHeader.targetOf(header.bits()).bitLength())
        .isLessThanOrEqualTo(240);
  }

  @Test
  void headersFormAChainProtocolsLightClientAccepts() {
    devnet.mineBlocks(3);
    List<ChainHeader> headers = devnet.headers(0, 100);
    assertThat(headers).hasSize(4);
    assertThat(devnet.headers(2, 1)).containsExactly(devnet.header(2).orElseThrow());
    assertThat(devnet.header(4)).isEmpty();
    HeaderChain chain = new HeaderChain(0, headers.stream().map(ChainHeader::blockHeader).toList());
    assertThat(chain.firstBrokenLink()).isEqualTo(-1);
    assertThat(chain.heightOf(devnet.tip().hash())).isEqualTo(3);
    // swapping two headers breaks the chain where the link fails
    List<io.peerwatt.protocol.spv.BlockHeader> swapped = new java.util.ArrayList<>(chain.headers());
    java.util.Collections.swap(swapped, 1, 2);
    assertThat(new HeaderChain(0, swapped).firstBrokenLink()).isEqualTo(1);
  }

  @Test
  void timerMinesPendingTransactionsAndNoEmptyBlocks() throws InterruptedException {
    Transaction tx = spend(alice, funding, 0, List.of(new TxOutput(990_000, p2pkh(bob))));
    assertThat(devnet.broadcast(tx.serialize()).isAccepted()).isTrue();
    devnet.startMining(java.time.Duration.ofMillis(50));
    try {
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (devnet.status(tx.txidHex()).state() != TxStatus.State.MINED
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(devnet.status(tx.txidHex()).state()).isEqualTo(TxStatus.State.MINED);
      long height = devnet.tip().height();
      Thread.sleep(300);
      assertThat(devnet.tip().height()).isEqualTo(height);
    } finally {
      devnet.close();
    }
  }

  @Test
  void faucetPaysLargeScriptsAtThePolicyFee() {
    DevnetBackend expensive = DevnetBackend.inMemory(CLOCK, new FeePolicy(1_000, 1));
    byte[] multisig =
        Script.multisig(2, List.of(alice.publicKey().bytes(), bob.publicKey().bytes())).bytes();
    FaucetPayment pay = expensive.faucet(multisig, 50_000);
    Transaction tx = Transaction.parse(pay.rawTx());
    assertThat(tx.outputs().get(pay.outputIndex())).isEqualTo(new TxOutput(50_000, multisig));
    assertThat(expensive.status(pay.txid()).state()).isEqualTo(TxStatus.State.MEMPOOL);
  }
}
