package io.peerwatt.settlement.channel;

import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxOutput;
import io.peerwatt.protocol.channel.ChannelDirection;
import io.peerwatt.protocol.channel.ChannelRejection;
import io.peerwatt.protocol.channel.ChannelResult;
import io.peerwatt.protocol.channel.ChannelState;
import io.peerwatt.protocol.channel.ChannelTerms;
import io.peerwatt.protocol.channel.PayerChannel;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.keys.PublicKey;
import io.peerwatt.settlement.chain.BroadcastResult;
import io.peerwatt.settlement.chain.ChainBackend;
import io.peerwatt.settlement.wallet.HubWallet;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A payer that funds channels from a wallet and keeps them in a {@link ChannelStore}: the hub
 * paying sellers, and the custodial store paying the hub for buyers without a gateway wallet. The
 * refund is signed by the payee and stored before the funding is broadcast; each commitment is
 * stored before it is sent, so a restart resends rather than forgets (signatures are deterministic,
 * so a re-signed commitment is byte-identical). Thread-safe: payments on different channels run at
 * once, each channel one step at a time; opening, refunding and closing (which spend or book the
 * wallet's coins) also run one at a time per keeper.
 */
public final class PayerKeeper {
  private static final Logger LOG = LoggerFactory.getLogger(PayerKeeper.class);
  private final PrivateKey payerKey;
  private final HubWallet wallet;
  private final ChannelStore store;
  private final ChainBackend chain;
  private final ChannelLocks locks = new ChannelLocks();

  /**
   * @param payerKey the key that signs this payer's channels
   * @param wallet funds channels and receives refunds and payer change
   * @param store where channel state lives
   * @param chain where funding and refunds go
   */
  public PayerKeeper(
      PrivateKey payerKey, HubWallet wallet, ChannelStore store, ChainBackend chain) {
    this.payerKey = payerKey;
    this.wallet = wallet;
    this.store = store;
    this.chain = chain;
  }

  public PublicKey payerKey() {
    return payerKey.publicKey();
  }

  /**
   * Opens a channel with a payee that answers at once: {@link #propose}, the payee signs the
   * refund, then {@link #completeOpen} stores the open channel and broadcasts the funding.
   *
   * @param spendingCapSats the most this channel may ever pay the payee
   */
  public synchronized ChannelResult<PayerChannel> open(
      String channelId,
      ChannelDirection direction,
      String prosumerAccount,
      PublicKey payeeKey,
      byte[] payeeScript,
      long capacitySats,
      long expiryLockTime,
      long spendingCapSats,
      PayeeEndpoint payee) {
    PayerChannel proposed =
        propose(
            channelId,
            direction,
            prosumerAccount,
            payeeKey,
            payeeScript,
            capacitySats,
            expiryLockTime,
            spendingCapSats);
    Transaction funding = Transaction.parse(store.proposedFunding(channelId).orElseThrow());
    ChannelResult<byte[]> refundSig =
        payee.openAndSignRefund(proposed.terms(), funding, proposed.terms().refundTransaction());
    if (!refundSig.isOk()) {
      abandonProposal(channelId);
      return ChannelResult.rejected(refundSig.rejection(), refundSig.detail());
    }
    return completeOpen(channelId, refundSig.value());
  }

  /**
   * First half of opening: builds and signs the funding (capacity to the 2-of-2), reserves its
   * inputs and stores the channel as PROPOSED with its funding; nothing is broadcast. The payee
   * signs the refund of the returned terms when it can (a gateway on its next poll); then {@link
   * #completeOpen}.
   */
  public synchronized PayerChannel propose(
      String channelId,
      ChannelDirection direction,
      String prosumerAccount,
      PublicKey payeeKey,
      byte[] payeeScript,
      long capacitySats,
      long expiryLockTime,
      long spendingCapSats) {
    if (store.payer(channelId).isPresent()) {
      throw new IllegalArgumentException("channel id " + channelId + " is taken");
    }
    byte[] payerScript = wallet.lockingScript();
    long fee = ChannelTerms.commitmentFeeSats(chain.feePolicy(), payerScript, payeeScript);
    byte[] fundingScript = ChannelTerms.fundingScript(payerKey.publicKey(), payeeKey);
    HubWallet.PreparedSpend funding =
        wallet.prepareHolding(List.of(new TxOutput(capacitySats, fundingScript)));
    ChannelTerms terms =
        new ChannelTerms(
            channelId,
            direction,
            prosumerAccount,
            payerKey.publicKey(),
            payeeKey,
            payerScript,
            payeeScript,
            capacitySats,
            fee,
            chain.feePolicy().dustLimitSats(),
            expiryLockTime,
            funding.transaction().txid(),
            0);
    PayerChannel proposed = PayerChannel.propose(terms, spendingCapSats);
    try {
      store.savePayerProposal(proposed, funding.transaction().serialize());
    } catch (RuntimeException e) {
      wallet.release(funding);
      throw e;
    }
    return proposed;
  }

  /**
   * Second half of opening: checks the payee's refund signature, stores the channel as OPEN (so the
   * refund is safe before any money moves), then broadcasts the funding. A channel already open is
   * returned as it is (the payee's answer came twice).
   */
  public synchronized ChannelResult<PayerChannel> completeOpen(
      String channelId, byte[] refundSignature) {
    return locks.with(channelId, () -> completeOpenLocked(channelId, refundSignature));
  }

  private ChannelResult<PayerChannel> completeOpenLocked(String channelId, byte[] refundSignature) {
    Optional<PayerChannel> current = store.payer(channelId);
    if (current.isEmpty()) {
      return ChannelResult.rejected(ChannelRejection.WRONG_CHANNEL, "unknown channel " + channelId);
    }
    if (current.get().state() == ChannelState.OPEN
        && Arrays.equals(current.get().refundPayeeSignature(), refundSignature)) {
      return ChannelResult.ok(current.get());
    }
    ChannelResult<PayerChannel> open = current.get().acceptRefundSignature(refundSignature);
    if (!open.isOk()) {
      return open;
    }
    Transaction fundingTx =
        Transaction.parse(
            store
                .proposedFunding(channelId)
                .orElseThrow(
                    () ->
                        new IllegalStateException(
                            "proposed channel " + channelId + " has no stored funding")));
    Optional<HubWallet.PreparedSpend> funding = wallet.reserved(fundingTx);
    if (funding.isEmpty()) {
      return ChannelResult.rejected(
          ChannelRejection.FUNDING_REJECTED,
          "the funding's inputs are no longer reserved (the proposal was abandoned)");
    }
    store.savePayer(open.value());
    BroadcastResult sent = wallet.broadcast(funding.get(), "channel-funding");
    if (!sent.isAccepted()) {
      store.savePayer(open.value().withState(ChannelState.CLOSED));
      return ChannelResult.rejected(
          ChannelRejection.FUNDING_REJECTED, sent.reason() + ": " + sent.detail());
    }
    ChannelTerms terms = open.value().terms();
    LOG.info(
        "channel {} open: {} sat to {}, funding {}",
        channelId,
        terms.capacitySats(),
        terms.prosumerAccount(),
        fundingTx.txidHex());
    return open;
  }

  /**
   * Makes sure the wallet holds {@code count} coins that can each fund a channel of {@code
   * capacitySats} on their own, for proposals that hold their coin until the payee answers.
   */
  public synchronized void ensureFundingCoins(int count, long capacitySats) {
    // room for the funding's fee: a one-input, two-output transaction is far below 1 kB
    wallet.ensureCoins(count, Math.addExact(capacitySats, chain.feePolicy().feeFor(1_000)));
  }

  /**
   * Gives up a proposal the payee never answered: releases the funding's inputs; the channel is
   * closed.
   */
  public synchronized void abandonProposal(String channelId) {
    locks.run(channelId, () -> abandonLocked(channelId));
  }

  private void abandonLocked(String channelId) {
    store
        .payer(channelId)
        .filter(c -> c.state() == ChannelState.PROPOSED)
        .ifPresent(
            c -> {
              store
                  .proposedFunding(channelId)
                  .ifPresent(
                      raw -> wallet.reserved(Transaction.parse(raw)).ifPresent(wallet::release));
              store.savePayer(c.withState(ChannelState.CLOSED));
            });
  }

  /**
   * Pays {@code incrementSats} more over the channel: signs, stores, then delivers. Returns the
   * payee's acknowledged cumulative amount.
   */
  public ChannelResult<Long> pay(String channelId, long incrementSats, PayeeEndpoint payee) {
    return locks.with(channelId, () -> payLocked(channelId, incrementSats, payee));
  }

  private ChannelResult<Long> payLocked(String channelId, long incrementSats, PayeeEndpoint payee) {
    Optional<PayerChannel> current = store.payer(channelId);
    if (current.isEmpty()) {
      return ChannelResult.rejected(ChannelRejection.WRONG_CHANNEL, "unknown channel " + channelId);
    }
    ChannelResult<PayerChannel.Payment> payment =
        current.get().payIncrement(incrementSats, payerKey);
    if (!payment.isOk()) {
      return ChannelResult.rejected(payment.rejection(), payment.detail());
    }
    store.savePayer(payment.value().channel());
    return payee.deliver(payment.value().update());
  }

  /** Sends the newest stored commitment again (after a restart or a lost acknowledgement). */
  public ChannelResult<Long> resendLatest(String channelId, PayeeEndpoint payee) {
    return locks.with(
        channelId,
        () -> {
          Optional<PayerChannel> current = store.payer(channelId);
          if (current.isEmpty() || current.get().latestUpdate() == null) {
            return ChannelResult.rejected(
                ChannelRejection.NOTHING_TO_CLOSE, "no commitment for " + channelId);
          }
          return payee.deliver(current.get().latestUpdate());
        });
  }

  public Optional<PayerChannel> channel(String channelId) {
    return store.payer(channelId);
  }

  /**
   * After expiry: broadcasts the refund (both signatures) and takes the funds back into the wallet.
   * Before expiry the chain answers NON_FINAL.
   */
  public synchronized BroadcastResult refund(String channelId) {
    return locks.with(channelId, () -> refundLocked(channelId));
  }

  private BroadcastResult refundLocked(String channelId) {
    PayerChannel channel =
        store
            .payer(channelId)
            .orElseThrow(() -> new IllegalArgumentException("unknown channel " + channelId));
    Transaction refund = channel.signedRefund(payerKey);
    BroadcastResult result = chain.broadcast(refund.serialize());
    if (result.isAccepted()) {
      wallet.receive(refund, true, List.of(channel.fundingOutput()), "channel-refund");
      store.savePayer(channel.withState(ChannelState.REFUNDED));
      store.recordClosing(channelId, true, refund.txid());
    }
    return result;
  }

  /**
   * Marks a channel closed once the payee's closing transaction is known (its payer change is the
   * wallet's).
   */
  public synchronized void closedByPayee(String channelId, Transaction closing) {
    locks.run(channelId, () -> closedLocked(channelId, closing));
  }

  private void closedLocked(String channelId, Transaction closing) {
    store
        .payer(channelId)
        .ifPresent(
            c -> {
              // the hub signed this commitment: it is one of the platform's transactions
              wallet.receive(closing, true, List.of(c.fundingOutput()), "channel-close");
              store.savePayer(c.withState(ChannelState.CLOSED));
              store.recordClosing(channelId, true, closing.txid());
            });
  }
}
