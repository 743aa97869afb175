package io.peerwatt.settlement.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.bsv.Interpreter;
import io.peerwatt.protocol.bsv.Script;
import io.peerwatt.protocol.bsv.ScriptFlags;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxOutput;
import io.peerwatt.protocol.channel.ChannelDirection;
import io.peerwatt.protocol.channel.ChannelResult;
import io.peerwatt.protocol.channel.ChannelTerms;
import io.peerwatt.protocol.channel.PayeeChannel;
import io.peerwatt.protocol.channel.PayerChannel;
import io.peerwatt.protocol.keys.PrivateKey;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/**
 * For any sequence of payment requests: the payee's amount only grows, never exceeds the cap or the
 * capacity, the payer and payee agree after every step, and the payee's closing transaction pays
 * exactly the newest amount and passes the interpreter against the funding output.
 */
class ChannelPropertyTest {
  private static final PrivateKey PAYER = key("payer");
  private static final PrivateKey PAYEE = key("payee");

  private static PrivateKey key(String seed) {
    return PrivateKey.fromBytes(
        Hashes.sha256(("property " + seed).getBytes(StandardCharsets.US_ASCII)));
  }

  @Property(tries = 40)
  void payeeStateTracksTheNewestAcceptedPayment(
      @ForAll @Size(min = 1, max = 8) List<@LongRange(min = -5_000, max = 60_000) Long> requests,
      @ForAll @LongRange(min = 1_000, max = 200_000) long capSats) {
    ChannelTerms terms =
        new ChannelTerms(
            "prop",
            ChannelDirection.BUYER_TO_HUB,
            "buyer",
            PAYER.publicKey(),
            PAYEE.publicKey(),
            Script.p2pkh(PAYER.publicKey().hash160()).bytes(),
            Script.p2pkh(PAYEE.publicKey().hash160()).bytes(),
            150_000,
            150,
            100,
            1_000,
            Hashes.sha256d(new byte[] {7}),
            1);
    PayeeChannel.RefundSignature refund =
        PayeeChannel.accept(terms).signRefund(terms.refundTransaction(), PAYEE).orThrow();
    PayerChannel payer =
        PayerChannel.propose(terms, capSats).acceptRefundSignature(refund.signature()).orThrow();
    PayeeChannel payee = refund.channel();
    for (long increment : requests) {
      long before = payee.payeeAmountSats();
      ChannelResult<PayerChannel.Payment> p = payer.payIncrement(increment, PAYER);
      long wanted = before + increment;
      boolean allowed =
          increment > 0
              && wanted <= capSats
              && wanted <= terms.maxPayeeAmountSats()
              && wanted >= terms.dustLimitSats();
      assertThat(p.isOk()).as("increment %d from %d", increment, before).isEqualTo(allowed);
      if (p.isOk()) {
        payer = p.value().channel();
        payee = payee.receive(p.value().update()).orThrow();
      }
      assertThat(payee.payeeAmountSats())
          .isEqualTo(payer.payeeAmountSats())
          .isGreaterThanOrEqualTo(before)
          .isLessThanOrEqualTo(Math.min(capSats, terms.maxPayeeAmountSats()));
    }
    if (payee.sequence() > 0) {
      Transaction closing = payee.closingTransaction(PAYEE).orThrow();
      assertThat(closing.outputs().get(0).satoshis()).isEqualTo(payee.payeeAmountSats());
      long total = closing.outputs().stream().mapToLong(TxOutput::satoshis).sum();
      assertThat(total).isLessThanOrEqualTo(terms.capacitySats() - terms.feeSats());
      assertThat(
              Interpreter.verifyInput(
                      closing,
                      0,
                      new TxOutput(terms.capacitySats(), terms.fundingScript()),
                      ScriptFlags.POST_GENESIS_STANDARD)
                  .ok())
          .isTrue();
    }
  }
}
