package io.peerwatt.benchmarks.settlement;

import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.bsv.Script;
import io.peerwatt.protocol.channel.ChannelDirection;
import io.peerwatt.protocol.channel.ChannelTerms;
import io.peerwatt.protocol.channel.PayeeChannel;
import io.peerwatt.protocol.channel.PayerChannel;
import io.peerwatt.protocol.keys.PrivateKey;
import java.nio.charset.StandardCharsets;

/**
 * Both sides of a hub -> seller channel opened in memory (refund signed, no chain), big enough for
 * every update of a run: 1 sat more each time.
 */
record OpenedChannel(PayerChannel payer, PayeeChannel payee) {

  static OpenedChannel open(
      String channelId,
      String prosumerAccount,
      PrivateKey payerKey,
      PrivateKey payeeKey,
      String fundingSeed) {
    ChannelTerms terms =
        new ChannelTerms(
            channelId,
            ChannelDirection.HUB_TO_SELLER,
            prosumerAccount,
            payerKey.publicKey(),
            payeeKey.publicKey(),
            Script.p2pkh(payerKey.publicKey().hash160()).bytes(),
            Script.p2pkh(payeeKey.publicKey().hash160()).bytes(),
            2_000_000_000_000L,
            200,
            1,
            900_000,
            Hashes.sha256d(fundingSeed.getBytes(StandardCharsets.US_ASCII)),
            0);
    PayeeChannel.RefundSignature refund =
        PayeeChannel.accept(terms).signRefund(terms.refundTransaction(), payeeKey).orThrow();
    PayerChannel payer =
        PayerChannel.propose(terms, Long.MAX_VALUE)
            .acceptRefundSignature(refund.signature())
            .orThrow();
    return new OpenedChannel(payer, refund.channel());
  }

  /** A key derived from {@code seed}, the same on every run. */
  static PrivateKey key(String seed) {
    return PrivateKey.fromBytes(Hashes.sha256(seed.getBytes(StandardCharsets.US_ASCII)));
  }
}
