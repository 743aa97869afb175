package io.peerwatt.protocol.channel;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.bsv.Interpreter;
import io.peerwatt.protocol.bsv.ScriptFlags;
import io.peerwatt.protocol.bsv.ScriptResult;
import io.peerwatt.protocol.bsv.Signatures;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxOutput;
import io.peerwatt.protocol.keys.PrivateKey;
import java.util.Arrays;
import java.util.Objects;

/**
 * The payee's side of a one-way channel, as an immutable value. The payee signs the refund before
 * the funding goes out, checks every commitment (signature, exact outputs and fee, growing amount)
 * and must persist the accepted value before acknowledging it; it can always close with the newest
 * one. No I/O inside: used by the hub (buyer channels), sellers' gateways and the custodial store.
 *
 * @param terms the agreed terms
 * @param state lifecycle state
 * @param sequence the newest accepted commitment's sequence; 0 before the first
 * @param payeeAmountSats the newest accepted payee amount; 0 before the first
 * @param payerSignature the payer's signature of the newest commitment; null before the first
 */
public record PayeeChannel(
    ChannelTerms terms,
    ChannelState state,
    long sequence,
    long payeeAmountSats,
    byte[] payerSignature) {

  /** A refund signature and the channel that gave it (now open). */
  public record RefundSignature(PayeeChannel channel, byte[] signature) {}

  public PayeeChannel {
    Objects.requireNonNull(terms, "terms");
    Objects.requireNonNull(state, "state");
    if ((sequence == 0) != (payerSignature == null)) {
      throw new IllegalArgumentException("a signature goes with every sequence after 0");
    }
    payerSignature = payerSignature == null ? null : payerSignature.clone();
  }

  /** A channel offered on these terms, before the refund is signed. */
  public static PayeeChannel accept(ChannelTerms terms) {
    return new PayeeChannel(terms, ChannelState.PROPOSED, 0, 0, null);
  }

  @Override
  public byte[] payerSignature() {
    return payerSignature == null ? null : payerSignature.clone();
  }

  public String channelId() {
    return terms.channelId();
  }

  /** Checks that {@code funding} pays the channel's 2-of-2 output exactly as the terms say. */
  public ChannelResult<Transaction> checkFunding(Transaction funding) {
    if (!Arrays.equals(funding.txid(), terms.fundingTxid())) {
      return ChannelResult.rejected(
          ChannelRejection.FUNDING_MISMATCH, "funding txid differs from the terms");
    }
    if (terms.fundingIndex() >= funding.outputs().size()) {
      return ChannelResult.rejected(
          ChannelRejection.FUNDING_MISMATCH, "funding has no output " + terms.fundingIndex());
    }
    TxOutput out = funding.outputs().get((int) terms.fundingIndex());
    if (!out.equals(new TxOutput(terms.capacitySats(), terms.fundingScript()))) {
      return ChannelResult.rejected(
          ChannelRejection.FUNDING_MISMATCH, "funding output is not capacity to the 2-of-2");
    }
    return ChannelResult.ok(funding);
  }

  /** Signs the refund the payer proposes, if it is exactly the one the terms define. */
  public ChannelResult<RefundSignature> signRefund(
      Transaction proposedRefund, PrivateKey payeeKey) {
    if (!payeeKey.publicKey().equals(terms.payeeKey())) {
      throw new IllegalArgumentException("not this channel's payee key");
    }
    if (state != ChannelState.PROPOSED) {
      return ChannelResult.rejected(
          ChannelRejection.NOT_OPEN, "refund already signed; state " + state.code());
    }
    Transaction expected = terms.refundTransaction();
    if (!proposedRefund.equals(expected)) {
      return ChannelResult.rejected(
          ChannelRejection.REFUND_MISMATCH,
          "proposed " + proposedRefund + ", expected " + expected);
    }
    byte[] sig =
        Signatures.signAllForkId(
            payeeKey, expected, 0, terms.fundingScript(), terms.capacitySats());
    return ChannelResult.ok(
        new RefundSignature(new PayeeChannel(terms, ChannelState.OPEN, 0, 0, null), sig));
  }

  /**
   * Checks a commitment. On success returns the channel to persist before acknowledging; a resend
   * of the newest accepted commitment returns this same channel (acknowledge again).
   */
  public ChannelResult<PayeeChannel> receive(CommitmentUpdate update) {
    if (!terms.channelId().equals(update.channelId())) {
      return ChannelResult.rejected(ChannelRejection.WRONG_CHANNEL, update.channelId());
    }
    if (state != ChannelState.OPEN) {
      return ChannelResult.rejected(ChannelRejection.NOT_OPEN, "channel is " + state.code());
    }
    if (update.sequence() == sequence && sequence > 0) {
      boolean same =
          update.payeeAmountSats() == payeeAmountSats
              && Arrays.equals(update.payerSignature(), payerSignature)
              && Arrays.equals(
                  update.rawTx(), terms.commitmentTransaction(payeeAmountSats).serialize());
      return same
          ? ChannelResult.ok(this)
          : ChannelResult.rejected(
              ChannelRejection.CONFLICTING_DUPLICATE, "sequence " + sequence + " already accepted");
    }
    if (update.sequence() < sequence) {
      return ChannelResult.rejected(
          ChannelRejection.STALE_SEQUENCE, update.sequence() + " <= " + sequence);
    }
    if (update.payeeAmountSats() <= payeeAmountSats) {
      return ChannelResult.rejected(
          ChannelRejection.AMOUNT_NOT_INCREASING,
          update.payeeAmountSats() + " sat is not above " + payeeAmountSats + " sat");
    }
    if (update.payeeAmountSats() > terms.maxPayeeAmountSats()) {
      return ChannelResult.rejected(
          ChannelRejection.EXCEEDS_CAPACITY,
          update.payeeAmountSats() + " sat > " + terms.maxPayeeAmountSats() + " sat");
    }
    if (update.payeeAmountSats() < terms.dustLimitSats()) {
      return ChannelResult.rejected(ChannelRejection.BELOW_DUST, update.payeeAmountSats() + " sat");
    }
    Transaction proposed;
    try {
      proposed = Transaction.parse(update.rawTx());
    } catch (FormatException e) {
      return ChannelResult.rejected(ChannelRejection.MALFORMED_COMMITMENT, e.getMessage());
    }
    Transaction expected = terms.commitmentTransaction(update.payeeAmountSats());
    if (!proposed.equals(expected)) {
      return ChannelResult.rejected(
          ChannelRejection.CHANGED_OUTPUTS, "got " + proposed + " expected " + expected);
    }
    if (!Signatures.verifyAllForkId(
        terms.payerKey(),
        update.payerSignature(),
        expected,
        0,
        terms.fundingScript(),
        terms.capacitySats())) {
      return ChannelResult.rejected(
          ChannelRejection.BAD_SIGNATURE, "payer signature does not verify");
    }
    return ChannelResult.ok(
        new PayeeChannel(
            terms, state, update.sequence(), update.payeeAmountSats(), update.payerSignature()));
  }

  /**
   * The newest commitment with both signatures, ready to broadcast. Checked with protocol's
   * interpreter against the funding output before it is returned.
   */
  public ChannelResult<Transaction> closingTransaction(PrivateKey payeeKey) {
    if (!payeeKey.publicKey().equals(terms.payeeKey())) {
      throw new IllegalArgumentException("not this channel's payee key");
    }
    if (sequence == 0) {
      return ChannelResult.rejected(ChannelRejection.NOTHING_TO_CLOSE, "no commitment accepted");
    }
    Transaction commitment = terms.commitmentTransaction(payeeAmountSats);
    byte[] mine =
        Signatures.signAllForkId(
            payeeKey, commitment, 0, terms.fundingScript(), terms.capacitySats());
    Transaction signed =
        commitment.withUnlockingScript(0, ChannelTerms.multisigUnlock(payerSignature, mine));
    ScriptResult check =
        Interpreter.verifyInput(
            signed,
            0,
            new TxOutput(terms.capacitySats(), terms.fundingScript()),
            ScriptFlags.POST_GENESIS_STANDARD);
    if (!check.ok()) {
      throw new IllegalStateException("accepted commitment fails the interpreter: " + check);
    }
    return ChannelResult.ok(signed);
  }

  public PayeeChannel withState(ChannelState newState) {
    return new PayeeChannel(terms, newState, sequence, payeeAmountSats, payerSignature);
  }
}
