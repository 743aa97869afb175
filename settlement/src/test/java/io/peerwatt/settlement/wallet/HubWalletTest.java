package io.peerwatt.settlement.wallet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerwatt.protocol.bsv.FeePolicy;
import io.peerwatt.protocol.bsv.P2pkhSpend;
import io.peerwatt.protocol.bsv.Script;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxOutput;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.settlement.chain.BroadcastResult;
import io.peerwatt.settlement.chain.RecordingChainBackend;
import io.peerwatt.settlement.chain.RejectReason;
import io.peerwatt.settlement.chain.TxStatus;
import io.peerwatt.settlement.devnet.DevnetBackend;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HubWalletTest {
  private static final FeePolicy POLICY = new FeePolicy(500, 200);
  private final PrivateKey walletKey = key(1);
  private final byte[] elsewhere = Script.p2pkh(key(2).publicKey().hash160()).bytes();
  private DevnetBackend devnet;
  private InMemoryTransactionLog log;
  private HubWallet wallet;

  static PrivateKey key(int n) {
    byte[] b = new byte[32];
    byte[] v = BigInteger.valueOf(90_000 + n).toByteArray();
    System.arraycopy(v, 0, b, 32 - v.length, v.length);
    return PrivateKey.fromBytes(b);
  }

  @BeforeEach
  void setUp() {
    devnet =
        DevnetBackend.inMemory(
            Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC), POLICY);
    log = new InMemoryTransactionLog();
    wallet = new HubWallet(walletKey, devnet, new InMemoryWalletStore(), log);
    for (long amount : new long[] {100_000, 40_000, 7_000}) {
      Transaction t = Transaction.parse(devnet.faucet(wallet.lockingScript(), amount).rawTx());
      wallet.receive(t, false, List.of(), "faucet");
    }
  }

  @Test
  void paysWithChangeAndAFeeThatCoversTheRealSizeAtThePolicyRate() {
    BroadcastResult r = wallet.pay(List.of(new TxOutput(30_000, elsewhere)), "test");
    assertThat(r.isAccepted()).as(r.detail()).isTrue();
    Transaction tx =
        log.all().stream().filter(LoggedTransaction::made).findFirst().orElseThrow().transaction();
    assertThat(tx.inputs()).hasSize(1);
    assertThat(tx.outputs()).hasSize(2);
    long in = 100_000;
    long fee = in - tx.outputs().stream().mapToLong(TxOutput::satoshis).sum();
    assertThat(fee)
        .isGreaterThanOrEqualTo(POLICY.feeFor(tx.size()))
        .isLessThanOrEqualTo(POLICY.feeFor(tx.size() + 3));
    assertThat(wallet.balanceSats()).isEqualTo(147_000 - 30_000 - fee);
  }

  @Test
  void aSpendThatWaitsHoldsTheSmallestCoinThatPaysItAndSplittingMakesRoomForMore() {
    HubWallet.PreparedSpend waiting =
        wallet.prepareHolding(List.of(new TxOutput(30_000, elsewhere)));
    assertThat(waiting.inputs()).extracting(WalletOutput::satoshis).containsExactly(40_000L);
    assertThat(wallet.unspent())
        .extracting(WalletOutput::satoshis)
        .containsExactlyInAnyOrder(100_000L, 7_000L);
    HubWallet.PreparedSpend resumed = wallet.reserved(waiting.transaction()).orElseThrow();
    assertThat(resumed.spentOutputs()).isEqualTo(waiting.spentOutputs());
    assertThat(resumed.feeSats()).isEqualTo(waiting.feeSats());
    assertThat(resumed.changeIndex()).isEqualTo(waiting.changeIndex());

    assertThat(wallet.ensureCoins(2, 30_000)).isPresent();
    assertThat(wallet.unspent().stream().filter(o -> o.satoshis() >= 30_000).count())
        .isGreaterThanOrEqualTo(2);
    assertThat(wallet.ensureCoins(2, 30_000)).as("enough coins now").isEmpty();
    wallet.release(waiting);
    assertThat(wallet.reserved(waiting.transaction())).isEmpty();
  }

  @Test
  void spendsItsOwnUnconfirmedChangeInAChain() {
    for (int i = 0; i < 5; i++) {
      BroadcastResult r = wallet.pay(List.of(new TxOutput(20_000, elsewhere)), "chain-" + i);
      assertThat(r.isAccepted()).as(r.detail()).isTrue();
    }
    assertThat(devnet.tip().height()).isZero();
    devnet.mineBlocks(1);
    assertThat(wallet.syncConfirmations()).isPositive();
    assertThat(wallet.unspent()).allMatch(WalletOutput::isConfirmed);
  }

  @Test
  void changeBelowDustIsFoldedIntoTheFee() {
    // 7,000 sat coin: pay 6,650 sat leaves less than fee + dust
    PrivateKey other = key(3);
    HubWallet small = new HubWallet(other, devnet, new InMemoryWalletStore(), log);
    small.receive(
        Transaction.parse(devnet.faucet(small.lockingScript(), 7_000).rawTx()),
        false,
        List.of(),
        "faucet");
    HubWallet.PreparedSpend spend = small.prepare(List.of(new TxOutput(6_700, elsewhere)));
    assertThat(spend.changeIndex()).isEqualTo(-1);
    assertThat(spend.transaction().outputs()).hasSize(1);
    assertThat(spend.feeSats())
        .isEqualTo(300)
        .isGreaterThanOrEqualTo(POLICY.feeFor(spend.transaction().size()));
    assertThat(small.broadcast(spend, "fold").isAccepted()).isTrue();
    assertThat(small.balanceSats()).isZero();
  }

  @Test
  void refusesDustOutputsAndOverspending() {
    assertThatThrownBy(() -> wallet.prepare(List.of(new TxOutput(199, elsewhere))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> wallet.prepare(List.of(new TxOutput(147_000, elsewhere))))
        .isInstanceOf(P2pkhSpend.InsufficientFundsException.class);
  }

  @Test
  void combinesCoinsWhenOneIsNotEnough() {
    HubWallet.PreparedSpend spend = wallet.prepare(List.of(new TxOutput(120_000, elsewhere)));
    assertThat(spend.inputs()).hasSize(2);
    assertThat(wallet.broadcast(spend, "two").isAccepted()).isTrue();
    assertThat(devnet.status(spend.transaction().txidHex()).state())
        .isEqualTo(TxStatus.State.MEMPOOL);
  }

  @Test
  void reservedCoinsAreNotSpentTwiceAndRejectedSpendsReleaseThem() {
    HubWallet.PreparedSpend first = wallet.prepare(List.of(new TxOutput(90_000, elsewhere)));
    HubWallet.PreparedSpend second = wallet.prepare(List.of(new TxOutput(30_000, elsewhere)));
    assertThat(second.inputs()).noneMatch(i -> first.inputs().contains(i));
    wallet.release(first);
    wallet.release(second);

    RecordingChainBackend refusing = new RecordingChainBackend();
    refusing.setFeePolicy(POLICY);
    InMemoryWalletStore store = new InMemoryWalletStore();
    HubWallet w = new HubWallet(walletKey, refusing, store, log);
    w.receive(log.all().get(0).transaction(), false, List.of(), "faucet");
    long before = w.balanceSats();
    refusing.rejectNext(RejectReason.FEE_TOO_LOW, "min fee");
    assertThat(w.pay(List.of(new TxOutput(1_000, elsewhere)), "x").reason())
        .isEqualTo(RejectReason.FEE_TOO_LOW);
    assertThat(w.balanceSats()).isEqualTo(before);
  }
}
