package io.peerwatt.protocol.channel;

import io.peerwatt.protocol.bsv.Signatures;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxOutput;
import io.peerwatt.protocol.keys.PrivateKey;
import java.util.Objects;

/**
 * The payer's side of a one-way channel, as an immutable value: each step returns the next value,
 * which the caller persists before handing anything to the payee. No I/O inside: this is the class
 * a buyer's gateway uses to sign its own channel updates (machine-to-machine mode) as well as the
 * hub (paying sellers) and the custodial store (paying for buyers without a gateway wallet).
 *
 * <p>Lifecycle: {@link #propose} with the terms, send {@link ChannelTerms#refundTransaction()} to
 * the payee, {@link #acceptRefundSignature} with its signature (only then broadcast the funding),
 * then {@link #pay} for every statement. {@link #signedRefund} takes the funds back after expiry.
 *
 * @param terms the agreed terms
 * @param state lifecycle state
 * @param spendingCapSats the most the owner lets this channel pay the payee in total
 * @param refundPayeeSignature the payee's signature of the refund; null until received
 * @param sequence the newest commitment's sequence; 0 before the first
 * @param payeeAmountSats the newest commitment's payee amount; 0 before the first
 * @param payerSignature the newest commitment's signature; null before the first
 */
public record PayerChannel(
    ChannelTerms terms,
    ChannelState state,
    long spendingCapSats,
    byte[] refundPayeeSignature,
    long sequence,
    long payeeAmountSats,
    byte[] payerSignature) {

  /** A signed payment: the channel to persist and the update to send. */
  public record Payment(PayerChannel channel, CommitmentUpdate update) {}

  public PayerChannel {
    Objects.requireNonNull(terms, "terms");
    Objects.requireNonNull(state, "state");
    if (spendingCapSats < 0 || sequence < 0 || payeeAmountSats < 0) {
      throw new IllegalArgumentException("cap, sequence and amount must not be negative");
    }
    if ((sequence == 0) != (payerSignature == null)) {
      throw new IllegalArgumentException("a signature goes with every sequence after 0");
    }
    refundPayeeSignature = refundPayeeSignature == null ? null : refundPayeeSignature.clone();
    payerSignature = payerSignature == null ? null : payerSignature.clone();
  }

  /** A new channel on these terms, waiting for the payee's refund signature. */
  public static PayerChannel propose(ChannelTerms terms, long spendingCapSats) {
    return new PayerChannel(terms, ChannelState.PROPOSED, spendingCapSats, null, 0, 0, null);
  }

  @Override
  public byte[] refundPayeeSignature() {
    return refundPayeeSignature == null ? null : refundPayeeSignature.clone();
  }

  @Override
  public byte[] payerSignature() {
    return payerSignature == null ? null : payerSignature.clone();
  }

  public String channelId() {
    return terms.channelId();
  }

  /**
   * Checks the payee's signature of the refund; the channel is then open (the funding may go out).
   */
  public ChannelResult<PayerChannel> acceptRefundSignature(byte[] payeeSignature) {
    if (state != ChannelState.PROPOSED) {
      return ChannelResult.rejected(
          ChannelRejection.NOT_OPEN, "refund already accepted; state " + state.code());
    }
    boolean valid =
        Signatures.verifyAllForkId(
            terms.payeeKey(),
            payeeSignature,
            terms.refundTransaction(),
            0,
            terms.fundingScript(),
            terms.capacitySats());
    if (!valid) {
      return ChannelResult.rejected(
          ChannelRejection.BAD_REFUND_SIGNATURE, "refund signature does not verify");
    }
    return ChannelResult.ok(
        new PayerChannel(terms, ChannelState.OPEN, spendingCapSats, payeeSignature, 0, 0, null));
  }

  /**
   * Signs a commitment that raises the payee's cumulative amount to {@code newPayeeAmountSats}.
   * Refused when it would not grow, exceed the capacity or the owner's spending cap, or be dust.
   */
  public ChannelResult<Payment> pay(long newPayeeAmountSats, PrivateKey payerKey) {
    if (!payerKey.publicKey().equals(terms.payerKey())) {
      throw new IllegalArgumentException("not this channel's payer key");
    }
    if (state != ChannelState.OPEN) {
      return ChannelResult.rejected(
          ChannelRejection.NOT_OPEN, "channel " + channelId() + " is " + state.code());
    }
    if (newPayeeAmountSats <= payeeAmountSats) {
      return ChannelResult.rejected(
          ChannelRejection.AMOUNT_NOT_INCREASING,
          newPayeeAmountSats + " sat is not above " + payeeAmountSats + " sat");
    }
    if (newPayeeAmountSats > terms.maxPayeeAmountSats()) {
      return ChannelResult.rejected(
          ChannelRejection.EXCEEDS_CAPACITY,
          newPayeeAmountSats + " sat > " + terms.maxPayeeAmountSats() + " sat");
    }
    if (newPayeeAmountSats > spendingCapSats) {
      return ChannelResult.rejected(
          ChannelRejection.EXCEEDS_SPENDING_CAP,
          newPayeeAmountSats + " sat > cap " + spendingCapSats + " sat");
    }
    if (newPayeeAmountSats < terms.dustLimitSats()) {
      return ChannelResult.rejected(
          ChannelRejection.BELOW_DUST,
          newPayeeAmountSats + " sat < dust limit " + terms.dustLimitSats() + " sat");
    }
    Transaction commitment = terms.commitmentTransaction(newPayeeAmountSats);
    byte[] signature =
        Signatures.signAllForkId(
            payerKey, commitment, 0, terms.fundingScript(), terms.capacitySats());
    long nextSequence = sequence + 1;
    PayerChannel next =
        new PayerChannel(
            terms,
            state,
            spendingCapSats,
            refundPayeeSignature,
            nextSequence,
            newPayeeAmountSats,
            signature);
    return ChannelResult.ok(
        new Payment(
            next,
            new CommitmentUpdate(
                channelId(), nextSequence, newPayeeAmountSats, commitment.serialize(), signature)));
  }

  /** {@link #pay} of the current amount plus {@code incrementSats}. */
  public ChannelResult<Payment> payIncrement(long incrementSats, PrivateKey payerKey) {
    return pay(Math.addExact(payeeAmountSats, incrementSats), payerKey);
  }

  /** The newest commitment again (to resend after a restart); null before the first. */
  public CommitmentUpdate latestUpdate() {
    if (sequence == 0) {
      return null;
    }
    return new CommitmentUpdate(
        channelId(),
        sequence,
        payeeAmountSats,
        terms.commitmentTransaction(payeeAmountSats).serialize(),
        payerSignature);
  }

  /** The refund with both signatures; valid on chain once the expiry lock time has passed. */
  public Transaction signedRefund(PrivateKey payerKey) {
    if (refundPayeeSignature == null) {
      throw new IllegalStateException("no refund signature from the payee yet");
    }
    Transaction refund = terms.refundTransaction();
    byte[] mine =
        Signatures.signAllForkId(payerKey, refund, 0, terms.fundingScript(), terms.capacitySats());
    return refund.withUnlockingScript(0, ChannelTerms.multisigUnlock(mine, refundPayeeSignature));
  }

  /** The funding output this channel spends. */
  public TxOutput fundingOutput() {
    return new TxOutput(terms.capacitySats(), terms.fundingScript());
  }

  public PayerChannel withState(ChannelState newState) {
    return new PayerChannel(
        terms,
        newState,
        spendingCapSats,
        refundPayeeSignature,
        sequence,
        payeeAmountSats,
        payerSignature);
  }
}
