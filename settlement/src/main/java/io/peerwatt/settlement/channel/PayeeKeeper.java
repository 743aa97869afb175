package io.peerwatt.settlement.channel;

import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.channel.ChannelRejection;
import io.peerwatt.protocol.channel.ChannelResult;
import io.peerwatt.protocol.channel.ChannelState;
import io.peerwatt.protocol.channel.ChannelTerms;
import io.peerwatt.protocol.channel.CommitmentUpdate;
import io.peerwatt.protocol.channel.PayeeChannel;
import io.peerwatt.protocol.keys.PrivateKey;
import java.util.Optional;

/**
 * A payee that keeps its channels in a {@link ChannelStore}: the hub for buyer channels, the
 * custodial store for sellers without a gateway wallet, and the reference a seller's gateway
 * follows. Every accepted commitment is saved before {@link #deliver} returns, so an acknowledged
 * payment survives a crash. Thread-safe: different channels at once, each channel one step at a
 * time.
 */
public final class PayeeKeeper implements PayeeEndpoint {
  private final PrivateKey payeeKey;
  private final ChannelStore store;
  private final ChannelLocks locks = new ChannelLocks();

  public PayeeKeeper(PrivateKey payeeKey, ChannelStore store) {
    this.payeeKey = payeeKey;
    this.store = store;
  }

  @Override
  public ChannelResult<byte[]> openAndSignRefund(
      ChannelTerms terms, Transaction funding, Transaction refund) {
    return locks.with(terms.channelId(), () -> openLocked(terms, funding, refund));
  }

  private ChannelResult<byte[]> openLocked(
      ChannelTerms terms, Transaction funding, Transaction refund) {
    if (!terms.payeeKey().equals(payeeKey.publicKey())) {
      return ChannelResult.rejected(ChannelRejection.BAD_TERMS, "terms name another payee key");
    }
    Optional<PayeeChannel> existing = store.payee(terms.channelId());
    if (existing.isPresent() && !existing.get().terms().equals(terms)) {
      return ChannelResult.rejected(
          ChannelRejection.BAD_TERMS, "channel id " + terms.channelId() + " already used");
    }
    if (existing.isPresent()) {
      // the payer asks again (its answer was lost): the deterministic signature comes out the same
      ChannelResult<PayeeChannel.RefundSignature> again =
          PayeeChannel.accept(terms).signRefund(refund, payeeKey);
      return again.isOk()
          ? ChannelResult.ok(again.value().signature())
          : ChannelResult.rejected(again.rejection(), again.detail());
    }
    PayeeChannel proposed = PayeeChannel.accept(terms);
    ChannelResult<Transaction> fundingCheck = proposed.checkFunding(funding);
    if (!fundingCheck.isOk()) {
      return ChannelResult.rejected(fundingCheck.rejection(), fundingCheck.detail());
    }
    ChannelResult<PayeeChannel.RefundSignature> signed = proposed.signRefund(refund, payeeKey);
    if (!signed.isOk()) {
      return ChannelResult.rejected(signed.rejection(), signed.detail());
    }
    store.savePayee(signed.value().channel());
    return ChannelResult.ok(signed.value().signature());
  }

  @Override
  public ChannelResult<Long> deliver(CommitmentUpdate update) {
    return locks.with(update.channelId(), () -> deliverLocked(update));
  }

  private ChannelResult<Long> deliverLocked(CommitmentUpdate update) {
    Optional<PayeeChannel> current = store.payee(update.channelId());
    if (current.isEmpty()) {
      return ChannelResult.rejected(
          ChannelRejection.WRONG_CHANNEL, "unknown channel " + update.channelId());
    }
    ChannelResult<PayeeChannel> checked = current.get().receive(update);
    if (!checked.isOk()) {
      return ChannelResult.rejected(checked.rejection(), checked.detail());
    }
    if (checked.value() != current.get()) {
      store.savePayee(checked.value());
    }
    return ChannelResult.ok(checked.value().payeeAmountSats());
  }

  /** The channel as stored. */
  public Optional<PayeeChannel> channel(String channelId) {
    return store.payee(channelId);
  }

  /** The newest commitment co-signed, ready to broadcast. */
  public ChannelResult<Transaction> closingTransaction(String channelId) {
    return store
        .payee(channelId)
        .map(c -> c.closingTransaction(payeeKey))
        .orElseGet(
            () ->
                ChannelResult.rejected(
                    ChannelRejection.WRONG_CHANNEL, "unknown channel " + channelId));
  }

  /**
   * Records a new lifecycle state and the transaction that spent the funding (a close or a refund).
   */
  public void markSpent(String channelId, ChannelState state, byte[] spendingTxid) {
    locks.run(
        channelId,
        () -> {
          markState(channelId, state);
          store.recordClosing(channelId, false, spendingTxid);
        });
  }

  /** Records a new lifecycle state (closing, closed). */
  public void markState(String channelId, ChannelState state) {
    locks.run(
        channelId,
        () -> store.payee(channelId).ifPresent(c -> store.savePayee(c.withState(state))));
  }
}
