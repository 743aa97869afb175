package io.peerwatt.settlement.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxOutput;
import io.peerwatt.protocol.channel.ChannelRejection;
import io.peerwatt.protocol.channel.ChannelResult;
import io.peerwatt.protocol.channel.ChannelState;
import io.peerwatt.protocol.channel.ChannelTerms;
import io.peerwatt.protocol.channel.CommitmentUpdate;
import io.peerwatt.protocol.channel.PayeeChannel;
import io.peerwatt.protocol.channel.PayerChannel;
import io.peerwatt.settlement.chain.BroadcastResult;
import io.peerwatt.settlement.chain.RejectReason;
import io.peerwatt.settlement.chain.TxStatus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The channel rules on the devnet: every transaction here goes through protocol's interpreter. */
class ChannelSafetyTest {
  private ChannelFixture f;
  private PayerChannel payer;
  private PayeeChannel payee;
  private Transaction funding;

  @BeforeEach
  void openChannel() {
    f = new ChannelFixture();
    ChannelFixture.Opened opened = f.prepare("ch-1", 1_000_000, f.devnet.tip().height() + 4);
    ChannelTerms terms = opened.terms();
    funding = opened.funding().transaction();
    payer = PayerChannel.propose(terms, 800_000);
    PayeeChannel offered = PayeeChannel.accept(terms);
    assertThat(offered.checkFunding(funding).isOk()).isTrue();
    // the payee signs the refund before the funding is broadcast
    PayeeChannel.RefundSignature refund =
        offered.signRefund(terms.refundTransaction(), f.payeeKey).orThrow();
    payee = refund.channel();
    payer = payer.acceptRefundSignature(refund.signature()).orThrow();
    assertThat(payer.state()).isEqualTo(ChannelState.OPEN);
    BroadcastResult sent = f.payerWallet.broadcast(opened.funding(), "channel-funding");
    assertThat(sent.isAccepted()).as(sent.detail()).isTrue();
  }

  private CommitmentUpdate pay(long newAmount) {
    PayerChannel.Payment p = payer.pay(newAmount, f.payerKey).orThrow();
    payer = p.channel();
    return p.update();
  }

  @Test
  void payeeCanBroadcastTheNewestStateAndItIsMined() {
    for (long amount : new long[] {1_000, 25_000, 25_001, 400_000}) {
      ChannelResult<PayeeChannel> r = payee.receive(pay(amount));
      assertThat(r.isOk()).as(r.detail()).isTrue();
      payee = r.value();
    }
    assertThat(payee.sequence()).isEqualTo(4);
    Transaction closing = payee.closingTransaction(f.payeeKey).orThrow();
    assertThat(closing.outputs().get(0)).isEqualTo(new TxOutput(400_000, f.payeeScript()));
    long payerChange = 1_000_000 - payee.terms().feeSats() - 400_000;
    assertThat(closing.outputs().get(1))
        .isEqualTo(new TxOutput(payerChange, f.payerWallet.lockingScript()));
    BroadcastResult r = f.devnet.broadcast(closing.serialize());
    assertThat(r.isAccepted()).as(r.detail()).isTrue();
    f.devnet.mineBlocks(1);
    assertThat(f.devnet.status(funding.txidHex()).state()).isEqualTo(TxStatus.State.MINED);
    assertThat(f.devnet.status(closing.txidHex()).state()).isEqualTo(TxStatus.State.MINED);
    // the refund can no longer take the funds: the funding output is spent
    assertThat(f.devnet.broadcast(payer.signedRefund(f.payerKey).serialize()).reason())
        .isIn(RejectReason.DOUBLE_SPEND, RejectReason.NON_FINAL);
  }

  @Test
  void everyIntermediateStateIsBroadcastableByThePayee() {
    List<Transaction> closings = new ArrayList<>();
    for (long amount = 10_000; amount <= 50_000; amount += 10_000) {
      payee = payee.receive(pay(amount)).orThrow();
      closings.add(payee.closingTransaction(f.payeeKey).orThrow());
    }
    // each is valid on its own; the newest is what the payee sends
    for (Transaction t : closings) {
      assertThat(t.outputs().get(0).satoshis()).isPositive();
    }
    assertThat(f.devnet.broadcast(closings.get(closings.size() - 1).serialize()).isAccepted())
        .isTrue();
    assertThat(f.devnet.broadcast(closings.get(0).serialize()).reason())
        .isEqualTo(RejectReason.DOUBLE_SPEND);
  }

