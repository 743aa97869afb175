package io.peerwatt.settlement.runtime;

import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.channel.ChannelDirection;
import io.peerwatt.protocol.channel.ChannelResult;
import io.peerwatt.protocol.channel.ChannelState;
import io.peerwatt.protocol.channel.PayeeChannel;
import io.peerwatt.protocol.channel.PayerChannel;
import io.peerwatt.settlement.SlotSettlement;
import io.peerwatt.settlement.anchor.AnchorOutcome;
import io.peerwatt.settlement.chain.BroadcastResult;
import io.peerwatt.settlement.chain.ChainHeader;
import io.peerwatt.settlement.chain.DevnetControl;
import io.peerwatt.settlement.wallet.HubWallet;
import io.peerwatt.settlement.wallet.TransactionWatcher;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The settlement pass, what the platform does with its settlement every few seconds: channels for
 * the payments that wait (custodial prosumers' own, gateways' proposed), settle the due slots and
 * pay, anchor and confirm, keep the platform's transactions going, close what nears expiry, and
 * book it all. Also the end of a demo (close every channel) and devnet's start (fund the wallets).
 * Not thread-safe: run it on one thread ({@link SettlementScheduler}).
 */
public final class SettlementPass {
  private static final Logger log = LoggerFactory.getLogger(SettlementPass.class);

  /**
   * Faucet payment per top-up, and the spendable balance under which a wallet is topped up: ten hub
   * -> seller channels' worth, so a slot with many new sellers does not wait a pass for coins.
   */
  private static final long FAUCET_SATS = 1_000_000_000L;

  private static final long LOW_BALANCE_SATS = 500_000_000L;

  private final Settlement s;
  private final Clock clock;
  private final CustodialChannelPolicy custodialChannels;

  public SettlementPass(Settlement settlement, Clock clock) {
    this.s = Objects.requireNonNull(settlement, "settlement");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.custodialChannels = new CustodialChannelPolicy(settlement, clock);
  }

  public Settlement settlement() {
    return s;
  }

  /**
   * Devnet only: funds the wallets from the faucet when low, mines a block and books its
   * confirmations.
   */
  public void prepareDevnet() {
    fundIfLow(s.hubWallet, "hub");
    fundIfLow(s.custodialWallet, "custodial store");
    s.devnet.mineBlocks(1);
    s.hubWallet.syncConfirmations();
    s.custodialWallet.syncConfirmations();
  }

  /**
   * One pass: channels for new prosumers, settlement and payments, anchoring, wallet and channel
   * bookkeeping.
   */
  public PassRecord.Work run() {
    int statements = 0;
    int payments = 0;
    int anchored = 0;
    List<String> anchorFailures = new ArrayList<>();
    fundIfLow(s.hubWallet, "hub");
    fundIfLow(s.custodialWallet, "custodial store");
    custodialChannels.openMissing();
    s.gateways.sellerChannels().propose();
    int charged = s.dataCharges.book(clock.instant());
    if (charged > 0) {
      log.info("{} days of shared data charged", charged);
    }
    List<AnchorOutcome> outcomes = new ArrayList<>();
    boolean slotEvents = s.statements.settlementEvents();
    if (slotEvents) {
      // a slot settled below is anchored as soon as its SLOT_CLOSED event arrives (the anchoring
      // worker on Kafka); this pass anchors only what the passes before settled, as the fallback
      outcomes.addAll(s.anchoring.anchorDueSlots(clock.instant()));
    }
    List<SlotSettlement> settled = s.service.settleDueSlots(clock.instant());
    for (SlotSettlement slot : settled) {
      statements += slot.statementsWritten();
      payments += slot.paymentsCreated();
      if (slot.statementsWritten() > 0) {
        log.info(
            "settled {}: {} statements, {} payments",
            slot.key(),
            slot.statementsWritten(),
            slot.paymentsCreated());
      }
    }
    if (!slotEvents) {
      outcomes.addAll(s.anchoring.anchorDueSlots(clock.instant()));
    }
    outcomes.addAll(s.anchoring.anchorDueEnrolments(clock.instant()));
    for (AnchorOutcome o : outcomes) {
      log.info("anchor {}: {} {} ({} items)", o.anchorKey(), o.status(), o.txid(), o.leafCount());
      if (o.status() == AnchorOutcome.Status.ANCHORED) {
        anchored++;
      } else {
        anchorFailures.add(o.anchorKey() + ": " + o.status() + " " + o.detail());
      }
    }
    s.anchoring.confirmAnchors();
    TransactionWatcher.Report watched = s.watcher.watch();
    if (watched.reorged() + watched.resent() + watched.bumped() + watched.refused() > 0) {
      log.warn("chain watch: {}", watched);
    }
    s.hub.closeExpiring(Settlement.CLOSE_MARGIN_BLOCKS);
    bookCustodialCloses();
    s.gateways.sellerChannels().close(false);
    s.hub.syncClosed();
    s.hubWallet.syncConfirmations();
    s.custodialWallet.syncConfirmations();
    return new PassRecord.Work(statements, payments, anchored, anchorFailures);
  }

