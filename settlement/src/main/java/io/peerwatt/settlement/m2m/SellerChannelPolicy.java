package io.peerwatt.settlement.m2m;

import io.peerwatt.protocol.bsv.P2pkhSpend;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.channel.ChannelDirection;
import io.peerwatt.protocol.channel.ChannelState;
import io.peerwatt.protocol.channel.ChannelTerms;
import io.peerwatt.protocol.channel.PayerChannel;
import io.peerwatt.settlement.chain.BroadcastResult;
import io.peerwatt.settlement.chain.ChainBackend;
import io.peerwatt.settlement.channel.ChannelStore;
import io.peerwatt.settlement.channel.HubChannels;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When the hub opens, gives up and closes the hub -> seller channels of machine-to-machine
 * gateways, as the settlement pass runs it: a channel is proposed to a gateway only when a credit
 * waits for its account, a proposal its gateway does not answer is given up, and a channel near
 * expiry is asked to close (the gateway, its payee, closes it) or, past expiry, refunded to the
 * hub. Blocking.
 */
public final class SellerChannelPolicy {
  private static final Logger log = LoggerFactory.getLogger(SellerChannelPolicy.class);

  /**
   * Blocks the hub waits for a gateway to sign the refund of a proposed channel before giving it
   * up.
   */
  public static final long PROPOSAL_PATIENCE_BLOCKS = 12;

  /** Lock times below this are block heights; above, UNIX times (never used for channels). */
  private static final long LOCK_TIME_THRESHOLD = 500_000_000L;

  private final GatewayRegistry registry;
  private final GatewayPaymentStore payments;
  private final HubChannels hub;
  private final ChannelStore hubStore;
  private final ChainBackend chain;
  private final Clock clock;
  private final GatewayChannels.Terms terms;

