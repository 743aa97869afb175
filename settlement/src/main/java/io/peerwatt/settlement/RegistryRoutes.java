package io.peerwatt.settlement;

import io.peerwatt.protocol.channel.ChannelDirection;
import io.peerwatt.protocol.channel.ChannelState;
import io.peerwatt.protocol.channel.PayeeChannel;
import io.peerwatt.protocol.channel.PayerChannel;
import io.peerwatt.protocol.keys.PublicKey;
import io.peerwatt.settlement.channel.ChannelStore;
import io.peerwatt.settlement.channel.PayeeEndpoint;
import io.peerwatt.settlement.channel.PayerKeeper;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * {@link ChannelPaymentPort.Routes} read from the hub's channel store. Convention: a channel's
 * {@code prosumerAccount} is the prosumer's account id in decimal. When an account has several open
 * channels in one direction, the greatest channel id is used, so a channel reopened for a top-up
 * gets a greater id than the one it replaces.
 *
 * <ul>
 *   <li>hub -> prosumer: the hub's open payer channel with direction {@code HUB_TO_SELLER}; the
 *       payee endpoint comes from {@code payeeEndpoints} (the custodial keeper, or an adapter to
 *       the gateway).
 *   <li>prosumer -> hub: the hub's open payee channel with direction {@code BUYER_TO_HUB};
 *       custodial when the custodial store holds its payer side, otherwise paid by the account's
 *       gateway through {@code gatewayLink}.
 * </ul>
 *
 * An account that pays machine to machine ({@code gatewayKeys} names its gateway's channel key) is
 * served only by channels whose prosumer side is that key: channels opened custodially before it
 * switched are left to close, never paid over.
 */
public final class RegistryRoutes implements ChannelPaymentPort.Routes {
  private final ChannelStore hubStore;
  private final ChannelStore custodialStore;
  private final PayerKeeper custodialPayer;
  private final LongFunction<PayeeEndpoint> payeeEndpoints;
  private final ChannelPaymentPort.GatewayLink gatewayLink;
  private final LongFunction<Optional<PublicKey>> gatewayKeys;
  private final PayeeEndpoint gatewayPayee;

  /**
   * @param hubStore the hub's channels (both roles)
   * @param custodialStore the custodial store's channels (it pays for prosumers without a gateway
   *     wallet)
   * @param custodialPayer the custodial store's payer keeper
   * @param payeeEndpoints where the payee of an account's hub -> prosumer channel answers
   * @param gatewayLink reaches buyers' gateways
   */
  public RegistryRoutes(
      ChannelStore hubStore,
      ChannelStore custodialStore,
      PayerKeeper custodialPayer,
      LongFunction<PayeeEndpoint> payeeEndpoints,
      ChannelPaymentPort.GatewayLink gatewayLink) {
    this(
        hubStore,
        custodialStore,
        custodialPayer,
        payeeEndpoints,
        gatewayLink,
        account -> Optional.empty(),
        payeeEndpoints.apply(0));
  }

  /**
   * @param gatewayKeys the channel key of an account's gateway when the account pays machine to
   *     machine
   * @param gatewayPayee where hub -> prosumer commitments of machine-to-machine accounts are
   *     delivered
   */
  public RegistryRoutes(
      ChannelStore hubStore,
      ChannelStore custodialStore,
      PayerKeeper custodialPayer,
      LongFunction<PayeeEndpoint> payeeEndpoints,
      ChannelPaymentPort.GatewayLink gatewayLink,
      LongFunction<Optional<PublicKey>> gatewayKeys,
      PayeeEndpoint gatewayPayee) {
    this.hubStore = Objects.requireNonNull(hubStore, "hubStore");
    this.custodialStore = Objects.requireNonNull(custodialStore, "custodialStore");
    this.custodialPayer = Objects.requireNonNull(custodialPayer, "custodialPayer");
    this.payeeEndpoints = Objects.requireNonNull(payeeEndpoints, "payeeEndpoints");
    this.gatewayLink = Objects.requireNonNull(gatewayLink, "gatewayLink");
    this.gatewayKeys = Objects.requireNonNull(gatewayKeys, "gatewayKeys");
    this.gatewayPayee = Objects.requireNonNull(gatewayPayee, "gatewayPayee");
  }

  @Override
  public Optional<ChannelPaymentPort.PayeeRoute> hubToProsumer(long accountId) {
    String account = Long.toString(accountId);
    Optional<PublicKey> gateway = gatewayKeys.apply(accountId);
    return hubStore.payerChannelsWith(account).stream()
        .filter(
            c ->
                c.state() == ChannelState.OPEN
                    && c.terms().direction() == ChannelDirection.HUB_TO_SELLER)
        .filter(c -> gateway.isEmpty() || gateway.get().equals(c.terms().payeeKey()))
        .map(PayerChannel::channelId)
        .max(Comparator.naturalOrder())
        .map(
            id ->
                new ChannelPaymentPort.PayeeRoute(
                    id, gateway.isPresent() ? gatewayPayee : payeeEndpoints.apply(accountId)));
  }

  @Override
  public Optional<ChannelPaymentPort.BuyerRoute> prosumerToHub(long accountId) {
    String account = Long.toString(accountId);
    Optional<PublicKey> gateway = gatewayKeys.apply(accountId);
    Optional<String> channelId =
        hubStore.payeeChannelsWith(account).stream()
            .filter(
                c ->
                    c.state() == ChannelState.OPEN
                        && c.terms().direction() == ChannelDirection.BUYER_TO_HUB)
            .filter(c -> gateway.isEmpty() || gateway.get().equals(c.terms().payerKey()))
            .map(PayeeChannel::channelId)
            .max(Comparator.naturalOrder());
    return channelId.map(
        id ->
            gateway.isEmpty() && custodialStore.payer(id).isPresent()
                ? new ChannelPaymentPort.Custodial(id, custodialPayer)
                : new ChannelPaymentPort.Gateway(id, gatewayLink));
  }
}