  /**
   * Closes every open channel that carried a payment (the end of a demo). The hub co-signs and
   * broadcasts the newest commitment of each buyer channel; the custodial store does the same as
   * payee of each hub -> prosumer channel; the gateways of machine-to-machine sellers are asked to
   * close theirs (they are the payees: see {@link #gatewayCloses}). Channels that never carried a
   * payment are refunded after expiry instead and are left open here.
   *
   * @return the closing transactions' txids
   */
  public List<String> closeAllChannels() {
    List<String> txids = new ArrayList<>();
    for (PayeeChannel c : s.channels.payeeChannels(ChannelState.OPEN)) {
      if (c.sequence() == 0) {
        continue;
      }
      if (c.terms().direction() == ChannelDirection.BUYER_TO_HUB) {
        ChannelResult<BroadcastResult> r = s.hub.closeBuyerChannel(c.channelId());
        if (r.isOk() && r.value().isAccepted()) {
          txids.add(r.value().txid());
        } else {
          log.warn(
              "closing {} failed: {}", c.channelId(), r.isOk() ? r.value().detail() : r.detail());
        }
      } else {
        ChannelResult<Transaction> closing = s.custodialPayee.closingTransaction(c.channelId());
        BroadcastResult sent = s.chain.broadcastOrKeep(closing.orThrow());
        if (sent.isAccepted()) {
          txids.add(sent.txid());
          s.hub.sellers().closedByPayee(c.channelId(), closing.value());
          s.custodialWallet.receive(closing.value(), false, List.of(), "channel-close");
          s.custodialPayee.markSpent(c.channelId(), ChannelState.CLOSED, closing.value().txid());
        } else {
          log.warn("closing {} rejected: {} {}", c.channelId(), sent.reason(), sent.detail());
        }
      }
    }
    bookCustodialCloses();
    s.gateways.sellerChannels().close(true);
    return txids;
  }

  /**
   * The custodial store pays the hub over the buyer channels of custodial prosumers: once the hub,
   * their payee, closed one (at the end of a demo, or near its expiry), the store books its change
   * from the closing transaction and marks its side closed, whatever the chain backend.
   */
  private void bookCustodialCloses() {
    for (PayerChannel c : s.channels.payerChannels(ChannelState.OPEN)) {
      if (c.terms().direction() != ChannelDirection.BUYER_TO_HUB) {
        continue;
      }
      boolean closedByHub =
          s.hub
              .buyerChannel(c.channelId())
              .filter(p -> p.state() == ChannelState.CLOSING || p.state() == ChannelState.CLOSED)
              .isPresent();
      if (closedByHub) {
        s.custodialPayer.closedByPayee(
            c.channelId(), s.hub.buyerClosingTransaction(c.channelId()).orThrow());
      }
    }
  }

  /**
   * Gateways' channels asked to close: channel id to the closing txid they relayed, or null while
   * open.
   */
  public Map<String, String> gatewayCloses() {
    return s.gateways.sellerChannels().requestedCloses();
  }

  /**
   * Mines one block now on devnet (with whatever the mempool holds) and books confirmations and
   * anchors.
   */
  public ChainHeader mineNow() {
    if (s.devnet == null) {
      throw new IllegalStateException(
          "only devnet mines on demand; " + s.chain.network() + " mines by itself");
    }
    List<ChainHeader> mined = s.devnet.mineBlocks(1);
    bookBlocks();
    return mined.isEmpty() ? s.devnet.tip() : mined.get(0);
  }

  /**
   * Books what new blocks mined (anchors' proofs, wallet confirmations, closed channels), as a pass
   * does, without the rest of a pass (after the passes stopped at the end of a demo).
   */
  public void bookBlocks() {
    s.anchoring.confirmAnchors();
    s.hubWallet.syncConfirmations();
    s.custodialWallet.syncConfirmations();
    s.hub.syncClosed();
  }

  /**
   * Books a transaction from outside that pays the hub wallet and/or the custodial store (what
   * {@code peerwatt chain fund} does, for a running platform): its outputs to them become
   * spendable.
   *
   * @return the satoshis it pays them together
   */
  public long receiveFunding(Transaction funding) {
    long paid = 0;
    for (HubWallet wallet : List.of(s.hubWallet, s.custodialWallet)) {
      long before = wallet.balanceSats();
      wallet.receive(funding, false, List.of(), "funding");
      paid = Math.addExact(paid, wallet.balanceSats() - before);
    }
    return paid;
  }

  /** The locking script that pays the hub wallet. */
  public byte[] hubWalletScript() {
    return s.hubWallet.lockingScript();
  }

  /** The locking script that pays the custodial store. */
  public byte[] custodialStoreScript() {
    return s.custodialWallet.lockingScript();
  }

  private void fundIfLow(HubWallet wallet, String name) {
    if (s.devnet == null || wallet.balanceSats() >= LOW_BALANCE_SATS) {
      return;
    }
    DevnetControl.FaucetPayment pay = s.devnet.faucet(wallet.lockingScript(), FAUCET_SATS);
    wallet.receive(Transaction.parse(pay.rawTx()), false, List.of(), "faucet");
    log.info("devnet faucet paid {} sat to the {} wallet: {}", pay.satoshis(), name, pay.txid());
  }
}
