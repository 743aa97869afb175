package io.peerwatt.gateway.wallet;

import io.peerwatt.gateway.platform.PlatformClient;
import io.peerwatt.protocol.bsv.P2pkhSpend;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxOutput;
import io.peerwatt.protocol.channel.ChannelDirection;
import io.peerwatt.protocol.channel.ChannelJson;
import io.peerwatt.protocol.channel.ChannelResult;
import io.peerwatt.protocol.channel.ChannelState;
import io.peerwatt.protocol.channel.ChannelTerms;
import io.peerwatt.protocol.channel.PayerChannel;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.encoding.StrictHex;
import io.peerwatt.protocol.keys.PrivateKey;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wallet's buyer -> hub channels, on which this gateway pays the hub: it opens one when a debit
 * waits (funded from the wallet's coins, or the devnet faucet), has the hub sign the refund before
 * the funding goes out, tops up a nearly full or expiring one, books what a close returns, and
 * takes back with the refund a channel the hub let expire.
 */
final class BuyerChannels {
  private static final Logger log = LoggerFactory.getLogger(BuyerChannels.class);

  private final PrivateKey key;
  private final byte[] script;
  private final PlatformClient platform;
  private final WalletState state;
  private final WalletConfig config;
  private final Clock clock;
  private boolean warnedUnfunded;

  BuyerChannels(
      PrivateKey key,
      byte[] script,
      PlatformClient platform,
      WalletState state,
      WalletConfig config,
      Clock clock) {
    this.key = key;
    this.script = script;
    this.platform = platform;
    this.state = state;
    this.config = config;
    this.clock = clock;
  }

  /** A buyer -> hub channel: once the hub closed it, book the change it returned. */
  void syncOutgoing(Map<String, Object> item, ChannelTerms terms, String hubState)
      throws IOException {
    WalletState.Payer local = state.payers.get(terms.channelId());
    if (local == null || local.channel().state() != ChannelState.OPEN) {
      return;
    }
    if ("refunded".equals(hubState) && local.fundingBroadcast()) {
      // the hub took this wallet's refund, but its answer was lost: the refund is still to be
      // booked
      bookRefund(local, local.channel().signedRefund(key));
      return;
    }
    if (("closing".equals(hubState) || "closed".equals(hubState))
        && item.get("closingTx") instanceof String hex) {
      Transaction closing = Transaction.parseHex(hex);
      state.payers.put(
          terms.channelId(),
          new WalletState.Payer(
              local.channel().withState(ChannelState.CLOSED), local.fundingTx(), true));
      state.addOutputsTo(closing, script);
      state.save();
      log.info(
          "the hub closed buyer channel {} at {} sat paid: {}",
          terms.channelId(),
          local.channel().payeeAmountSats(),
          closing.txidHex());
    }
  }

  void ensureBuyerChannel(HubInfo i, boolean needChannel) throws IOException {
    for (WalletState.Payer p : new ArrayList<>(state.payers.values())) {
      if (p.channel().state() == ChannelState.PROPOSED) {
        askForRefund(p);
      } else if (p.channel().state() == ChannelState.OPEN && !p.fundingBroadcast()) {
        broadcastFunding(p);
      }
    }
    Optional<WalletState.Payer> open = state.openPayer();
    if (open.isPresent()) {
      ChannelTerms t = open.get().channel().terms();
      boolean expiring = t.expiryLockTime() - (i.tipHeight() + 1) <= i.closeMarginBlocks() * 2;
      boolean nearlyFull =
          t.maxPayeeAmountSats() - open.get().channel().payeeAmountSats() < t.capacitySats() / 10;
      if (!expiring && !nearlyFull) {
        return;
      }
      if (nearlyFull && open.get().channel().sequence() > 0) {
        // top up: the hub closes this one (it is the payee); a new one opens below
        platform.post("/gateway/channels/" + t.channelId() + "/close", Map.of());
      }
      needChannel = true;
    }
    if (!needChannel
        || state.payers.values().stream()
            .anyMatch(p -> p.channel().state() == ChannelState.PROPOSED)) {
      return;
    }
    openBuyerChannel(i);
  }

  private void openBuyerChannel(HubInfo i) throws IOException {
    long capacity = config.channelCapacitySats();
    long fundingFee = i.feePolicy().feeFor(1_000);
    if (state.balanceSats() < capacity + fundingFee && i.faucet() && config.devnetFaucet()) {
      Map<String, Object> paid = platform.post("/gateway/faucet", Map.of("satoshis", 2 * capacity));
      state.addOutputsTo(Transaction.parseHex(Json.string(paid, "rawTx")), script);
      state.save();
      log.info(
          "devnet faucet paid {} sat to this wallet ({})",
          Json.integer(paid, "satoshis"),
          Json.string(paid, "txid"));
    }
    if (state.balanceSats() < capacity + fundingFee) {
      if (!warnedUnfunded) {
        log.warn(
            "the wallet holds {} sat, not enough for a {} sat channel: send coins to {} on {}",
            state.balanceSats(),
            capacity,
            WalletInbox.address(key.publicKey(), i.network()),
            i.network());
        warnedUnfunded = true;
      }
      return;
    }
    warnedUnfunded = false;
    byte[] fundingScript = ChannelTerms.fundingScript(key.publicKey(), i.hubKey());
    P2pkhSpend.Spend spend =
        P2pkhSpend.build(
            key, state.coins, List.of(new TxOutput(capacity, fundingScript)), i.feePolicy());
    long commitmentFee = ChannelTerms.commitmentFeeSats(i.feePolicy(), script, i.hubScript());
    String id = "gw" + i.deviceId() + "-" + clock.millis();
    for (int n = 1; state.payers.containsKey(id); n++) {
      id = "gw" + i.deviceId() + "-" + clock.millis() + "-" + n;
    }
    ChannelTerms terms =
        new ChannelTerms(
            id,
            ChannelDirection.BUYER_TO_HUB,
            Long.toString(i.accountId()),
            key.publicKey(),
            i.hubKey(),
            script,
            i.hubScript(),
            capacity,
            commitmentFee,
            i.feePolicy().dustLimitSats(),
            i.tipHeight() + i.channelLifetimeBlocks(),
            spend.transaction().txid(),
            0);
    state.coins.removeAll(spend.inputs());
    state.reserved.put(spend.transaction().txidHex(), spend.inputs());
    state.payers.put(
        id,
        new WalletState.Payer(
            PayerChannel.propose(
                terms, config.spendingCapSatsPerDay() > 0 ? terms.maxPayeeAmountSats() : 0),
            spend.transaction().serialize(),
            false));
    state.save();
    log.info(
        "opening buyer channel {}: {} sat to the hub, expiry at height {}",
        id,
        capacity,
        terms.expiryLockTime());
    askForRefund(state.payers.get(id));
  }

  /**
   * Sends the proposal, stores the hub's refund signature, then has the hub broadcast the funding.
   */
  private void askForRefund(WalletState.Payer p) throws IOException {
    ChannelTerms terms = p.channel().terms();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("terms", ChannelJson.terms(terms));
    body.put("fundingTx", StrictHex.encode(p.fundingTx()));
    Map<String, Object> answer;
    try {
      answer = platform.post("/gateway/channels", body);
    } catch (PlatformClient.PlatformException e) {
      if (e.status() == 400) {
        abandon(p, e.getMessage());
      }
      throw e;
    }
    ChannelResult<PayerChannel> open =
        p.channel()
            .acceptRefundSignature(
                StrictHex.decode(Json.string(answer, "refundSignature"), "refundSignature"));
    if (!open.isOk()) {
      abandon(p, open.detail());
      return;
    }
    WalletState.Payer opened = new WalletState.Payer(open.value(), p.fundingTx(), false);
    state.payers.put(terms.channelId(), opened);
    state.save();
    broadcastFunding(opened);
  }

  private void broadcastFunding(WalletState.Payer p) throws IOException {
    ChannelTerms terms = p.channel().terms();
    platform.post(
        "/gateway/channels/" + terms.channelId() + "/funding",
        Map.of("rawTx", StrictHex.encode(p.fundingTx())));
    Transaction funding = Transaction.parse(p.fundingTx());
    state.reserved.remove(funding.txidHex());
    state.addOutputsTo(funding, script);
    state.payers.put(terms.channelId(), new WalletState.Payer(p.channel(), p.fundingTx(), true));
    state.save();
    log.info("buyer channel {} is open: funding {}", terms.channelId(), funding.txidHex());
  }

  /** The hub refused the channel: its coins come back and the proposal is dropped. */
  private void abandon(WalletState.Payer p, String why) throws IOException {
    Transaction funding = Transaction.parse(p.fundingTx());
    List<P2pkhSpend.Coin> coins = state.reserved.remove(funding.txidHex());
    if (coins != null) {
      state.coins.addAll(coins);
    }
    state.payers.put(
        p.channel().channelId(),
        new WalletState.Payer(p.channel().withState(ChannelState.CLOSED), p.fundingTx(), false));
    state.save();
    log.error("the hub refused buyer channel {}: {}", p.channel().channelId(), why);
  }

  /**
   * A buyer channel the hub let pass its expiry: take the funds back with the refund the hub
   * signed.
   */
  void refundExpired(HubInfo i) throws IOException {
    for (WalletState.Payer p : new ArrayList<>(state.payers.values())) {
      ChannelTerms t = p.channel().terms();
      if (p.channel().state() != ChannelState.OPEN
          || !p.fundingBroadcast()
          || t.expiryLockTime() >= 500_000_000L
          || i.tipHeight() + 1 <= t.expiryLockTime()) {
        continue;
      }
      Transaction refund = p.channel().signedRefund(key);
      platform.post("/gateway/transactions", Map.of("rawTx", StrictHex.encode(refund.serialize())));
      bookRefund(p, refund);
    }
  }

  /** The hub has the refund of a buyer channel: what it returns to this wallet is a coin. */
  private void bookRefund(WalletState.Payer p, Transaction refund) throws IOException {
    ChannelTerms t = p.channel().terms();
    state.payers.put(
        t.channelId(),
        new WalletState.Payer(p.channel().withState(ChannelState.REFUNDED), p.fundingTx(), true));
    state.addOutputsTo(refund, script);
    state.save();
    log.warn(
        "buyer channel {} expired open: refunded {} sat to this wallet ({})",
        t.channelId(),
        t.capacitySats() - t.feeSats(),
        refund.txidHex());
  }
}
