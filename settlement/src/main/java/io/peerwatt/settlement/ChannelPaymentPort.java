package io.peerwatt.settlement;

import io.peerwatt.protocol.channel.ChannelResult;
import io.peerwatt.protocol.channel.PayeeChannel;
import io.peerwatt.protocol.channel.PayerChannel;
import io.peerwatt.settlement.channel.HubChannels;
import io.peerwatt.settlement.channel.PayeeEndpoint;
import io.peerwatt.settlement.channel.PayerKeeper;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@link PaymentPort} over the hub's payment channels.
 *
 * <ul>
 *   <li>Positive amount: the hub, as payer ({@code HubChannels.sellers()}), advances the account's
 *       hub -> prosumer channel and delivers the commitment to the prosumer's payee endpoint (its
 *       gateway or the custodial store).
 *   <li>Negative amount, custodial account: the custodial payer advances the account's prosumer ->
 *       hub channel and delivers to the hub's payee side ({@code HubChannels.buyers()}).
 *   <li>Negative amount, machine-to-machine account: the {@link GatewayLink} asks the account's
 *       gateway to check the statement ({@code PaymentCheck}) and deliver a commitment to the hub;
 *       the payment is paid once the hub's side of the channel has acknowledged the target amount.
 * </ul>
 *
 * <p>Idempotent per payment: the channel's target amount is recorded before anything is signed;
 * when a payment comes again, a channel that already reached its target is only re-delivered, never
 * paid twice.
 */
public final class ChannelPaymentPort implements PaymentPort {
  private final PayerKeeper hubPayer;
  private final PayeeEndpoint hubPayee;
  private final Function<String, Optional<Long>> hubReceivedSats;
  private final Routes routes;

  /** Which channels serve an account. The integrator implements it from the channel registry. */
  public interface Routes {
    /** The account's open hub -> prosumer channel and where its payee answers. */
    Optional<PayeeRoute> hubToProsumer(long accountId);

    /** How the account pays the hub: its open prosumer -> hub channel and who signs it. */
    Optional<BuyerRoute> prosumerToHub(long accountId);
  }

  /**
   * A hub -> prosumer channel and the prosumer's endpoint (gateway adapter or custodial keeper).
   */
  public record PayeeRoute(String channelId, PayeeEndpoint payee) {
    public PayeeRoute {
      Objects.requireNonNull(channelId, "channelId");
      Objects.requireNonNull(payee, "payee");
    }
  }

  /** A prosumer -> hub channel, paid custodially or by the prosumer's gateway. */
  public sealed interface BuyerRoute permits Custodial, Gateway {
    /** The channel's id. */
    String channelId();
  }

  /** The platform signs for the prosumer with the custodial payer keeper. */
  public record Custodial(String channelId, PayerKeeper custodialPayer) implements BuyerRoute {
    public Custodial {
      Objects.requireNonNull(channelId, "channelId");
      Objects.requireNonNull(custodialPayer, "custodialPayer");
    }
  }

  /** The prosumer's gateway signs (machine-to-machine mode). */
  public record Gateway(String channelId, GatewayLink link) implements BuyerRoute {
    public Gateway {
      Objects.requireNonNull(channelId, "channelId");
      Objects.requireNonNull(link, "link");
    }
  }

  /**
   * Reaches a buyer's gateway (network adapter, provided by the integrator). The gateway checks the
   * statement against its own readings and cap, then delivers a commitment of the target amount to
   * the hub's payee endpoint.
   */
  public interface GatewayLink {
    /**
     * Asks for the payment; returns pending while the gateway has not answered, refused with the
     * gateway's {@code RefusalReason} code when it refuses, paid when it delivered.
     */
    PaymentOutcome requestPayment(SettlementPayment payment, ChannelTarget target);
  }

  /**
   * @param hubPayer the hub paying prosumers ({@code HubChannels.sellers()})
   * @param hubPayee where prosumer -> hub commitments are delivered ({@code HubChannels.buyers()})
   * @param hubReceivedSats the payee amount the hub has acknowledged on a prosumer -> hub channel
   * @param routes the accounts' channels
   */
  public ChannelPaymentPort(
      PayerKeeper hubPayer,
      PayeeEndpoint hubPayee,
      Function<String, Optional<Long>> hubReceivedSats,
      Routes routes) {
    this.hubPayer = Objects.requireNonNull(hubPayer, "hubPayer");
    this.hubPayee = Objects.requireNonNull(hubPayee, "hubPayee");
    this.hubReceivedSats = Objects.requireNonNull(hubReceivedSats, "hubReceivedSats");
    this.routes = Objects.requireNonNull(routes, "routes");
  }

