package io.peerwatt.settlement.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.bsv.FeePolicy;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.channel.ChannelDirection;
import io.peerwatt.protocol.channel.ChannelResult;
import io.peerwatt.protocol.channel.ChannelState;
import io.peerwatt.protocol.channel.PayerChannel;
import io.peerwatt.settlement.chain.BroadcastResult;
import io.peerwatt.settlement.chain.ChainBackend;
import io.peerwatt.settlement.chain.ChainHeader;
import io.peerwatt.settlement.chain.ChainUnavailableException;
import io.peerwatt.settlement.chain.TxStatus;
import io.peerwatt.settlement.wallet.HubWallet;
import io.peerwatt.settlement.wallet.InMemoryTransactionLog;
import io.peerwatt.settlement.wallet.InMemoryWalletStore;
import io.peerwatt.settlement.wallet.LoggedTransaction;
import io.peerwatt.settlement.wallet.TransactionWatcher;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Channel transactions the hub broadcasts itself (a buyer channel's close, a channel's funding, a
 * refund) are kept when the chain cannot be reached, as the wallet's are: booked and logged, and
 * sent by the transaction watcher once the chain answers.
 */
class UnreachableChainTest {
  private final ChannelFixture f = new ChannelFixture();
  private final Unreachable chain = new Unreachable(f);
  private final InMemoryTransactionLog hubLog = new InMemoryTransactionLog();
  private final HubWallet hubWallet =
      new HubWallet(ChannelFixture.key(62), chain, new InMemoryWalletStore(), hubLog);
  private final InMemoryChannelStore hubStore = new InMemoryChannelStore();
  private final HubChannels hub =
      new HubChannels(ChannelFixture.key(61), hubWallet, hubStore, chain, hubLog);
  private final TransactionWatcher watcher =
      new TransactionWatcher(chain, hubLog, List.of(hubWallet), 3);

  /** The devnet, except that broadcasts fail as an unreachable node's do while {@link #down}. */
  static final class Unreachable implements ChainBackend {
    final ChannelFixture f;
    volatile boolean down;

    Unreachable(ChannelFixture f) {
      this.f = f;
    }

    @Override
    public String network() {
      return f.devnet.network();
    }

    @Override
    public BroadcastResult broadcast(byte[] rawTx) {
      if (down) {
        throw new ChainUnavailableException("node unreachable: Connection refused");
      }
      return f.devnet.broadcast(rawTx);
    }

    @Override
    public TxStatus status(String txid) {
      return f.devnet.status(txid);
    }

    @Override
    public Optional<ChainHeader> header(long height) {
      return f.devnet.header(height);
    }

    @Override
    public List<ChainHeader> headers(long fromHeight, int count) {
      return f.devnet.headers(fromHeight, count);
    }

    @Override
    public ChainHeader tip() {
      return f.devnet.tip();
    }

    @Override
    public FeePolicy feePolicy() {
      return f.devnet.feePolicy();
    }
  }

  private boolean logged(String txid) {
    return hubLog.all().stream()
        .filter(LoggedTransaction::made)
        .anyMatch(t -> t.transaction().txidHex().equals(txid));
  }

  @Test
  void aBuyerChannelsCloseIsKeptAndSentOnceTheChainAnswers() {
    PayerKeeper buyer =
        new PayerKeeper(f.payerKey, f.payerWallet, new InMemoryChannelStore(), f.devnet);
    ChannelResult<PayerChannel> opened =
        buyer.open(
            "b-1",
            ChannelDirection.BUYER_TO_HUB,
            "buyer",
            hub.hubKey(),
            hub.hubPayeeScript(),
            100_000,
            f.devnet.tip().height() + 50,
            100_000,
            hub.buyers());
    assertThat(opened.isOk()).as(opened.detail()).isTrue();
    assertThat(buyer.pay("b-1", 30_000, hub.buyers()).isOk()).isTrue();

    chain.down = true;
    ChannelResult<BroadcastResult> closed = hub.closeBuyerChannel("b-1");

    assertThat(closed.value().outcome()).isEqualTo(BroadcastResult.Outcome.KEPT);
    String txid = closed.value().txid();
    assertThat(hub.buyerChannel("b-1").orElseThrow().state()).isEqualTo(ChannelState.CLOSING);
    assertThat(logged(txid)).isTrue();
    assertThat(f.devnet.status(txid).state()).isEqualTo(TxStatus.State.UNKNOWN);
    chain.down = false;
    assertThat(watcher.watch().resent()).isEqualTo(1);
    assertThat(f.devnet.status(txid).state()).isEqualTo(TxStatus.State.MEMPOOL);
  }

  @Test
  void aSellerChannelsFundingAndRefundAreKeptAndSentOnceTheChainAnswers() {
    hubWallet.receive(
        Transaction.parse(f.devnet.faucet(hubWallet.lockingScript(), 1_000_000).rawTx()),
        false,
        List.of(),
        "faucet");
    f.devnet.mineBlocks(1);
    chain.down = true;
    ChannelResult<PayerChannel> opened =
        hub.sellers()
            .open(
                "s-1",
                ChannelDirection.HUB_TO_SELLER,
                "seller",
                f.payeeKey.publicKey(),
                f.payeeScript(),
                200_000,
                f.devnet.tip().height(),
                200_000,
                new PayeeKeeper(f.payeeKey, new InMemoryChannelStore()));

    assertThat(opened.isOk()).as(opened.detail()).isTrue();
    assertThat(hub.sellers().channel("s-1").orElseThrow().state()).isEqualTo(ChannelState.OPEN);
    String funding = Transaction.txidToHex(opened.value().terms().fundingTxid());
    assertThat(logged(funding)).isTrue();
    BroadcastResult refund = hub.sellers().refund("s-1");
    assertThat(refund.outcome()).isEqualTo(BroadcastResult.Outcome.KEPT);
    assertThat(hub.sellers().channel("s-1").orElseThrow().state()).isEqualTo(ChannelState.REFUNDED);
    assertThat(logged(refund.txid())).isTrue();

    chain.down = false;
    assertThat(watcher.watch().resent()).isEqualTo(2);
    assertThat(f.devnet.status(funding).state()).isEqualTo(TxStatus.State.MEMPOOL);
    assertThat(f.devnet.status(refund.txid()).state()).isEqualTo(TxStatus.State.MEMPOOL);
  }
}
