package io.peerwatt.gateway.wallet;

import io.peerwatt.gateway.platform.PlatformClient;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.channel.ChannelJson;
import io.peerwatt.protocol.channel.ChannelResult;
import io.peerwatt.protocol.channel.ChannelState;
import io.peerwatt.protocol.channel.ChannelTerms;
import io.peerwatt.protocol.channel.CommitmentUpdate;
import io.peerwatt.protocol.channel.PayeeChannel;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.encoding.StrictHex;
import io.peerwatt.protocol.keys.PrivateKey;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wallet's hub -> seller channels, on which the hub pays this gateway's owner: it signs their
 * refunds, stores and acknowledges the hub's commitments, and co-signs the close when the hub asks
 * or expiry nears.
 */
final class SellerChannels {
  private static final Logger log = LoggerFactory.getLogger(SellerChannels.class);

  private final PrivateKey key;
  private final byte[] script;
  private final PlatformClient platform;
  private final WalletState state;

  SellerChannels(PrivateKey key, byte[] script, PlatformClient platform, WalletState state) {
    this.key = key;
    this.script = script;
    this.platform = platform;
    this.state = state;
  }

  /**
   * A hub -> seller channel: sign its refund, store and acknowledge commitments, close it when
   * asked.
   */
  void syncIncoming(HubInfo i, Map<String, Object> item, ChannelTerms terms, String hubState)
      throws IOException {
    String id = terms.channelId();
    if (!terms.payeeKey().equals(key.publicKey())
        || !Arrays.equals(terms.payeeScript(), script)
        || !terms.payerKey().equals(i.hubKey())) {
      log.warn("hub -> seller channel {} does not name this wallet's key and script; ignored", id);
      return;
    }
    WalletState.Payee local = state.payees.get(id);
    if (local != null
        && local.channel().state() == ChannelState.CLOSING
        && ("closing".equals(hubState) || "closed".equals(hubState))) {
      // the hub took the close this wallet relayed, but its answer was lost: the amount is still to
      // be booked
      bookClose(id, local);
      return;
    }
    if ("proposed".equals(hubState) && item.get("fundingTx") instanceof String fundingHex) {
      PayeeChannel proposed = PayeeChannel.accept(terms);
      ChannelResult<Transaction> funding = proposed.checkFunding(Transaction.parseHex(fundingHex));
      if (!funding.isOk()) {
        log.warn("hub -> seller channel {}: {}; not signing its refund", id, funding.detail());
        return;
      }
      ChannelResult<PayeeChannel.RefundSignature> signed =
          proposed.signRefund(terms.refundTransaction(), key);
      if (!signed.isOk()) {
        log.warn("hub -> seller channel {}: {}", id, signed.detail());
        return;
      }
      if (local == null) {
        state.payees.put(id, new WalletState.Payee(signed.value().channel(), null));
        state.save();
      }
      platform.post(
          "/gateway/channels/" + id + "/refund-signature",
          Map.of("refundSignature", StrictHex.encode(signed.value().signature())));
      log.info("signed the refund of hub -> seller channel {} ({} sat)", id, terms.capacitySats());
      return;
    }
    if (!"open".equals(hubState)) {
      return;
    }
    if (local == null) {
      // the refund was signed before a state file was lost: the terms are all a payee needs to go
      // on
      local = new WalletState.Payee(new PayeeChannel(terms, ChannelState.OPEN, 0, 0, null), null);
      state.payees.put(id, local);
      state.save();
    }
    PayeeChannel channel = local.channel();
    if (item.get("latest") instanceof Map<?, ?> latestJson) {
      @SuppressWarnings("unchecked")
      CommitmentUpdate update = ChannelJson.readUpdate((Map<String, Object>) latestJson);
      if (update.sequence() > channel.sequence() && channel.state() == ChannelState.OPEN) {
        ChannelResult<PayeeChannel> received = channel.receive(update);
        if (!received.isOk()) {
          log.error(
              "REFUSED the hub's commitment #{} on {}: {} {}",
              update.sequence(),
              id,
              received.rejection(),
              received.detail());
          return;
        }
        channel = received.value();
        state.payees.put(id, new WalletState.Payee(channel, null));
        state.save();
        log.info(
            "received {} sat in total on {} (commitment #{})",
            channel.payeeAmountSats(),
            id,
            channel.sequence());
      }
      if (channel.sequence() > Json.integer(item, "ackedSequence")) {
        platform.post("/gateway/channels/" + id + "/acks", Map.of("sequence", channel.sequence()));
      }
    }
    boolean nearExpiry =
        terms.expiryLockTime() < 500_000_000L
            && terms.expiryLockTime() - (i.tipHeight() + 1) <= i.closeMarginBlocks();
    boolean closeRequested = Boolean.TRUE.equals(item.get("closeRequested"));
    // a close once signed is sent until the hub has it, whatever the hub asks meanwhile
    if ((closeRequested || nearExpiry || channel.state() == ChannelState.CLOSING)
        && channel.sequence() > 0) {
      closeIncoming(id);
    }
  }

  /**
   * Co-signs the newest commitment of a hub -> seller channel and has the platform broadcast it.
   */
  private void closeIncoming(String id) throws IOException {
    WalletState.Payee local = state.payees.get(id);
    byte[] closing = local.closingTx();
    if (closing == null) {
      closing = local.channel().closingTransaction(key).orThrow().serialize();
      state.payees.put(
          id, new WalletState.Payee(local.channel().withState(ChannelState.CLOSING), closing));
      state.save();
    }
    platform.post("/gateway/transactions", Map.of("rawTx", StrictHex.encode(closing)));
    bookClose(id, state.payees.get(id));
  }

  /**
   * The hub has the closing transaction of a hub -> seller channel: what it pays this wallet is a
   * coin.
   */
  private void bookClose(String id, WalletState.Payee closing) throws IOException {
    Transaction tx = Transaction.parse(closing.closingTx());
    state.payees.put(
        id,
        new WalletState.Payee(
            closing.channel().withState(ChannelState.CLOSED), closing.closingTx()));
    state.addOutputsTo(tx, script);
    state.save();
    log.info(
        "closed hub -> seller channel {}: {} sat to this wallet in {}",
        id,
        closing.channel().payeeAmountSats(),
        tx.txidHex());
  }
}
