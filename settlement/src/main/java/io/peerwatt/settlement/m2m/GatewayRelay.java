package io.peerwatt.settlement.m2m;

import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxInput;
import io.peerwatt.protocol.bsv.TxOutput;
import io.peerwatt.protocol.channel.ChannelDirection;
import io.peerwatt.protocol.channel.ChannelState;
import io.peerwatt.protocol.channel.ChannelTerms;
import io.peerwatt.protocol.channel.PayeeChannel;
import io.peerwatt.protocol.channel.PayerChannel;
import io.peerwatt.settlement.chain.BroadcastResult;
import io.peerwatt.settlement.chain.ChainBackend;
import io.peerwatt.settlement.channel.ChannelStore;
import io.peerwatt.settlement.channel.HubChannels;
import io.peerwatt.settlement.wallet.TransactionLog;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a gateway may have the hub broadcast for it: the closing commitment of a hub -> seller
 * channel it co-signed, or the agreed refund of its buyer -> hub channel after expiry. Anything
 * else is refused, so the hub is no open relay.
 */
final class GatewayRelay {
  private static final Logger log = LoggerFactory.getLogger(GatewayRelay.class);

  private final GatewayRegistry registry;
  private final HubChannels hub;
  private final ChannelStore hubStore;
  private final ChainBackend chain;
  private final TransactionLog transactions;
  private final Clock clock;

  GatewayRelay(
      GatewayRegistry registry,
      HubChannels hub,
      ChannelStore hubStore,
      ChainBackend chain,
      TransactionLog transactions,
      Clock clock) {
    this.registry = registry;
    this.hub = hub;
    this.hubStore = hubStore;
    this.chain = chain;
    this.transactions = transactions;
    this.clock = clock;
  }

  /**
   * Broadcasts a transaction the gateway completed on one of its channels: the closing commitment
   * of a hub -> seller channel (the gateway co-signed the hub's newest one) or the refund of its
   * buyer -> hub channel after expiry. Anything else is refused, so this is no open relay.
   */
  GatewayViews.Relayed relay(long accountId, GatewayRegistry.GatewayWallet wallet, String rawHex) {
    Transaction tx = GatewayRefusal.parsed("rawTx", () -> Transaction.parseHex(rawHex));
    String account = Long.toString(accountId);
    if (tx.inputs().size() != 1) {
      throw GatewayRefusal.invalid(
          "NOT_A_CHANNEL_TRANSACTION", "a channel close or refund has exactly one input", "rawTx");
    }
    TxInput in = tx.inputs().get(0);
    Predicate<ChannelTerms> spendsFunding =
        t ->
            Arrays.equals(t.fundingTxid(), in.prevTxid())
                && t.fundingIndex() == in.prevIndex()
                && t.prosumerAccount().equals(account);
    for (ChannelState state : List.of(ChannelState.OPEN, ChannelState.CLOSING)) {
      for (PayerChannel c : hubStore.payerChannels(state)) {
        if (c.terms().direction() == ChannelDirection.HUB_TO_SELLER
            && spendsFunding.test(c.terms())
            && c.terms().payeeKey().equals(wallet.channelKey())) {
          BroadcastResult sent = broadcastOrRefuse(tx);
          hub.sellers().closedByPayee(c.channelId(), tx);
          registry.recordClose(c.channelId(), tx.txid(), clock.instant());
          log.info(
              "the gateway of account {} closed hub -> seller channel {} at {} sat: {}",
              account,
              c.channelId(),
              c.payeeAmountSats(),
              sent.txid());
          return new GatewayViews.Relayed(c.channelId(), sent);
        }
      }
      for (PayeeChannel c : hubStore.payeeChannels(state)) {
        if (c.terms().direction() == ChannelDirection.BUYER_TO_HUB
            && spendsFunding.test(c.terms())
            && c.terms().payerKey().equals(wallet.channelKey())) {
          if (!tx.equals(
              c.terms().refundTransaction().withUnlockingScript(0, in.unlockingScript()))) {
            throw GatewayRefusal.invalid(
                "NOT_A_CHANNEL_TRANSACTION",
                "only the agreed refund of "
                    + c.channelId()
                    + " may be relayed; the hub closes buyer channels itself",
                "rawTx");
          }
          BroadcastResult sent = broadcastOrRefuse(tx);
          transactions.recordMade(
              tx,
              List.of(new TxOutput(c.terms().capacitySats(), c.terms().fundingScript())),
              "channel-refund");
          hub.markBuyerChannelSpent(c.channelId(), ChannelState.REFUNDED, tx.txid());
          log.warn(
              "buyer channel {} of account {} refunded to the gateway after expiry: {}",
              c.channelId(),
              account,
              sent.txid());
          return new GatewayViews.Relayed(c.channelId(), sent);
        }
      }
    }
    throw GatewayRefusal.invalid(
        "NOT_A_CHANNEL_TRANSACTION",
        "the transaction spends no funding output of this" + " gateway's open channels",
        "rawTx");
  }

  /**
   * Broadcasts a close or refund the gateway completed; an unreachable chain keeps it (the caller
   * logs it, the transaction watcher sends it again).
   */
  private BroadcastResult broadcastOrRefuse(Transaction tx) {
    BroadcastResult sent = chain.broadcastOrKeep(tx);
    if (!sent.isAccepted()) {
      throw GatewayRefusal.conflict(
          "TRANSACTION_REJECTED",
          "the chain refused " + sent.txid() + ": " + sent.reason() + " " + sent.detail(),
          "rawTx");
    }
    return sent;
  }
}
