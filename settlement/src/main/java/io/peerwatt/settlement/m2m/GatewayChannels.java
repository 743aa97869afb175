package io.peerwatt.settlement.m2m;

import io.peerwatt.http.DeviceRequests.DeviceCaller;
import io.peerwatt.protocol.bsv.Script;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxInput;
import io.peerwatt.protocol.bsv.TxOutput;
import io.peerwatt.protocol.channel.ChannelDirection;
import io.peerwatt.protocol.channel.ChannelJson;
import io.peerwatt.protocol.channel.ChannelResult;
import io.peerwatt.protocol.channel.ChannelState;
import io.peerwatt.protocol.channel.ChannelTerms;
import io.peerwatt.protocol.channel.CommitmentUpdate;
import io.peerwatt.protocol.channel.PayeeChannel;
import io.peerwatt.protocol.channel.PayerChannel;
import io.peerwatt.protocol.encoding.StrictHex;
import io.peerwatt.protocol.keys.PublicKey;
import io.peerwatt.protocol.statement.Statement;
import io.peerwatt.settlement.ChannelPaymentPort;
import io.peerwatt.settlement.JdbcStatementStore;
import io.peerwatt.settlement.PaymentOutcome;
import io.peerwatt.settlement.chain.BroadcastResult;
import io.peerwatt.settlement.chain.ChainBackend;
import io.peerwatt.settlement.chain.DevnetControl;
import io.peerwatt.settlement.channel.ChannelStore;
import io.peerwatt.settlement.channel.HubChannels;
import io.peerwatt.settlement.channel.PayeeEndpoint;
import io.peerwatt.settlement.wallet.TransactionLog;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's side of machine-to-machine payments, as the gateways' device API uses it. A gateway in
 * m2m mode registers a wallet (its channel key and payout script); then
 *
 * <ul>
 *   <li><b>buyer -> hub</b>: the gateway funds a channel from its own coins, the hub signs the
 *       refund ({@link #openBuyerChannel}), the gateway stores it and only then has the hub
 *       broadcast the funding ({@link #broadcastBuyerFunding}). For each debit the gateway reads
 *       the payment request ({@link #paymentRequests}: the statement versions and the channel
 *       target the dispatcher fixed), checks the statement against its own signed readings and its
 *       cap, and delivers a commitment of exactly the target ({@link #deliver}), or refuses ({@link
 *       #refuse}). The hub closes these channels as their payee.
 *   <li><b>hub -> seller</b>: the hub proposes the channel ({@link SellerChannelPolicy}); the
 *       gateway signs its refund on its next poll ({@link #answerProposal}) and the hub broadcasts
 *       the funding. Each payment is a commitment the hub signs; the gateway takes it from {@link
 *       #channels}, stores it and acknowledges it ({@link #acknowledge}), which is when the payment
 *       counts as paid. The gateway closes these channels as their payee, through {@link #relay}.
 * </ul>
 *
 * Every rejection is a {@link GatewayRefusal} with a specific code that changes nothing. Blocking:
 * call from worker threads; the hub's keepers serialise what must not interleave.
 */
public final class GatewayChannels {
  private static final Logger log = LoggerFactory.getLogger(GatewayChannels.class);

  /** The most a gateway may ask the devnet faucet for at once. */
  public static final long MAX_FAUCET_SATS = 1_000_000_000L;

  private final GatewayRegistry registry;
  private final GatewayPaymentStore payments;
  private final HubChannels hub;
  private final ChannelStore hubStore;
  private final ChainBackend chain;
  private final DevnetControl devnet;
  private final TransactionLog transactions;
  private final JdbcStatementStore statements;
  private final Clock clock;
  private final GatewayPayee payee;
  private final Terms terms;
  private final SellerChannelPolicy sellerChannels;

  /**
   * What the hub offers on its channels to gateways.
   *
   * @param capacitySats the value of each hub -> seller channel
   * @param lifetimeBlocks blocks from opening to expiry of a hub -> seller channel (and the
   *     lifetime a gateway should give its buyer -> hub channel)
   * @param closeMarginBlocks how long before expiry a channel is closed
   */
  public record Terms(long capacitySats, long lifetimeBlocks, long closeMarginBlocks) {}

  /**
   * @param devnet the devnet's faucet, or null on a real chain (the faucet is then refused)
   */
  public GatewayChannels(
      DSLContext db,
      HubChannels hub,
      ChannelStore hubStore,
      ChainBackend chain,
      DevnetControl devnet,
      TransactionLog transactions,
      Clock clock,
      Terms terms) {
    this.registry = new GatewayRegistry(db);
    this.payments = new GatewayPaymentStore(db);
    this.hub = Objects.requireNonNull(hub, "hub");
    this.hubStore = Objects.requireNonNull(hubStore, "hubStore");
    this.chain = Objects.requireNonNull(chain, "chain");
    this.devnet = devnet;
    this.transactions = Objects.requireNonNull(transactions, "transactions");
    this.statements = new JdbcStatementStore(db);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.payee = new GatewayPayee(registry);
    this.terms = Objects.requireNonNull(terms, "terms");
    this.sellerChannels =
        new SellerChannelPolicy(registry, payments, hub, hubStore, chain, clock, terms);
  }

  public GatewayRegistry registry() {
    return registry;
  }

  /** When the settlement pass proposes, gives up and closes hub -> seller channels of gateways. */
  public SellerChannelPolicy sellerChannels() {
    return sellerChannels;
  }

  /**
   * Where hub -> seller commitments of m2m accounts are delivered (the gateway acknowledges them).
   */
  public PayeeEndpoint sellerGateways() {
    return payee;
  }

  /**
   * The {@link ChannelPaymentPort.GatewayLink}: a recorded refusal, else waiting for the gateway.
   */
  public ChannelPaymentPort.GatewayLink link() {
    return (payment, target) ->
        registry
            .refusal(payment.id())
            .map(r -> PaymentOutcome.refused(r.code(), "the gateway refused: " + r.detail()))
            .orElseGet(
                () ->
                    PaymentOutcome.pending(
                        "waiting for the gateway of account "
                            + payment.accountId()
                            + " to sign "
                            + target.payeeAmountSats()
                            + " sat on "
                            + target.channelId()));
  }

  /** The account's gateway channel key, when it pays machine to machine. */
  public Optional<PublicKey> gatewayKey(long accountId) {
    return registry.wallet(accountId).map(GatewayRegistry.GatewayWallet::channelKey);
  }

  /** The hub's terms and the chain's state, for a gateway deciding how to open its channel. */
  public GatewayViews.HubInfo info(DeviceCaller caller) {
    return new GatewayViews.HubInfo(
        caller,
        registry.paymentMode(caller.accountId()),
        chain.network(),
        hub.hubKey(),
        hub.hubPayeeScript(),
        chain.feePolicy(),
        chain.tip(),
        terms,
        devnet != null,
        registry.wallet(caller.accountId()));
  }

  /** Registers the gateway's wallet and switches its account to machine-to-machine payments. */
  public GatewayViews.HubInfo register(
      DeviceCaller caller, String channelKeyHex, String payoutScriptHex) {
    PublicKey key = GatewayRefusal.parsed("channelKey", () -> PublicKey.fromHex(channelKeyHex));
    if (!key.isCompressed()) {
      throw GatewayRefusal.invalid(
          "INVALID_KEY", "channelKey must be a compressed key (33 bytes)", "channelKey");
    }
    byte[] script =
        GatewayRefusal.parsed(
            "payoutScript", () -> StrictHex.decode(payoutScriptHex, "payoutScript"));
    if (script.length != 25
        || !Arrays.equals(script, Script.p2pkh(Arrays.copyOfRange(script, 3, 23)).bytes())) {
      throw GatewayRefusal.invalid(
          "INVALID_SCRIPT",
          "payoutScript must be a P2PKH locking script (25 bytes)",
          "payoutScript");
    }
    registry.register(caller.accountId(), caller.deviceId(), key, script, clock.instant());
    log.info(
        "account {} pays machine to machine: gateway {} registered channel key {}",
        caller.accountId(),
        caller.deviceId(),
        key.hex());
    return info(caller);
  }

  /** Devnet only: pays the gateway's registered payout script from the faucet. */
  public DevnetControl.FaucetPayment faucet(DeviceCaller caller, long satoshis) {
    if (devnet == null) {
      throw GatewayRefusal.conflict(
          "NOT_DEVNET",
          "the faucet exists only on devnet; this platform runs on "
              + chain.network()
              + ": fund the gateway's address with real coins",
          null);
    }
    if (satoshis <= 0 || satoshis > MAX_FAUCET_SATS) {
      throw GatewayRefusal.invalid(
          "INVALID_AMOUNT", "satoshis must be 1.." + MAX_FAUCET_SATS, "satoshis");
    }
    GatewayRegistry.GatewayWallet wallet = wallet(caller);
    DevnetControl.FaucetPayment pay = devnet.faucet(wallet.payoutScript(), satoshis);
    log.info(
        "devnet faucet paid {} sat to the gateway of account {}: {}",
        satoshis,
        caller.accountId(),
        pay.txid());
    return pay;
  }

  /**
   * A buyer -> hub channel the gateway funds: checks the terms (the account's own, signed with its
   * registered key, acceptable to the hub) and the funding, and returns the hub's refund signature.
   * Asking again with the same terms returns the same signature.
   */
  public GatewayViews.AcceptedChannel openBuyerChannel(
      DeviceCaller caller, Map<String, Object> termsJson, String fundingHex) {
    ChannelTerms t = GatewayRefusal.parsed("terms", () -> ChannelJson.readTerms(termsJson));
    Transaction funding =
        GatewayRefusal.parsed("fundingTx", () -> Transaction.parseHex(fundingHex));
    GatewayRegistry.GatewayWallet wallet = wallet(caller);
    if (t.direction() != ChannelDirection.BUYER_TO_HUB) {
      throw GatewayRefusal.invalid(
          "BAD_TERMS",
          "a gateway opens buyer_to_hub channels; the hub opens hub_to_seller" + " ones",
          "terms.direction");
    }
    if (!t.prosumerAccount().equals(Long.toString(caller.accountId()))) {
      throw GatewayRefusal.invalid(
          "BAD_TERMS",
          "terms.prosumerAccount must be this gateway's account " + caller.accountId(),
          "terms.prosumerAccount");
    }
    if (!t.payerKey().equals(wallet.channelKey())) {
      throw GatewayRefusal.invalid(
          "BAD_TERMS", "terms.payerKey must be the registered channel key", "terms.payerKey");
    }
    if (!t.payeeKey().equals(hub.hubKey())) {
      throw GatewayRefusal.invalid(
          "BAD_TERMS",
          "terms.payeeKey must be the hub key " + hub.hubKey().hex(),
          "terms.payeeKey");
    }
    ChannelResult<byte[]> signed =
        hub.buyers().openAndSignRefund(t, funding, t.refundTransaction());
    if (!signed.isOk()) {
      throw GatewayRefusal.invalid(signed.rejection().name(), signed.detail(), "terms");
    }
    log.info(
        "buyer channel {} of account {} accepted ({} sat, expiry {}); waiting for the gateway to send the"
            + " funding",
        t.channelId(),
        caller.accountId(),
        t.capacitySats(),
        t.expiryLockTime());
    return new GatewayViews.AcceptedChannel(t.channelId(), signed.value());
  }

  /**
   * Broadcasts the funding of a buyer channel whose refund the hub signed (the gateway stored it
   * first).
   */
  public BroadcastResult broadcastBuyerFunding(
      DeviceCaller caller, String channelId, String fundingHex) {
    PayeeChannel channel = buyerChannel(caller, channelId);
    Transaction funding = GatewayRefusal.parsed("rawTx", () -> Transaction.parseHex(fundingHex));
    ChannelResult<Transaction> check = channel.checkFunding(funding);
    if (!check.isOk()) {
      throw GatewayRefusal.invalid(check.rejection().name(), check.detail(), "rawTx");
    }
    BroadcastResult sent = chain.broadcast(funding.serialize());
    if (!sent.isAccepted()) {
      throw GatewayRefusal.conflict(
          "FUNDING_REJECTED",
          "the chain refused the funding: " + sent.reason() + " " + sent.detail(),
          "rawTx");
    }
    return sent;
  }

  /**
   * The account's m2m channels as the hub sees them: hub -> seller channels with the proposal to
   * sign or the newest commitment to store, buyer -> hub channels with what the hub acknowledged
   * and, once closed, the closing transaction (so the gateway books its change).
   */
  public GatewayViews.ChannelsView channels(DeviceCaller caller) {
    GatewayRegistry.GatewayWallet wallet = wallet(caller);
    String account = Long.toString(caller.accountId());
    List<GatewayViews.SellerChannel> sellers = new ArrayList<>();
    for (PayerChannel c : hubStore.payerChannelsWith(account)) {
      ChannelTerms t = c.terms();
      if (t.direction() == ChannelDirection.HUB_TO_SELLER
          && t.payeeKey().equals(wallet.channelKey())) {
        sellers.add(
            new GatewayViews.SellerChannel(
                c,
                registry.acknowledgedSequence(c.channelId()),
                registry.closeRequested(c.channelId()),
                c.state() == ChannelState.PROPOSED
                    ? hubStore.proposedFunding(c.channelId())
                    : Optional.empty()));
      }
    }
    List<GatewayViews.BuyerChannel> buyers = new ArrayList<>();
    for (PayeeChannel c : hubStore.payeeChannelsWith(account)) {
      ChannelTerms t = c.terms();
      if (t.direction() == ChannelDirection.BUYER_TO_HUB
          && t.payerKey().equals(wallet.channelKey())) {
        boolean closed =
            (c.state() == ChannelState.CLOSING || c.state() == ChannelState.CLOSED)
                && c.sequence() > 0;
        buyers.add(
            new GatewayViews.BuyerChannel(
                c,
                closed
                    ? Optional.of(hub.buyerClosingTransaction(c.channelId()).orThrow())
                    : Optional.empty()));
      }
    }
    return new GatewayViews.ChannelsView(sellers, buyers);
  }

  /** The gateway's refund signature for a proposed hub -> seller channel: the hub opens it. */
  public PayerChannel answerProposal(DeviceCaller caller, String channelId, String signatureHex) {
    PayerChannel channel = sellerChannel(caller, channelId);
    byte[] signature =
        GatewayRefusal.parsed(
            "refundSignature", () -> StrictHex.decode(signatureHex, "refundSignature"));
    if (channel.state() != ChannelState.PROPOSED && channel.state() != ChannelState.OPEN) {
      throw GatewayRefusal.conflict(
          "NOT_OPEN", "channel " + channelId + " is " + channel.state().code(), null);
    }
    ChannelResult<PayerChannel> open = hub.sellers().completeOpen(channelId, signature);
    if (!open.isOk()) {
      throw GatewayRefusal.invalid(open.rejection().name(), open.detail(), "refundSignature");
    }
    return open.value();
  }

  /**
   * The gateway stored the hub's commitment {@code sequence} of a hub -> seller channel; returns
   * the sequence acknowledged now (acknowledgements only grow).
   */
  public long acknowledge(DeviceCaller caller, String channelId, long sequence) {
    PayerChannel channel = sellerChannel(caller, channelId);
    if (sequence < 1 || sequence > channel.sequence()) {
      throw GatewayRefusal.invalid(
          "UNKNOWN_SEQUENCE",
          "the hub signed commitments 1.." + channel.sequence() + " on " + channelId,
          "sequence");
    }
    registry.acknowledge(channelId, sequence, clock.instant());
    return registry.acknowledgedSequence(channelId);
  }

  /**
   * Debits waiting for the gateway's signature: each with the channel and exact payee amount the
   * commitment must reach, and every version of the statement up to the one being paid (oldest
   * first), so the gateway can follow the chain from the version it checked before. A debit that
   * waits for the gateway to open a buyer channel comes with a null channel and target only;
   * refused ones are left out.
   */
  public List<GatewayViews.PaymentRequest> paymentRequests(DeviceCaller caller) {
    List<GatewayViews.PaymentRequest> requests = new ArrayList<>();
    for (GatewayPaymentStore.Debit d : payments.pendingDebits(caller.accountId())) {
      if (registry.refusal(d.paymentId()).isPresent()) {
        continue;
      }
      if (d.channelId() == null) {
        // no open channel to pay on yet: the gateway learns it must open one
        requests.add(
            new GatewayViews.PaymentRequest(
                d.paymentId(),
                d.amountSat(),
                d.key(),
                d.statementVersion(),
                null,
                null,
                List.of()));
        continue;
      }
      List<Statement> versions =
          statements.versions(caller.accountId(), d.key()).stream()
              .filter(s -> s.version() <= d.statementVersion())
              .toList();
      requests.add(
          new GatewayViews.PaymentRequest(
              d.paymentId(),
              d.amountSat(),
              d.key(),
              d.statementVersion(),
              d.channelId(),
              d.targetPayeeSats(),
              versions));
    }
    return requests;
  }

  /**
   * A commitment the gateway signed for payment {@code paymentId}: it must advance the payment's
   * channel to exactly the payment's target. The hub stores it before answering (the
   * acknowledgement); returns the satoshis the hub acknowledged.
   */
  public long deliver(
      DeviceCaller caller, String channelId, long paymentId, CommitmentUpdate update) {
    buyerChannel(caller, channelId);
    GatewayPaymentStore.Debit payment =
        payments
            .debit(caller.accountId(), paymentId)
            .orElseThrow(() -> GatewayRefusal.notFound("payment " + paymentId));
    if (payment.channelId() == null || !payment.channelId().equals(channelId)) {
      throw GatewayRefusal.conflict(
          "WRONG_CHANNEL",
          "payment "
              + paymentId
              + " is to be paid on "
              + (payment.channelId() == null ? "a channel not chosen yet" : payment.channelId()),
          "channelId");
    }
    if (!Long.valueOf(update.payeeAmountSats()).equals(payment.targetPayeeSats())) {
      throw GatewayRefusal.invalid(
          "WRONG_AMOUNT",
          "payment "
              + paymentId
              + " brings the channel to exactly "
              + payment.targetPayeeSats()
              + " sat, not "
              + update.payeeAmountSats(),
          "payeeAmountSats");
    }
    if (!channelId.equals(update.channelId())) {
      throw GatewayRefusal.invalid(
          "WRONG_CHANNEL", "the commitment names channel " + update.channelId(), "channelId");
    }
    ChannelResult<Long> accepted = hub.buyers().deliver(update);
    if (!accepted.isOk()) {
      throw GatewayRefusal.invalid(
          accepted.rejection().name(), accepted.detail(), "payerSignature");
    }
    return accepted.value();
  }

  /**
   * The gateway refuses to pay: the dispatcher marks the payment refused with the gateway's code.
   * Returns the code that stands (the first refusal's).
   */
  public int refuse(DeviceCaller caller, long paymentId, int code, String detail) {
    if (payments.debit(caller.accountId(), paymentId).isEmpty()) {
      throw GatewayRefusal.notFound("payment " + paymentId);
    }
    registry.refuse(paymentId, code, detail, clock.instant());
    log.warn(
        "the gateway of account {} refused payment {} ({}): {}",
        caller.accountId(),
        paymentId,
        code,
        detail);
    return registry.refusal(paymentId).orElseThrow().code();
  }

  /**
   * Asks the hub to close the gateway's buyer -> hub channel now (to top up: close, then open
   * anew).
   */
  public GatewayViews.Closed closeBuyerChannel(DeviceCaller caller, String channelId) {
    PayeeChannel channel = buyerChannel(caller, channelId);
    if (channel.state() != ChannelState.OPEN) {
      return new GatewayViews.Closed(channelId, channel.state(), null);
    }
    if (channel.sequence() == 0) {
      throw GatewayRefusal.conflict(
          "NOTHING_TO_CLOSE",
          "no commitment yet: take the funds back with the refund" + " after expiry, or pay first",
          null);
    }
    ChannelResult<BroadcastResult> closed = hub.closeBuyerChannel(channelId);
    if (!closed.isOk() || !closed.value().isAccepted()) {
      throw GatewayRefusal.conflict(
          "CLOSE_REJECTED", closed.isOk() ? closed.value().detail() : closed.detail(), null);
    }
    return new GatewayViews.Closed(channelId, ChannelState.CLOSING, closed.value().txid());
  }

  /**
   * Broadcasts a transaction the gateway completed on one of its channels: the closing commitment
   * of a hub -> seller channel (the gateway co-signed the hub's newest one) or the refund of its
   * buyer -> hub channel after expiry. Anything else is refused, so this is no open relay.
   */
  public GatewayViews.Relayed relay(DeviceCaller caller, String rawHex) {
    Transaction tx = GatewayRefusal.parsed("rawTx", () -> Transaction.parseHex(rawHex));
    GatewayRegistry.GatewayWallet wallet = wallet(caller);
    String account = Long.toString(caller.accountId());
    if (tx.inputs().size() != 1) {
      throw GatewayRefusal.invalid(
          "NOT_A_CHANNEL_TRANSACTION", "a channel close or refund has exactly one input", "rawTx");
    }
    TxInput in = tx.inputs().get(0);
    Predicate<ChannelTerms> spendsFunding =
        t ->
            Arrays.equals(t.fundingTxid(), in.prevTxid())
                && t.fundingIndex() == in.prevIndex()
                && t.prosumerAccount().equals(account);
    for (ChannelState state : List.of(ChannelState.OPEN, ChannelState.CLOSING)) {
      for (PayerChannel c : hubStore.payerChannels(state)) {
        if (c.terms().direction() == ChannelDirection.HUB_TO_SELLER
            && spendsFunding.test(c.terms())
            && c.terms().payeeKey().equals(wallet.channelKey())) {
          BroadcastResult sent = broadcastOrRefuse(tx);
          hub.sellers().closedByPayee(c.channelId(), tx);
          registry.recordClose(c.channelId(), tx.txid(), clock.instant());
          log.info(
              "the gateway of account {} closed hub -> seller channel {} at {} sat: {}",
              account,
              c.channelId(),
              c.payeeAmountSats(),
              sent.txid());
          return new GatewayViews.Relayed(c.channelId(), sent);
        }
      }
      for (PayeeChannel c : hubStore.payeeChannels(state)) {
        if (c.terms().direction() == ChannelDirection.BUYER_TO_HUB
            && spendsFunding.test(c.terms())
            && c.terms().payerKey().equals(wallet.channelKey())) {
          if (!tx.equals(
              c.terms().refundTransaction().withUnlockingScript(0, in.unlockingScript()))) {
            throw GatewayRefusal.invalid(
                "NOT_A_CHANNEL_TRANSACTION",
                "only the agreed refund of "
                    + c.channelId()
                    + " may be relayed; the hub closes buyer channels itself",
                "rawTx");
          }
          BroadcastResult sent = broadcastOrRefuse(tx);
          transactions.recordMade(
              tx,
              List.of(new TxOutput(c.terms().capacitySats(), c.terms().fundingScript())),
              "channel-refund");
          hub.markBuyerChannelSpent(c.channelId(), ChannelState.REFUNDED, tx.txid());
          log.warn(
              "buyer channel {} of account {} refunded to the gateway after expiry: {}",
              c.channelId(),
              account,
              sent.txid());
          return new GatewayViews.Relayed(c.channelId(), sent);
        }
      }
    }
    throw GatewayRefusal.invalid(
        "NOT_A_CHANNEL_TRANSACTION",
        "the transaction spends no funding output of this" + " gateway's open channels",
        "rawTx");
  }

  private BroadcastResult broadcastOrRefuse(Transaction tx) {
    BroadcastResult sent = chain.broadcast(tx.serialize());
    if (!sent.isAccepted()) {
      throw GatewayRefusal.conflict(
          "TRANSACTION_REJECTED",
          "the chain refused " + sent.txid() + ": " + sent.reason() + " " + sent.detail(),
          "rawTx");
    }
    return sent;
  }

  private GatewayRegistry.GatewayWallet wallet(DeviceCaller caller) {
    return registry
        .wallet(caller.accountId())
        .orElseThrow(
            () ->
                GatewayRefusal.conflict(
                    "NO_WALLET",
                    "register the gateway's wallet first (PUT /api/v1/gateway/wallet): account "
                        + caller.accountId()
                        + " is not in machine-to-machine mode",
                    null));
  }

  private PayeeChannel buyerChannel(DeviceCaller caller, String channelId) {
    GatewayRegistry.GatewayWallet wallet = wallet(caller);
    return hub.buyerChannel(channelId)
        .filter(
            c ->
                c.terms().prosumerAccount().equals(Long.toString(caller.accountId()))
                    && c.terms().payerKey().equals(wallet.channelKey()))
        .orElseThrow(() -> GatewayRefusal.notFound("buyer channel " + channelId));
  }

  private PayerChannel sellerChannel(DeviceCaller caller, String channelId) {
    GatewayRegistry.GatewayWallet wallet = wallet(caller);
    return hub.sellers()
        .channel(channelId)
        .filter(
            c ->
                c.terms().direction() == ChannelDirection.HUB_TO_SELLER
                    && c.terms().prosumerAccount().equals(Long.toString(caller.accountId()))
                    && c.terms().payeeKey().equals(wallet.channelKey()))
        .orElseThrow(() -> GatewayRefusal.notFound("hub -> seller channel " + channelId));
  }
}