  /** The port over the platform hub's channels. */
  public static ChannelPaymentPort forHub(HubChannels hub, Routes routes) {
    return new ChannelPaymentPort(
        hub.sellers(),
        hub.buyers(),
        id -> hub.buyerChannel(id).map(PayeeChannel::payeeAmountSats),
        routes);
  }

  @Override
  public PaymentOutcome send(SettlementPayment payment, PaymentAttempts attempts) {
    if (payment.amountSat() > 0) {
      Optional<PayeeRoute> route = routes.hubToProsumer(payment.accountId());
      if (route.isEmpty()) {
        return PaymentOutcome.pending(
            "account " + payment.accountId() + " has no open hub -> prosumer channel");
      }
      return payOver(
          hubPayer,
          route.get().channelId(),
          route.get().payee(),
          payment,
          payment.amountSat(),
          attempts);
    }
    Optional<BuyerRoute> route = routes.prosumerToHub(payment.accountId());
    if (route.isEmpty()) {
      return PaymentOutcome.pending(
          "account " + payment.accountId() + " has no open prosumer -> hub channel");
    }
    long amount = Math.negateExact(payment.amountSat());
    if (route.get() instanceof Custodial c) {
      return payOver(c.custodialPayer(), c.channelId(), hubPayee, payment, amount, attempts);
    }
    Gateway g = (Gateway) route.get();
    Optional<Long> received = hubReceivedSats.apply(g.channelId());
    if (received.isEmpty()) {
      return PaymentOutcome.pending("the hub does not know channel " + g.channelId());
    }
    ChannelTarget target = targetFor(payment, g.channelId(), received.get(), amount, attempts);
    if (received.get() >= target.payeeAmountSats()) {
      return PaymentOutcome.paid();
    }
    PaymentOutcome asked = g.link().requestPayment(payment, target);
    long now = hubReceivedSats.apply(g.channelId()).orElse(0L);
    return now >= target.payeeAmountSats()
        ? PaymentOutcome.paid()
        : asked.status() == PaymentStatus.PAID
            ? PaymentOutcome.pending("gateway says paid, hub has not acknowledged")
            : asked;
  }

  /** Pays over a channel this side signs, at most once per payment. */
  private static PaymentOutcome payOver(
      PayerKeeper payer,
      String channelId,
      PayeeEndpoint payee,
      SettlementPayment payment,
      long amount,
      PaymentAttempts attempts) {
    Optional<PayerChannel> channel = payer.channel(channelId);
    if (channel.isEmpty()) {
      return PaymentOutcome.pending("unknown channel " + channelId);
    }
    long current = channel.get().payeeAmountSats();
    Optional<ChannelTarget> noted = attempts.target(payment.id());
    if (noted.isPresent() && !noted.get().channelId().equals(channelId)) {
      // the account's channel changed since the last attempt: was it signed on the old one?
      Optional<PayerChannel> old = payer.channel(noted.get().channelId());
      if (old.isPresent() && old.get().payeeAmountSats() >= noted.get().payeeAmountSats()) {
        return outcome(payer.resendLatest(noted.get().channelId(), payee));
      }
    }
    ChannelTarget target = targetFor(payment, channelId, current, amount, attempts);
    if (current >= target.payeeAmountSats()) {
      // signed before a crash or a lost acknowledgement: deliver it again, never sign it twice
      return outcome(payer.resendLatest(channelId, payee));
    }
    return outcome(payer.pay(channelId, target.payeeAmountSats() - current, payee));
  }

  /** The payment's recorded target on this channel, or a new one recorded now. */
  private static ChannelTarget targetFor(
      SettlementPayment payment,
      String channelId,
      long current,
      long amount,
      PaymentAttempts attempts) {
    Optional<ChannelTarget> noted = attempts.target(payment.id());
    if (noted.isPresent() && noted.get().channelId().equals(channelId)) {
      return noted.get();
    }
    ChannelTarget target = new ChannelTarget(channelId, Math.addExact(current, amount));
    attempts.recordTarget(payment.id(), target);
    return target;
  }

  private static PaymentOutcome outcome(ChannelResult<Long> result) {
    if (result.isOk()) {
      return PaymentOutcome.paid();
    }
    return switch (result.rejection()) {
      // the channel needs the operator or a top-up, or the payee is away: safe to offer again later
      case PAYEE_UNREACHABLE, NOT_OPEN, EXCEEDS_CAPACITY, BELOW_DUST ->
          PaymentOutcome.pending(result.rejection() + ": " + result.detail());
      default ->
          PaymentOutcome.refused(
              result.rejection().code(), result.rejection() + ": " + result.detail());
    };
  }
}
