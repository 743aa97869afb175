package io.peerwatt.settlement.m2m;

import static io.peerwatt.db.schema.Tables.ACCOUNT;
import static io.peerwatt.db.schema.Tables.SETTLEMENT_PAYMENT;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.bsv.P2pkhSpend;
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
import io.peerwatt.protocol.statement.StatementJson;
import io.peerwatt.settlement.ChannelPaymentPort;
import io.peerwatt.settlement.JdbcStatementStore;
import io.peerwatt.settlement.PaymentOutcome;
import io.peerwatt.settlement.PaymentStatus;
import io.peerwatt.settlement.SlotKey;
import io.peerwatt.settlement.chain.BroadcastResult;
import io.peerwatt.settlement.chain.ChainBackend;
import io.peerwatt.settlement.chain.ChainHeader;
import io.peerwatt.settlement.chain.DevnetControl;
import io.peerwatt.settlement.channel.ChannelStore;
import io.peerwatt.settlement.channel.HubChannels;
import io.peerwatt.settlement.channel.PayeeEndpoint;
import io.peerwatt.settlement.wallet.TransactionLog;
import io.peerwatt.trading.ApiError;
import io.peerwatt.trading.DeviceRequests.DeviceCaller;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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
 * The hub's side of machine-to-machine payments, as the device API ({@link GatewayRoutes}) and the
 * settlement pass use it. A gateway in m2m mode registers a wallet (its channel key and payout script);
 * then
 *
 * <ul>
 *   <li><b>buyer -> hub</b>: the gateway funds a channel from its own coins, the hub signs the refund
 *       ({@link #openBuyerChannel}), the gateway stores it and only then has the hub broadcast the funding
 *       ({@link #broadcastBuyerFunding}). For each debit the gateway reads the payment request
 *       ({@link #paymentRequests}: the statement versions and the channel target the dispatcher fixed),
 *       checks the statement against its own signed readings and its cap, and delivers a commitment of
 *       exactly the target ({@link #deliver}), or refuses ({@link #refuse}). The hub closes these
 *       channels as their payee.</li>
 *   <li><b>hub -> seller</b>: the hub proposes the channel ({@link #proposeSellerChannels}); the gateway
 *       signs its refund on its next poll ({@link #answerProposal}) and the hub broadcasts the funding.
 *       Each payment is a commitment the hub signs; the gateway takes it from {@link #channels}, stores it
 *       and acknowledges it ({@link #acknowledge}), which is when the payment counts as paid. The gateway
 *       closes these channels as their payee, through {@link #relay}.</li>
 * </ul>
 *
 * Every rejection is an {@link ApiError} with a specific code that changes nothing. Blocking: call from
 * worker threads; the hub's keepers serialise what must not interleave.
 */
public final class GatewayChannels {
  private static final Logger log = LoggerFactory.getLogger(GatewayChannels.class);
  /** Blocks the hub waits for a gateway to sign the refund of a proposed channel before giving it up. */
  public static final long PROPOSAL_PATIENCE_BLOCKS = 12;
  /** The most a gateway may ask the devnet faucet for at once. */
  public static final long MAX_FAUCET_SATS = 1_000_000_000L;

  private final DSLContext db;
  private final GatewayRegistry registry;
  private final HubChannels hub;
  private final ChannelStore hubStore;
  private final ChainBackend chain;
  private final DevnetControl devnet;
  private final TransactionLog transactions;
  private final JdbcStatementStore statements;
  private final Clock clock;
  private final GatewayPayee payee;
  private final Terms terms;

  /**
   * What the hub offers on its channels to gateways.
   *
   * @param capacitySats the value of each hub -> seller channel
   * @param lifetimeBlocks blocks from opening to expiry of a hub -> seller channel (and the lifetime a
   *     gateway should give its buyer -> hub channel)
   * @param closeMarginBlocks how long before expiry a channel is closed
   */
  public record Terms(long capacitySats, long lifetimeBlocks, long closeMarginBlocks) {}

  /**
   * @param devnet the devnet's faucet, or null on a real chain (the faucet is then refused)
   */
  public GatewayChannels(DSLContext db, HubChannels hub, ChannelStore hubStore, ChainBackend chain,
      DevnetControl devnet, TransactionLog transactions, Clock clock, Terms terms) {
    this.db = Objects.requireNonNull(db, "db");
    this.registry = new GatewayRegistry(db);
    this.hub = Objects.requireNonNull(hub, "hub");
    this.hubStore = Objects.requireNonNull(hubStore, "hubStore");
    this.chain = Objects.requireNonNull(chain, "chain");
    this.devnet = devnet;
    this.transactions = Objects.requireNonNull(transactions, "transactions");
    this.statements = new JdbcStatementStore(db);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.payee = new GatewayPayee(registry);
    this.terms = Objects.requireNonNull(terms, "terms");
  }

  public GatewayRegistry registry() {
    return registry;
  }

  /** Where hub -> seller commitments of m2m accounts are delivered (the gateway acknowledges them). */
  public PayeeEndpoint sellerGateways() {
    return payee;
  }

  /** The {@link ChannelPaymentPort.GatewayLink}: a recorded refusal, else waiting for the gateway. */
  public ChannelPaymentPort.GatewayLink link() {
    return (payment, target) -> registry.refusal(payment.id())
        .map(r -> PaymentOutcome.refused(r.code(), "the gateway refused: " + r.detail()))
        .orElseGet(() -> PaymentOutcome.pending("waiting for the gateway of account " + payment.accountId()
            + " to sign " + target.payeeAmountSats() + " sat on " + target.channelId()));
  }

  /** The account's gateway channel key, when it pays machine to machine. */
  public Optional<PublicKey> gatewayKey(long accountId) {
    return registry.wallet(accountId).map(GatewayRegistry.GatewayWallet::channelKey);
  }

  // ---- what the device API does ----

  /** The hub's terms and the chain's state, for a gateway deciding how to open its channel. */
  public JsonObject info(DeviceCaller caller) {
    ChainHeader tip = chain.tip();
    JsonObject out = new JsonObject()
        .put("deviceId", caller.deviceId())
        .put("accountId", caller.accountId())
        .put("zone", caller.zoneCode())
        .put("paymentMode", registry.paymentMode(caller.accountId()))
        .put("network", chain.network())
        .put("hubKey", hub.hubKey().hex())
        .put("hubScript", StrictHex.encode(hub.hubPayeeScript()))
        .put("feePolicy", new JsonObject().put("satoshisPerKb", chain.feePolicy().satoshisPerKb())
            .put("dustLimitSats", chain.feePolicy().dustLimitSats()))
        .put("tipHeight", tip.height())
        .put("tipTime", tip.time())
        .put("minChannelBlocks", HubChannels.MIN_BUYER_CHANNEL_BLOCKS)
        .put("channelLifetimeBlocks", terms.lifetimeBlocks())
        .put("closeMarginBlocks", terms.closeMarginBlocks())
        .put("faucet", devnet != null);
    registry.wallet(caller.accountId()).ifPresentOrElse(
        w -> out.put("wallet", new JsonObject().put("channelKey", w.channelKey().hex())
            .put("payoutScript", StrictHex.encode(w.payoutScript())).put("deviceId", w.deviceId())),
        () -> out.putNull("wallet"));
    return out;
  }

  /** Registers the gateway's wallet and switches its account to machine-to-machine payments. */
  public JsonObject register(DeviceCaller caller, String channelKeyHex, String payoutScriptHex) {
    PublicKey key = parse("channelKey", () -> PublicKey.fromHex(channelKeyHex));
    if (!key.isCompressed()) {
      throw ApiError.badRequest("INVALID_KEY", "channelKey must be a compressed key (33 bytes)", "channelKey");
    }
    byte[] script = parse("payoutScript", () -> StrictHex.decode(payoutScriptHex, "payoutScript"));
    if (script.length != 25 || !Arrays.equals(script, Script.p2pkh(Arrays.copyOfRange(script, 3, 23)).bytes())) {
      throw ApiError.badRequest("INVALID_SCRIPT", "payoutScript must be a P2PKH locking script (25 bytes)",
          "payoutScript");
    }
    registry.register(caller.accountId(), caller.deviceId(), key, script, clock.instant());
    log.info("account {} pays machine to machine: gateway {} registered channel key {}", caller.accountId(),
        caller.deviceId(), key.hex());
    return info(caller);
  }

  /** Devnet only: pays the gateway's registered payout script from the faucet. */
  public JsonObject faucet(DeviceCaller caller, long satoshis) {
    if (devnet == null) {
      throw ApiError.conflict("NOT_DEVNET", "the faucet exists only on devnet; this platform runs on "
          + chain.network() + ": fund the gateway's address with real coins", null);
    }
    if (satoshis <= 0 || satoshis > MAX_FAUCET_SATS) {
      throw ApiError.badRequest("INVALID_AMOUNT", "satoshis must be 1.." + MAX_FAUCET_SATS, "satoshis");
    }
    GatewayRegistry.GatewayWallet wallet = wallet(caller);
    DevnetControl.FaucetPayment pay = devnet.faucet(wallet.payoutScript(), satoshis);
    log.info("devnet faucet paid {} sat to the gateway of account {}: {}", satoshis, caller.accountId(), pay.txid());
    return new JsonObject().put("txid", pay.txid()).put("rawTx", StrictHex.encode(pay.rawTx()))
        .put("outputIndex", pay.outputIndex()).put("satoshis", pay.satoshis());
  }

  /**
   * A buyer -> hub channel the gateway funds: checks the terms (the account's own, signed with its
   * registered key, acceptable to the hub) and the funding, and returns the hub's refund signature.
   * Asking again with the same terms returns the same signature.
   */
  public JsonObject openBuyerChannel(DeviceCaller caller, Map<String, Object> termsJson, String fundingHex) {
    ChannelTerms t = parse("terms", () -> ChannelJson.readTerms(termsJson));
    Transaction funding = parse("fundingTx", () -> Transaction.parseHex(fundingHex));
    GatewayRegistry.GatewayWallet wallet = wallet(caller);
    if (t.direction() != ChannelDirection.BUYER_TO_HUB) {
      throw ApiError.badRequest("BAD_TERMS", "a gateway opens buyer_to_hub channels; the hub opens hub_to_seller ones",
          "terms.direction");
    }
    if (!t.prosumerAccount().equals(Long.toString(caller.accountId()))) {
      throw ApiError.badRequest("BAD_TERMS", "terms.prosumerAccount must be this gateway's account "
          + caller.accountId(), "terms.prosumerAccount");
    }
    if (!t.payerKey().equals(wallet.channelKey())) {
      throw ApiError.badRequest("BAD_TERMS", "terms.payerKey must be the registered channel key", "terms.payerKey");
    }
    if (!t.payeeKey().equals(hub.hubKey())) {
      throw ApiError.badRequest("BAD_TERMS", "terms.payeeKey must be the hub key " + hub.hubKey().hex(),
          "terms.payeeKey");
    }
    ChannelResult<byte[]> signed = hub.buyers().openAndSignRefund(t, funding, t.refundTransaction());
    if (!signed.isOk()) {
      throw ApiError.badRequest(signed.rejection().name(), signed.detail(), "terms");
    }
    log.info("buyer channel {} of account {} accepted ({} sat, expiry {}); waiting for the gateway to send the"
        + " funding", t.channelId(), caller.accountId(), t.capacitySats(), t.expiryLockTime());
    return new JsonObject().put("channelId", t.channelId()).put("refundSignature", StrictHex.encode(signed.value()));
  }

  /** Broadcasts the funding of a buyer channel whose refund the hub signed (the gateway stored it first). */
  public JsonObject broadcastBuyerFunding(DeviceCaller caller, String channelId, String fundingHex) {
    PayeeChannel channel = buyerChannel(caller, channelId);
    Transaction funding = parse("rawTx", () -> Transaction.parseHex(fundingHex));
    ChannelResult<Transaction> check = channel.checkFunding(funding);
    if (!check.isOk()) {
      throw ApiError.badRequest(check.rejection().name(), check.detail(), "rawTx");
    }
    BroadcastResult sent = chain.broadcast(funding.serialize());
    if (!sent.isAccepted()) {
      throw ApiError.conflict("FUNDING_REJECTED", "the chain refused the funding: " + sent.reason() + " "
          + sent.detail(), "rawTx");
    }
    return new JsonObject().put("txid", sent.txid()).put("outcome", sent.outcome().name());
  }

  /**
   * The account's m2m channels as the hub sees them: hub -> seller channels with the proposal to sign or
   * the newest commitment to store, buyer -> hub channels with what the hub acknowledged and, once
   * closed, the closing transaction (so the gateway books its change).
   */
  public JsonObject channels(DeviceCaller caller) {
    GatewayRegistry.GatewayWallet wallet = wallet(caller);
    String account = Long.toString(caller.accountId());
    JsonArray items = new JsonArray();
    for (PayerChannel c : hubStore.payerChannelsWith(account)) {
      ChannelTerms t = c.terms();
      if (t.direction() != ChannelDirection.HUB_TO_SELLER || !t.payeeKey().equals(wallet.channelKey())) {
        continue;
      }
      JsonObject item = new JsonObject().put("channelId", c.channelId()).put("direction", t.direction().code())
          .put("state", c.state().code()).put("terms", new JsonObject(ChannelJson.terms(t)))
          .put("sequence", c.sequence()).put("payeeAmountSats", c.payeeAmountSats())
          .put("ackedSequence", registry.acknowledgedSequence(c.channelId()))
          .put("closeRequested", registry.closeRequested(c.channelId()));
      if (c.state() == ChannelState.PROPOSED) {
        hubStore.proposedFunding(c.channelId()).ifPresent(raw -> item.put("fundingTx", StrictHex.encode(raw)));
      }
      CommitmentUpdate latest = c.latestUpdate();
      if (latest != null) {
        item.put("latest", new JsonObject(ChannelJson.update(latest)));
      }
      items.add(item);
    }
    for (PayeeChannel c : hubStore.payeeChannelsWith(account)) {
      ChannelTerms t = c.terms();
      if (t.direction() != ChannelDirection.BUYER_TO_HUB || !t.payerKey().equals(wallet.channelKey())) {
        continue;
      }
      JsonObject item = new JsonObject().put("channelId", c.channelId()).put("direction", t.direction().code())
          .put("state", c.state().code()).put("terms", new JsonObject(ChannelJson.terms(t)))
          .put("sequence", c.sequence()).put("payeeAmountSats", c.payeeAmountSats());
      if ((c.state() == ChannelState.CLOSING || c.state() == ChannelState.CLOSED) && c.sequence() > 0) {
        item.put("closingTx", StrictHex.encode(hub.buyerClosingTransaction(c.channelId()).orThrow().serialize()));
      }
      items.add(item);
    }
    return new JsonObject().put("channels", items);
  }

  /** The gateway's refund signature for a proposed hub -> seller channel: the hub opens it. */
  public JsonObject answerProposal(DeviceCaller caller, String channelId, String signatureHex) {
    PayerChannel channel = sellerChannel(caller, channelId);
    byte[] signature = parse("refundSignature", () -> StrictHex.decode(signatureHex, "refundSignature"));
    if (channel.state() != ChannelState.PROPOSED && channel.state() != ChannelState.OPEN) {
      throw ApiError.conflict("NOT_OPEN", "channel " + channelId + " is " + channel.state().code(), null);
    }
    ChannelResult<PayerChannel> open = hub.sellers().completeOpen(channelId, signature);
    if (!open.isOk()) {
      throw ApiError.badRequest(open.rejection().name(), open.detail(), "refundSignature");
    }
    return new JsonObject().put("channelId", channelId).put("state", open.value().state().code())
        .put("fundingTxid", Transaction.txidToHex(open.value().terms().fundingTxid()));
  }

  /** The gateway stored the hub's commitment {@code sequence} of a hub -> seller channel. */
  public JsonObject acknowledge(DeviceCaller caller, String channelId, long sequence) {
    PayerChannel channel = sellerChannel(caller, channelId);
    if (sequence < 1 || sequence > channel.sequence()) {
      throw ApiError.badRequest("UNKNOWN_SEQUENCE", "the hub signed commitments 1.." + channel.sequence()
          + " on " + channelId, "sequence");
    }
    registry.acknowledge(channelId, sequence, clock.instant());
    return new JsonObject().put("channelId", channelId).put("ackedSequence", registry.acknowledgedSequence(channelId));
  }

  /**
   * Debits waiting for the gateway's signature: each with the channel and exact payee amount the
   * commitment must reach, and every version of the statement up to the one being paid (oldest first),
   * so the gateway can follow the chain from the version it checked before. A debit that waits for the
   * gateway to open a buyer channel comes with a null channel and target only.
   */
  public JsonObject paymentRequests(DeviceCaller caller) {
    JsonArray items = new JsonArray();
    db.select(SETTLEMENT_PAYMENT.ID, SETTLEMENT_PAYMENT.ZONE_CODE, SETTLEMENT_PAYMENT.SLOT_START,
            SETTLEMENT_PAYMENT.STATEMENT_VERSION, SETTLEMENT_PAYMENT.AMOUNT_SAT, SETTLEMENT_PAYMENT.CHANNEL_ID,
            SETTLEMENT_PAYMENT.TARGET_PAYEE_SATS)
        .from(SETTLEMENT_PAYMENT)
        .where(SETTLEMENT_PAYMENT.ACCOUNT_ID.eq(caller.accountId()), SETTLEMENT_PAYMENT.AMOUNT_SAT.lt(0L),
            SETTLEMENT_PAYMENT.STATUS.eq(PaymentStatus.PENDING.code()))
        .orderBy(SETTLEMENT_PAYMENT.ID)
        .limit(100)
        .forEach(r -> {
          if (registry.refusal(r.value1()).isPresent()) {
            return;
          }
          if (r.value6() == null) {
            // no open channel to pay on yet: the gateway learns it must open one
            items.add(new JsonObject().put("paymentId", r.value1()).put("amountSat", r.value5())
                .putNull("channelId").putNull("targetPayeeSats"));
            return;
          }
          SlotKey key = new SlotKey(r.value2(), DeliverySlot.startingAt(r.value3().toInstant()));
          JsonArray versions = new JsonArray();
          for (Statement s : statements.versions(caller.accountId(), key)) {
            if (s.version() <= r.value4()) {
              versions.add(new JsonObject(StatementJson.toMap(s)));
            }
          }
          items.add(new JsonObject().put("paymentId", r.value1()).put("zone", key.zoneCode())
              .put("slot", key.slot().toString()).put("version", r.value4()).put("amountSat", r.value5())
              .put("channelId", r.value6()).put("targetPayeeSats", r.value7()).put("versions", versions));
        });
    return new JsonObject().put("requests", items);
  }

  /**
   * A commitment the gateway signed for payment {@code paymentId}: it must advance the payment's channel
   * to exactly the payment's target. The hub stores it before answering (the acknowledgement).
   */
  public JsonObject deliver(DeviceCaller caller, String channelId, long paymentId, CommitmentUpdate update) {
    buyerChannel(caller, channelId);
    var payment = db.select(SETTLEMENT_PAYMENT.ACCOUNT_ID, SETTLEMENT_PAYMENT.AMOUNT_SAT,
            SETTLEMENT_PAYMENT.CHANNEL_ID, SETTLEMENT_PAYMENT.TARGET_PAYEE_SATS, SETTLEMENT_PAYMENT.STATUS)
        .from(SETTLEMENT_PAYMENT).where(SETTLEMENT_PAYMENT.ID.eq(paymentId)).fetchOptional()
        .filter(r -> r.value1() == caller.accountId() && r.value2() < 0)
        .orElseThrow(() -> ApiError.notFound("payment " + paymentId));
    if (payment.value3() == null || !payment.value3().equals(channelId)) {
      throw ApiError.conflict("WRONG_CHANNEL", "payment " + paymentId + " is to be paid on "
          + (payment.value3() == null ? "a channel not chosen yet" : payment.value3()), "channelId");
    }
    if (update.payeeAmountSats() != payment.value4()) {
      throw ApiError.badRequest("WRONG_AMOUNT", "payment " + paymentId + " brings the channel to exactly "
          + payment.value4() + " sat, not " + update.payeeAmountSats(), "payeeAmountSats");
    }
    if (!channelId.equals(update.channelId())) {
      throw ApiError.badRequest("WRONG_CHANNEL", "the commitment names channel " + update.channelId(), "channelId");
    }
    ChannelResult<Long> accepted = hub.buyers().deliver(update);
    if (!accepted.isOk()) {
      throw ApiError.badRequest(accepted.rejection().name(), accepted.detail(), "payerSignature");
    }
    return new JsonObject().put("channelId", channelId).put("paymentId", paymentId)
        .put("acknowledgedSats", accepted.value());
  }

  /** The gateway refuses to pay: the dispatcher marks the payment refused with the gateway's code. */
  public JsonObject refuse(DeviceCaller caller, long paymentId, int code, String detail) {
    boolean debit = db.fetchExists(SETTLEMENT_PAYMENT, SETTLEMENT_PAYMENT.ID.eq(paymentId),
        SETTLEMENT_PAYMENT.ACCOUNT_ID.eq(caller.accountId()), SETTLEMENT_PAYMENT.AMOUNT_SAT.lt(0L));
    if (!debit) {
      throw ApiError.notFound("payment " + paymentId);
    }
    registry.refuse(paymentId, code, detail, clock.instant());
    log.warn("the gateway of account {} refused payment {} ({}): {}", caller.accountId(), paymentId, code, detail);
    return new JsonObject().put("paymentId", paymentId).put("refusalCode", registry.refusal(paymentId).orElseThrow().code());
  }

  /** Asks the hub to close the gateway's buyer -> hub channel now (to top up: close, then open anew). */
  public JsonObject closeBuyerChannel(DeviceCaller caller, String channelId) {
    PayeeChannel channel = buyerChannel(caller, channelId);
    if (channel.state() != ChannelState.OPEN) {
      return new JsonObject().put("channelId", channelId).put("state", channel.state().code());
    }
    if (channel.sequence() == 0) {
      throw ApiError.conflict("NOTHING_TO_CLOSE", "no commitment yet: take the funds back with the refund after"
          + " expiry, or pay first", null);
    }
    ChannelResult<BroadcastResult> closed = hub.closeBuyerChannel(channelId);
    if (!closed.isOk() || !closed.value().isAccepted()) {
      throw ApiError.conflict("CLOSE_REJECTED", closed.isOk() ? closed.value().detail() : closed.detail(), null);
    }
    return new JsonObject().put("channelId", channelId).put("state", ChannelState.CLOSING.code())
        .put("closingTxid", closed.value().txid());
  }

  /**
   * Broadcasts a transaction the gateway completed on one of its channels: the closing commitment of a
   * hub -> seller channel (the gateway co-signed the hub's newest one) or the refund of its buyer ->
   * hub channel after expiry. Anything else is refused, so this is no open relay.
   */
  public JsonObject relay(DeviceCaller caller, String rawHex) {
    Transaction tx = parse("rawTx", () -> Transaction.parseHex(rawHex));
    GatewayRegistry.GatewayWallet wallet = wallet(caller);
    String account = Long.toString(caller.accountId());
    if (tx.inputs().size() != 1) {
      throw ApiError.badRequest("NOT_A_CHANNEL_TRANSACTION", "a channel close or refund has exactly one input", "rawTx");
    }
    TxInput in = tx.inputs().get(0);
    Predicate<ChannelTerms> spendsFunding = t -> Arrays.equals(t.fundingTxid(), in.prevTxid())
        && t.fundingIndex() == in.prevIndex() && t.prosumerAccount().equals(account);
    for (ChannelState state : List.of(ChannelState.OPEN, ChannelState.CLOSING)) {
      for (PayerChannel c : hubStore.payerChannels(state)) {
        if (c.terms().direction() == ChannelDirection.HUB_TO_SELLER && spendsFunding.test(c.terms())
            && c.terms().payeeKey().equals(wallet.channelKey())) {
          BroadcastResult sent = broadcastOrRefuse(tx);
          hub.sellers().closedByPayee(c.channelId(), tx);
          registry.recordClose(c.channelId(), tx.txid(), clock.instant());
          log.info("the gateway of account {} closed hub -> seller channel {} at {} sat: {}", account, c.channelId(),
              c.payeeAmountSats(), sent.txid());
          return new JsonObject().put("channelId", c.channelId()).put("txid", sent.txid())
              .put("outcome", sent.outcome().name());
        }
      }
      for (PayeeChannel c : hubStore.payeeChannels(state)) {
        if (c.terms().direction() == ChannelDirection.BUYER_TO_HUB && spendsFunding.test(c.terms())
            && c.terms().payerKey().equals(wallet.channelKey())) {
          if (!tx.equals(c.terms().refundTransaction().withUnlockingScript(0, in.unlockingScript()))) {
            throw ApiError.badRequest("NOT_A_CHANNEL_TRANSACTION", "only the agreed refund of " + c.channelId()
                + " may be relayed; the hub closes buyer channels itself", "rawTx");
          }
          BroadcastResult sent = broadcastOrRefuse(tx);
          transactions.recordMade(tx, List.of(new TxOutput(c.terms().capacitySats(), c.terms().fundingScript())),
              "channel-refund");
          hub.markBuyerChannelSpent(c.channelId(), ChannelState.REFUNDED, tx.txid());
          log.warn("buyer channel {} of account {} refunded to the gateway after expiry: {}", c.channelId(), account,
              sent.txid());
          return new JsonObject().put("channelId", c.channelId()).put("txid", sent.txid())
              .put("outcome", sent.outcome().name());
        }
      }
    }
    throw ApiError.badRequest("NOT_A_CHANNEL_TRANSACTION", "the transaction spends no funding output of this"
        + " gateway's open channels", "rawTx");
  }

  private BroadcastResult broadcastOrRefuse(Transaction tx) {
    BroadcastResult sent = chain.broadcast(tx.serialize());
    if (!sent.isAccepted()) {
      throw ApiError.conflict("TRANSACTION_REJECTED", "the chain refused " + sent.txid() + ": " + sent.reason() + " "
          + sent.detail(), "rawTx");
    }
    return sent;
  }

  // ---- what the settlement pass does ----

  /**
   * Proposes a hub -> seller channel to every m2m account that is owed a payment and whose registered
   * gateway has no channel open or proposed. Returns the proposed channel ids.
   */
  public List<String> proposeSellerChannels() {
    abandonStaleProposals();
    List<String> proposed = new ArrayList<>();
    List<PayerChannel> existing = new ArrayList<>(hubStore.payerChannels(ChannelState.OPEN));
    existing.addAll(hubStore.payerChannels(ChannelState.PROPOSED));
    // only for an account a credit waits for: no coins sit in channels nobody pays over
    List<Long> accounts = db.selectDistinct(ACCOUNT.ID).from(ACCOUNT)
        .join(SETTLEMENT_PAYMENT).on(SETTLEMENT_PAYMENT.ACCOUNT_ID.eq(ACCOUNT.ID))
        .where(ACCOUNT.PAYMENT_MODE.eq(GatewayRegistry.M2M).and(ACCOUNT.DISABLED_AT.isNull()))
        .and(SETTLEMENT_PAYMENT.STATUS.eq(PaymentStatus.PENDING.code())).and(SETTLEMENT_PAYMENT.AMOUNT_SAT.gt(0L))
        .orderBy(ACCOUNT.ID).fetch(ACCOUNT.ID);
    long expiry = chain.tip().height() + terms.lifetimeBlocks();
    List<GatewayRegistry.GatewayWallet> waiting = new ArrayList<>();
    for (long accountId : accounts) {
      Optional<GatewayRegistry.GatewayWallet> wallet = registry.wallet(accountId);
      String account = Long.toString(accountId);
      if (wallet.isPresent() && existing.stream().noneMatch(c -> c.terms().direction() == ChannelDirection.HUB_TO_SELLER
          && c.terms().prosumerAccount().equals(account) && c.terms().payeeKey().equals(wallet.get().channelKey()))) {
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
      log.warn("cannot split the hub's coins for {} hub -> seller channel(s): {}", waiting.size(), e.getMessage());
    }
    for (GatewayRegistry.GatewayWallet wallet : waiting) {
      String account = Long.toString(wallet.accountId());
      String channelId = "hub-to-" + account + "-" + clock.millis();
      for (int n = 1; hubStore.payer(channelId).isPresent(); n++) {
        channelId = "hub-to-" + account + "-" + clock.millis() + "-" + n;
      }
      try {
        hub.sellers().propose(channelId, ChannelDirection.HUB_TO_SELLER, account, wallet.channelKey(),
            wallet.payoutScript(), terms.capacitySats(), expiry, terms.capacitySats() - 10_000);
      } catch (P2pkhSpend.InsufficientFundsException e) {
        log.warn("no hub -> seller channel for account {} yet: {}", account, e.getMessage());
        continue;
      }
      log.info("hub -> seller channel {} proposed to the gateway of account {}", channelId, account);
      proposed.add(channelId);
    }
    return proposed;
  }

  /**
   * Gives up proposals whose gateway did not answer within {@link #PROPOSAL_PATIENCE_BLOCKS} blocks, or
   * whose account registered another key meanwhile: their coin is free again, and the next pass proposes
   * anew to whatever gateway is registered then.
   */
  private void abandonStaleProposals() {
    long tip = chain.tip().height();
    for (PayerChannel c : hubStore.payerChannels(ChannelState.PROPOSED)) {
      ChannelTerms t = c.terms();
      if (t.direction() != ChannelDirection.HUB_TO_SELLER) {
        continue;
      }
      long proposedAt = t.expiryLockTime() - terms.lifetimeBlocks();
      boolean keyChanged = registry.wallet(Long.parseLong(t.prosumerAccount()))
          .filter(w -> w.channelKey().equals(t.payeeKey())).isEmpty();
      if (keyChanged || tip - proposedAt > PROPOSAL_PATIENCE_BLOCKS) {
        hub.sellers().abandonProposal(c.channelId());
        log.warn("hub -> seller channel {} abandoned: {}", c.channelId(),
            keyChanged ? "the account's gateway key changed" : "its gateway did not answer for "
                + (tip - proposedAt) + " blocks");
      }
    }
  }

  /**
   * Asks gateways to close their hub -> seller channels that are within the close margin of expiry (or
   * all that carry a payment when {@code all}), and refunds to the hub those past expiry whose gateway
   * did not close. Returns how many close requests are new.
   */
  public int closeSellerChannels(boolean all) {
    long nextHeight = chain.tip().height() + 1;
    int requested = 0;
    for (PayerChannel c : hubStore.payerChannels(ChannelState.OPEN)) {
      if (c.terms().direction() != ChannelDirection.HUB_TO_SELLER
          || registry.wallet(Long.parseLong(c.terms().prosumerAccount()))
              .filter(w -> w.channelKey().equals(c.terms().payeeKey())).isEmpty()) {
        continue;
      }
      long expiry = c.terms().expiryLockTime();
      if (expiry < 500_000_000L && nextHeight > expiry) {
        BroadcastResult refund = hub.sellers().refund(c.channelId());
        log.warn("hub -> seller channel {} expired without the gateway closing it: refund {}", c.channelId(),
            refund.isAccepted() ? refund.txid() : refund.detail());
      } else if ((all && c.sequence() > 0)
          || (expiry < 500_000_000L && expiry - nextHeight <= terms.closeMarginBlocks())) {
        if (!registry.closeRequested(c.channelId())) {
          registry.requestClose(c.channelId(), clock.instant());
          requested++;
        }
      }
    }
    return requested;
  }

  /**
   * Hub -> seller channels of m2m gateways that were asked to close and carry a payment: channel id to
   * the closing txid (display hex) the gateway relayed, or null while it has not closed yet.
   */
  public Map<String, String> requestedCloses() {
    Map<String, String> out = new java.util.TreeMap<>();
    for (ChannelState state : List.of(ChannelState.OPEN, ChannelState.CLOSED)) {
      for (PayerChannel c : hubStore.payerChannels(state)) {
        if (c.terms().direction() == ChannelDirection.HUB_TO_SELLER && c.sequence() > 0
            && registry.closeRequested(c.channelId())) {
          out.put(c.channelId(), registry.closingTxid(c.channelId()).map(Transaction::txidToHex).orElse(null));
        }
      }
    }
    return out;
  }

  // ---- helpers ----

  private GatewayRegistry.GatewayWallet wallet(DeviceCaller caller) {
    return registry.wallet(caller.accountId()).orElseThrow(() -> ApiError.conflict("NO_WALLET",
        "register the gateway's wallet first (PUT /api/v1/gateway/wallet): account " + caller.accountId()
            + " is not in machine-to-machine mode", null));
  }

  private PayeeChannel buyerChannel(DeviceCaller caller, String channelId) {
    GatewayRegistry.GatewayWallet wallet = wallet(caller);
    return hub.buyerChannel(channelId)
        .filter(c -> c.terms().prosumerAccount().equals(Long.toString(caller.accountId()))
            && c.terms().payerKey().equals(wallet.channelKey()))
        .orElseThrow(() -> ApiError.notFound("buyer channel " + channelId));
  }

  private PayerChannel sellerChannel(DeviceCaller caller, String channelId) {
    GatewayRegistry.GatewayWallet wallet = wallet(caller);
    return hub.sellers().channel(channelId)
        .filter(c -> c.terms().direction() == ChannelDirection.HUB_TO_SELLER
            && c.terms().prosumerAccount().equals(Long.toString(caller.accountId()))
            && c.terms().payeeKey().equals(wallet.channelKey()))
        .orElseThrow(() -> ApiError.notFound("hub -> seller channel " + channelId));
  }

  private interface Parse<T> {
    T get();
  }

  private static <T> T parse(String field, Parse<T> parse) {
    try {
      return parse.get();
    } catch (FormatException | IllegalArgumentException e) {
      throw ApiError.badRequest("MALFORMED_FIELD", field + ": " + e.getMessage(), field);
    }
  }
}
