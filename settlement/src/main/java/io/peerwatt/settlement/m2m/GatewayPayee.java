package io.peerwatt.settlement.m2m;

import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.channel.ChannelRejection;
import io.peerwatt.protocol.channel.ChannelResult;
import io.peerwatt.protocol.channel.ChannelTerms;
import io.peerwatt.protocol.channel.CommitmentUpdate;
import io.peerwatt.settlement.channel.PayeeEndpoint;
import java.util.Objects;

/**
 * A seller's gateway as the payee of its hub -> seller channel. The gateway is not reachable from
 * the platform: it polls, takes the hub's newest commitment, stores it and acknowledges it ({@link
 * GatewayRegistry#acknowledge}). So a delivery succeeds once that acknowledgement is in, and is
 * "payee unreachable" (the payment stays pending and is offered again) until then. Channels are
 * opened in two halves ({@code PayerKeeper.propose}, then {@code completeOpen} when the gateway's
 * refund signature arrives), never through {@link #openAndSignRefund}.
 */
final class GatewayPayee implements PayeeEndpoint {
  private final GatewayRegistry registry;

  GatewayPayee(GatewayRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  @Override
  public ChannelResult<byte[]> openAndSignRefund(
      ChannelTerms terms, Transaction funding, Transaction refund) {
    return ChannelResult.rejected(
        ChannelRejection.PAYEE_UNREACHABLE,
        "a gateway signs the refund of a proposed channel on its own poll");
  }

  @Override
  public ChannelResult<Long> deliver(CommitmentUpdate update) {
    long acked = registry.acknowledgedSequence(update.channelId());
    if (acked >= update.sequence()) {
      return ChannelResult.ok(update.payeeAmountSats());
    }
    return ChannelResult.rejected(
        ChannelRejection.PAYEE_UNREACHABLE,
        "waiting for the gateway to store commitment #"
            + update.sequence()
            + " ("
            + update.payeeAmountSats()
            + " sat); it has acknowledged #"
            + acked);
  }
}