  @Test
  void lowerOrEqualAmountIsRejectedAndStateUnchanged() {
    payee = payee.receive(pay(50_000)).orThrow();
    ChannelTerms t = payee.terms();
    // a payer that signs a lower amount with a newer sequence
    Transaction lower = t.commitmentTransaction(40_000);
    byte[] sig =
        io.peerwatt.protocol.bsv.Signatures.signAllForkId(
            f.payerKey, lower, 0, t.fundingScript(), t.capacitySats());
    ChannelResult<PayeeChannel> r =
        payee.receive(new CommitmentUpdate("ch-1", 2, 40_000, lower.serialize(), sig));
    assertThat(r.rejection()).isEqualTo(ChannelRejection.AMOUNT_NOT_INCREASING);
    assertThat(payee.payeeAmountSats()).isEqualTo(50_000);
    // the payer side refuses to sign it in the first place
    assertThat(payer.pay(40_000, f.payerKey).rejection())
        .isEqualTo(ChannelRejection.AMOUNT_NOT_INCREASING);
    assertThat(payer.pay(50_000, f.payerKey).rejection())
        .isEqualTo(ChannelRejection.AMOUNT_NOT_INCREASING);
  }

  @Test
  void changedOutputsAreRejected() {
    CommitmentUpdate honest = pay(60_000);
    Transaction tx = Transaction.parse(honest.rawTx());
    ChannelTerms t = payee.terms();
    List<List<TxOutput>> variants =
        List.of(
            // the payer keeps more change (bigger fee taken from the payee's view)
            List.of(
                tx.outputs().get(0),
                new TxOutput(tx.outputs().get(1).satoshis() - 1_000, t.payerScript())),
            // the payee's amount goes elsewhere
            List.of(new TxOutput(60_000, t.payerScript()), tx.outputs().get(1)),
            // extra output
            List.of(tx.outputs().get(0), tx.outputs().get(1), new TxOutput(500, t.payerScript())),
            // payer change missing: all goes to fee
            List.of(tx.outputs().get(0)));
    for (List<TxOutput> outs : variants) {
      Transaction changed = new Transaction(tx.version(), tx.inputs(), outs, tx.lockTime());
      byte[] sig =
          io.peerwatt.protocol.bsv.Signatures.signAllForkId(
              f.payerKey, changed, 0, t.fundingScript(), t.capacitySats());
      ChannelResult<PayeeChannel> r =
          payee.receive(
              new CommitmentUpdate("ch-1", honest.sequence(), 60_000, changed.serialize(), sig));
      assertThat(r.rejection()).as(outs.toString()).isEqualTo(ChannelRejection.CHANGED_OUTPUTS);
    }
    Transaction lockTimed = new Transaction(tx.version(), tx.inputs(), tx.outputs(), 1234);
    assertThat(
            payee
                .receive(
                    new CommitmentUpdate(
                        "ch-1", 1, 60_000, lockTimed.serialize(), honest.payerSignature()))
                .rejection())
        .isEqualTo(ChannelRejection.CHANGED_OUTPUTS);
    assertThat(payee.receive(honest).isOk()).isTrue();
  }

  @Test
  void badSignaturesAreRejected() {
    CommitmentUpdate honest = pay(70_000);
    byte[] flipped = honest.payerSignature();
    flipped[10] ^= 0x01;
    assertThat(
            payee
                .receive(new CommitmentUpdate("ch-1", 1, 70_000, honest.rawTx(), flipped))
                .rejection())
        .isEqualTo(ChannelRejection.BAD_SIGNATURE);
    // signed by the payee's key (or anyone else) instead of the payer's
    ChannelTerms t = payee.terms();
    byte[] wrongKey =
        io.peerwatt.protocol.bsv.Signatures.signAllForkId(
            f.payeeKey, Transaction.parse(honest.rawTx()), 0, t.fundingScript(), t.capacitySats());
    assertThat(
            payee
                .receive(new CommitmentUpdate("ch-1", 1, 70_000, honest.rawTx(), wrongKey))
                .rejection())
        .isEqualTo(ChannelRejection.BAD_SIGNATURE);
    // a valid signature over another amount does not carry over
    CommitmentUpdate other = pay(80_000);
    assertThat(
            payee
                .receive(
                    new CommitmentUpdate("ch-1", 2, 80_000, other.rawTx(), honest.payerSignature()))
                .rejection())
        .isEqualTo(ChannelRejection.BAD_SIGNATURE);
    byte[] wrongType = honest.payerSignature();
    wrongType[wrongType.length - 1] = 0x01;
    assertThat(
            payee
                .receive(new CommitmentUpdate("ch-1", 1, 70_000, honest.rawTx(), wrongType))
                .rejection())
        .isEqualTo(ChannelRejection.BAD_SIGNATURE);
    assertThat(payee.sequence()).isZero();
  }

