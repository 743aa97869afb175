package io.peerwatt.settlement.runtime;

import io.peerwatt.protocol.channel.ChannelDirection;
import io.peerwatt.protocol.channel.ChannelResult;
import io.peerwatt.protocol.channel.ChannelState;
import io.peerwatt.protocol.channel.PayeeChannel;
import io.peerwatt.protocol.channel.PayerChannel;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When the hub opens a custodial prosumer's channels (and a third party's, which pays for shared
 * data over a payer -> hub channel the same way): a channel opens when a payment waits for it (no
 * coins sit in channels nobody pays over): hub -> prosumer for a credit, prosumer -> hub for a
 * debit, each when none is open. The gateways of machine-to-machine prosumers open their own buyer
 * channel, and the hub proposes their seller channel ({@code SellerChannelPolicy}). Blocking.
 */
final class CustodialChannelPolicy {
  private static final Logger log = LoggerFactory.getLogger(CustodialChannelPolicy.class);

  /** What a new channel keeps back from its capacity for the commitment fees. */
  private static final long FEE_RESERVE_SATS = 10_000;

  private final Settlement s;
  private final Clock clock;

  CustodialChannelPolicy(Settlement settlement, Clock clock) {
    this.s = Objects.requireNonNull(settlement, "settlement");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Opens the channels waiting payments of custodial prosumers need. */
  void openMissing() {
    WaitingPayments.Waiting waiting = s.waiting.pending();
    Set<Long> owed = new HashSet<>(waiting.credits());
    owed.addAll(waiting.debits());
    List<PayerChannel> hubPays = s.channels.payerChannels(ChannelState.OPEN);
    List<PayeeChannel> hubReceives = s.channels.payeeChannels(ChannelState.OPEN);
    long capacity = s.channelCapacitySats;
    long expiry = s.chain.tip().height() + Settlement.CHANNEL_LIFETIME_BLOCKS;
    for (long account : s.waiting.custodialPayingAccounts(owed)) {
      String a = Long.toString(account);
      boolean toSeller =
          hubPays.stream()
              .anyMatch(
                  c ->
                      c.terms().direction() == ChannelDirection.HUB_TO_SELLER
                          && c.terms().prosumerAccount().equals(a));
      boolean fromBuyer =
          hubReceives.stream()
              .anyMatch(
                  c ->
                      c.terms().direction() == ChannelDirection.BUYER_TO_HUB
                          && c.terms().prosumerAccount().equals(a));
      String suffix = a + "-" + clock.millis();
      if (!toSeller && waiting.credits().contains(account)) {
        ChannelResult<PayerChannel> r =
            s.hub
                .sellers()
                .open(
                    "hub-to-" + suffix,
                    ChannelDirection.HUB_TO_SELLER,
                    a,
                    s.custodialKey,
                    s.custodialWallet.lockingScript(),
                    capacity,
                    expiry,
                    capacity - FEE_RESERVE_SATS,
                    s.custodialPayee);
        logOpen("hub -> prosumer " + a, r);
      }
      if (!fromBuyer && waiting.debits().contains(account)) {
        ChannelResult<PayerChannel> r =
            s.custodialPayer.open(
                suffix + "-to-hub",
                ChannelDirection.BUYER_TO_HUB,
                a,
                s.hub.hubKey(),
                s.hub.hubPayeeScript(),
                capacity,
                expiry,
                capacity - FEE_RESERVE_SATS,
                s.hub.buyers());
        logOpen("prosumer " + a + " -> hub (custodial)", r);
      }
    }
  }

  private static void logOpen(String what, ChannelResult<PayerChannel> r) {
    if (r.isOk()) {
      log.info("channel {} opened: {}", what, r.value().channelId());
    } else {
      log.warn("channel {} not opened: {} {}", what, r.rejection(), r.detail());
    }
  }
}