  SellerChannelPolicy(
      GatewayRegistry registry,
      GatewayPaymentStore payments,
      HubChannels hub,
      ChannelStore hubStore,
      ChainBackend chain,
      Clock clock,
      GatewayChannels.Terms terms) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.payments = Objects.requireNonNull(payments, "payments");
    this.hub = Objects.requireNonNull(hub, "hub");
    this.hubStore = Objects.requireNonNull(hubStore, "hubStore");
    this.chain = Objects.requireNonNull(chain, "chain");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.terms = Objects.requireNonNull(terms, "terms");
  }

  /**
   * Proposes a hub -> seller channel to every m2m account that is owed a payment and whose
   * registered gateway has no channel open or proposed. Returns the proposed channel ids.
   */
  public List<String> propose() {
    abandonStaleProposals();
    List<String> proposed = new ArrayList<>();
    List<PayerChannel> existing = new ArrayList<>(hubStore.payerChannels(ChannelState.OPEN));
    existing.addAll(hubStore.payerChannels(ChannelState.PROPOSED));
    long expiry = chain.tip().height() + terms.lifetimeBlocks();
    List<GatewayRegistry.GatewayWallet> waiting = new ArrayList<>();
    // only for an account a credit waits for: no coins sit in channels nobody pays over
    for (long accountId : payments.m2mAccountsOwedCredit()) {
      Optional<GatewayRegistry.GatewayWallet> wallet = registry.wallet(accountId);
      String account = Long.toString(accountId);
      if (wallet.isPresent()
          && existing.stream()
              .noneMatch(
                  c ->
                      c.terms().direction() == ChannelDirection.HUB_TO_SELLER
                          && c.terms().prosumerAccount().equals(account)
                          && c.terms().payeeKey().equals(wallet.get().channelKey()))) {
        waiting.add(wallet.get());
      }
    }
    if (waiting.isEmpty()) {
      return proposed;
    }
    // each proposal holds a whole coin until its gateway answers: one coin per proposal
    try {
      hub.sellers().ensureFundingCoins(waiting.size(), terms.capacitySats());
    } catch (P2pkhSpend.InsufficientFundsException e) {
      // the rest of the settlement pass must go on; proposals below take the coins there are
      log.warn(
          "cannot split the hub's coins for {} hub -> seller channel(s): {}",
          waiting.size(),
          e.getMessage());
    }
    for (GatewayRegistry.GatewayWallet wallet : waiting) {
      String account = Long.toString(wallet.accountId());
      String channelId = "hub-to-" + account + "-" + clock.millis();
      for (int n = 1; hubStore.payer(channelId).isPresent(); n++) {
        channelId = "hub-to-" + account + "-" + clock.millis() + "-" + n;
      }
      try {
        hub.sellers()
            .propose(
                channelId,
                ChannelDirection.HUB_TO_SELLER,
                account,
                wallet.channelKey(),
                wallet.payoutScript(),
                terms.capacitySats(),
                expiry,
                terms.capacitySats() - 10_000);
      } catch (P2pkhSpend.InsufficientFundsException e) {
        log.warn("no hub -> seller channel for account {} yet: {}", account, e.getMessage());
        continue;
      }
      log.info(
          "hub -> seller channel {} proposed to the gateway of account {}", channelId, account);
      proposed.add(channelId);
    }
    return proposed;
  }

  /**
   * Gives up proposals whose gateway did not answer within {@link #PROPOSAL_PATIENCE_BLOCKS}
   * blocks, or whose account registered another key meanwhile: their coin is free again, and the
   * next pass proposes anew to whatever gateway is registered then.
   */
  private void abandonStaleProposals() {
    long tip = chain.tip().height();
    for (PayerChannel c : hubStore.payerChannels(ChannelState.PROPOSED)) {
      ChannelTerms t = c.terms();
      if (t.direction() != ChannelDirection.HUB_TO_SELLER) {
        continue;
      }
      long proposedAt = t.expiryLockTime() - terms.lifetimeBlocks();
      boolean keyChanged = !isRegisteredPayee(t);
      if (keyChanged || tip - proposedAt > PROPOSAL_PATIENCE_BLOCKS) {
        hub.sellers().abandonProposal(c.channelId());
        log.warn(
            "hub -> seller channel {} abandoned: {}",
            c.channelId(),
            keyChanged
                ? "the account's gateway key changed"
                : "its gateway did not answer for " + (tip - proposedAt) + " blocks");
      }
    }
  }

  /**
   * Asks gateways to close their hub -> seller channels that are within the close margin of expiry
   * (or all that carry a payment when {@code all}), and refunds to the hub those past expiry whose
   * gateway did not close. Returns how many close requests are new.
   */
  public int close(boolean all) {
    long nextHeight = chain.tip().height() + 1;
    int requested = 0;
    for (PayerChannel c : hubStore.payerChannels(ChannelState.OPEN)) {
      if (c.terms().direction() != ChannelDirection.HUB_TO_SELLER
          || !isRegisteredPayee(c.terms())) {
        continue;
      }
      long expiry = c.terms().expiryLockTime();
      if (expiry < LOCK_TIME_THRESHOLD && nextHeight > expiry) {
        BroadcastResult refund = hub.sellers().refund(c.channelId());
        log.warn(
            "hub -> seller channel {} expired without the gateway closing it: refund {}",
            c.channelId(),
            refund.isAccepted() ? refund.txid() : refund.detail());
      } else if ((all && c.sequence() > 0)
          || (expiry < LOCK_TIME_THRESHOLD && expiry - nextHeight <= terms.closeMarginBlocks())) {
        if (!registry.closeRequested(c.channelId())) {
          registry.requestClose(c.channelId(), clock.instant());
          requested++;
        }
      }
    }
    return requested;
  }

  /**
   * Hub -> seller channels of m2m gateways that were asked to close and carry a payment: channel id
   * to the closing txid (display hex) the gateway relayed, or null while it has not closed yet.
   */
  public Map<String, String> requestedCloses() {
    Map<String, String> out = new TreeMap<>();
    for (ChannelState state : List.of(ChannelState.OPEN, ChannelState.CLOSED)) {
      for (PayerChannel c : hubStore.payerChannels(state)) {
        if (c.terms().direction() == ChannelDirection.HUB_TO_SELLER
            && c.sequence() > 0
            && registry.closeRequested(c.channelId())) {
          out.put(
              c.channelId(),
              registry.closingTxid(c.channelId()).map(Transaction::txidToHex).orElse(null));
        }
      }
    }
    return out;
  }

  /** Whether the channel's payee key is the gateway key its account has registered now. */
  private boolean isRegisteredPayee(ChannelTerms t) {
    return registry
        .wallet(Long.parseLong(t.prosumerAccount()))
        .filter(w -> w.channelKey().equals(t.payeeKey()))
        .isPresent();
  }
}