  @Test
  void resendOfTheNewestIsAcknowledgedAgainButAConflictingOneIsNot() {
    CommitmentUpdate u = pay(5_000);
    payee = payee.receive(u).orThrow();
    assertThat(payee.receive(u).value()).isSameAs(payee);
    assertThat(
            payee
                .receive(new CommitmentUpdate("ch-1", 0, 6_000, u.rawTx(), u.payerSignature()))
                .rejection())
        .isEqualTo(ChannelRejection.STALE_SEQUENCE);
    assertThat(
            payee
                .receive(new CommitmentUpdate("other", 2, 6_000, u.rawTx(), u.payerSignature()))
                .rejection())
        .isEqualTo(ChannelRejection.WRONG_CHANNEL);
  }

  @Test
  void payerRespectsCapacitySpendingCapAndDust() {
    assertThat(payer.pay(800_001, f.payerKey).rejection())
        .isEqualTo(ChannelRejection.EXCEEDS_SPENDING_CAP);
    assertThat(payer.pay(1_000_000, f.payerKey).rejection())
        .isEqualTo(ChannelRejection.EXCEEDS_CAPACITY);
    assertThat(payer.pay(99, f.payerKey).rejection()).isEqualTo(ChannelRejection.BELOW_DUST);
    assertThat(payer.pay(800_000, f.payerKey).isOk()).isTrue();
  }

  @Test
  void payerChangeBelowDustIsFoldedIntoTheFeeAndStillValid() {
    PayerChannel roomy =
        PayerChannel.propose(payer.terms(), Long.MAX_VALUE)
            .acceptRefundSignature(payer.refundPayeeSignature())
            .orThrow();
    long almostAll = payer.terms().maxPayeeAmountSats() - 50;
    PayerChannel.Payment p = roomy.pay(almostAll, f.payerKey).orThrow();
    payee = payee.receive(p.update()).orThrow();
    Transaction closing = payee.closingTransaction(f.payeeKey).orThrow();
    assertThat(closing.outputs()).hasSize(1);
    assertThat(f.devnet.broadcast(closing.serialize()).isAccepted()).isTrue();
  }

  @Test
  void refundIsSignedBeforeFundingAndMismatchedRefundsAreRefused() {
    ChannelFixture.Opened other = f.prepare("ch-2", 200_000, 900);
    PayeeChannel offered = PayeeChannel.accept(other.terms());
    Transaction tooEarly =
        new Transaction(
            1,
            other.terms().refundTransaction().inputs(),
            other.terms().refundTransaction().outputs(),
            800);
    assertThat(offered.signRefund(tooEarly, f.payeeKey).rejection())
        .isEqualTo(ChannelRejection.REFUND_MISMATCH);
    assertThat(offered.checkFunding(funding).rejection())
        .isEqualTo(ChannelRejection.FUNDING_MISMATCH);
    PayerChannel proposed = PayerChannel.propose(other.terms(), 1);
    assertThat(proposed.acceptRefundSignature(new byte[72]).rejection())
        .isEqualTo(ChannelRejection.BAD_REFUND_SIGNATURE);
    assertThat(proposed.pay(1_000, f.payerKey).rejection()).isEqualTo(ChannelRejection.NOT_OPEN);
    f.payerWallet.release(other.funding());
  }

  @Test
  void payerRecoversItsFundsThroughTheRefundAfterExpiry() {
    payee = payee.receive(pay(30_000)).orThrow();
    Transaction refund = payer.signedRefund(f.payerKey);
    assertThat(refund.lockTime()).isEqualTo(payer.terms().expiryLockTime());
    assertThat(f.devnet.broadcast(refund.serialize()).reason()).isEqualTo(RejectReason.NON_FINAL);
    long blocksToExpiry = payer.terms().expiryLockTime() - f.devnet.tip().height();
    f.devnet.mineBlocks((int) blocksToExpiry);
    BroadcastResult r = f.devnet.broadcast(refund.serialize());
    assertThat(r.isAccepted()).as(r.detail()).isTrue();
    f.devnet.mineBlocks(1);
    assertThat(f.devnet.status(refund.txidHex()).state()).isEqualTo(TxStatus.State.MINED);
    assertThat(refund.outputs().get(0))
        .isEqualTo(
            new TxOutput(1_000_000 - payer.terms().feeSats(), f.payerWallet.lockingScript()));
    // the payee's commitment is now a double spend: that is why the hub closes before expiry
    assertThat(
            f.devnet.broadcast(payee.closingTransaction(f.payeeKey).orThrow().serialize()).reason())
        .isEqualTo(RejectReason.DOUBLE_SPEND);
  }
}
