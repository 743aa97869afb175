package io.peerwatt.gateway.wallet;

import io.peerwatt.gateway.journal.Journal;
import io.peerwatt.gateway.platform.PlatformClient;
import io.peerwatt.protocol.bsv.FeePolicy;
import io.peerwatt.protocol.bsv.P2pkhSpend;
import io.peerwatt.protocol.bsv.Script;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxOutput;
import io.peerwatt.protocol.channel.ChannelDirection;
import io.peerwatt.protocol.channel.ChannelJson;
import io.peerwatt.protocol.channel.ChannelRejection;
import io.peerwatt.protocol.channel.ChannelResult;
import io.peerwatt.protocol.channel.ChannelState;
import io.peerwatt.protocol.channel.ChannelTerms;
import io.peerwatt.protocol.channel.CommitmentUpdate;
import io.peerwatt.protocol.channel.PayeeChannel;
import io.peerwatt.protocol.channel.PayerChannel;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.encoding.StrictHex;
import io.peerwatt.protocol.keys.Network;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.keys.PublicKey;
import io.peerwatt.protocol.reading.SignedReading;
import io.peerwatt.protocol.statement.MeterSeries;
import io.peerwatt.protocol.statement.PaymentCheck;
import io.peerwatt.protocol.statement.PaymentDecision;
import io.peerwatt.protocol.statement.RefusalReason;
import io.peerwatt.protocol.statement.SpendingCap;
import io.peerwatt.protocol.statement.Statement;
import io.peerwatt.protocol.statement.StatementCodec;
import io.peerwatt.protocol.statement.StatementJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's side of machine-to-machine payments: one {@link #step} registers the wallet, keeps both
 * channels of its owner (buyer -> hub, which it pays on; hub -> seller, on which it is paid), checks and
 * pays payment requests, and closes or refunds channels near or past expiry. Protocol and endpoints:
 * {@code settlement/M2M-PAYMENTS.md}.
 *
 * <p>Safety rules it keeps: a refund signature is stored before the funding goes out; a commitment is
 * stored before it is sent (payer) or acknowledged (payee); a statement is paid only when
 * {@link PaymentCheck} approves it against the readings this gateway signed and the owner's daily cap,
 * and only for exactly the amount the statement implies. Not thread-safe: one thread runs its rounds
 * ({@link #recordReading} may be called from another).
 */
public final class PaymentAgent {
  private static final Logger log = LoggerFactory.getLogger(PaymentAgent.class);
  /** Readings this far around a slot are handed to the statement check (covers long gaps). */
  private static final Duration READINGS_AROUND_SLOT = Duration.ofHours(6);

  private final PrivateKey key;
  private final byte[] script;
  private final PlatformClient platform;
  private final WalletState state;
  private final ReadingLedger ledger;
  private final WalletConfig config;
  private final Clock clock;
  private final PaymentCheck check = new PaymentCheck();
  private final Path walletDir;
  private volatile Info info;
  private volatile String lastError;
  /** What {@link #status} shows, made by the agent's thread after each round (the state is not shared). */
  private volatile Map<String, Object> statusSnapshot;
  private boolean warnedUnfunded;

  /** What the platform tells about the hub and the chain (GET /gateway/wallet). */
  record Info(long deviceId, long accountId, String network, PublicKey hubKey, byte[] hubScript, FeePolicy feePolicy,
      long tipHeight, long channelLifetimeBlocks, long closeMarginBlocks, boolean faucet) {}

  PaymentAgent(PrivateKey channelKey, PlatformClient platform, WalletState state, ReadingLedger ledger,
      WalletConfig config, Clock clock, Path walletDir) {
    this.walletDir = walletDir;
    this.key = channelKey;
    this.script = Script.p2pkh(channelKey.publicKey().hash160()).bytes();
    this.platform = platform;
    this.state = state;
    this.ledger = ledger;
    this.config = config;
    this.clock = clock;
    this.statusSnapshot = buildStatus();
  }

  /**
   * The wallet of the gateway with data dir {@code dataDir}: its state and reading ledger (brought up to
   * date from the meter channels' {@code journals}) in {@link WalletConfig#DIR}.
   *
   * @param channelKey the key it signs its channels with
   * @param platform the platform's device API, signed with the device key
   */
  public static PaymentAgent open(Path dataDir, PrivateKey channelKey, PlatformClient platform,
      Map<Integer, Journal> journals, WalletConfig config, Clock clock) throws IOException {
    Path walletDir = dataDir.resolve(WalletConfig.DIR);
    ReadingLedger ledger = ReadingLedger.open(dataDir, journals, config.readingRetentionDays());
    return new PaymentAgent(channelKey, platform, WalletState.load(walletDir), ledger, config, clock, walletDir);
  }

  /**
   * Keeps the counters of a reading this gateway just signed and journaled, to check statements against;
   * safe to call from the reading thread while a round runs.
   */
  public void recordReading(int channel, SignedReading signed) throws IOException {
    ledger.record(channel, signed);
  }

  /**
   * One round of wallet work; platform trouble is logged and retried on the next round.
   *
   * @return whether work is under way: the round changed something at the platform, left a payment
   *     request waiting or failed, so the next round should follow soon rather than after the interval
   */
  public boolean step() {
    long writesBefore = platform.writes();
    Info i;
    try {
      i = register();
    } catch (IOException | RuntimeException e) {
      failed("registration", e);
      statusSnapshot = buildStatus();
      return true;
    }
    boolean[] waiting = {false};
    boolean ok = part("funding", this::bookIncoming);
    ok &= part("channels", () -> syncChannels(i));
    ok &= part("payments", () -> {
      List<Map<String, Object>> requests = paymentRequests();
      waiting[0] = !requests.isEmpty();
      // a channel is opened when a debit waits for one: no coins sit in a channel nothing is paid over
      boolean needChannel = requests.stream().anyMatch(r -> r.get("channelId") == Json.NULL);
      ensureBuyerChannel(i, needChannel);
      payRequests(i, requests);
    });
    // on its own: trouble with payments must never keep the gateway from taking back an expired channel
    ok &= part("refunds", () -> refundExpired(i));
    ok &= part("pruning", () -> state.prune(
        LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minusDays(config.readingRetentionDays())));
    if (ok) {
      lastError = null;
    }
    statusSnapshot = buildStatus();
    return !ok || waiting[0] || platform.writes() != writesBefore;
  }

  private interface Part {
    void run() throws IOException;
  }

  /** Runs one part of a round; a failure is logged and retried next round, and the other parts still run. */
  private boolean part(String what, Part part) {
    try {
      part.run();
      return true;
    } catch (IOException | RuntimeException e) {
      failed(what, e);
      return false;
    }
  }

  private void failed(String what, Exception e) {
    if (Thread.currentThread().isInterrupted()) {
      return; // the gateway is stopping
    }
    lastError = what + ": " + e.getMessage();
    log.warn("wallet {} failed; retrying next round: {}", what, e.getMessage());
    log.debug("wallet failure", e);
  }

  /** For {@code status.json}: the wallet as the last round left it. */
  public Map<String, Object> status() {
    return statusSnapshot;
  }

  private Map<String, Object> buildStatus() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mode", "m2m");
    m.put("channelKey", key.publicKey().hex());
    m.put("payoutScript", StrictHex.encode(script));
    m.put("address", info == null ? null : address(info.network()));
    m.put("balanceSats", state.balanceSats());
    Info i = info;
    m.put("network", i == null ? null : i.network());
    m.put("spentTodaySats", state.spentOn(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC)));
    m.put("spendingCapSatsPerDay", config.spendingCapSatsPerDay());
    List<Object> channels = new ArrayList<>();
    state.payers.values().forEach(p -> channels.add(Map.of("channelId", p.channel().channelId(), "direction",
        "buyer_to_hub", "state", p.channel().state().code(), "paidSats", p.channel().payeeAmountSats(),
        "capacitySats", p.channel().terms().capacitySats())));
    state.payees.values().forEach(p -> channels.add(Map.of("channelId", p.channel().channelId(), "direction",
        "hub_to_seller", "state", p.channel().state().code(), "receivedSats", p.channel().payeeAmountSats(),
        "capacitySats", p.channel().terms().capacitySats())));
    m.put("channels", channels);
    m.put("paymentsSigned", state.payments.values().stream()
        .filter(p -> p.status() != WalletState.PaymentStatus.REFUSED).count());
    m.put("paymentsRefused", state.payments.values().stream()
        .filter(p -> p.status() == WalletState.PaymentStatus.REFUSED).count());
    m.put("lastError", lastError);
    return m;
  }

  /** The wallet's P2PKH address on the platform's chain (testnet form for every chain but mainnet). */
  private String address(String network) {
    return key.publicKey().toAddress("mainnet".equals(network) ? Network.MAINNET : Network.TESTNET).toString();
  }

  // ---- registration ----

  private Info register() throws IOException {
    Map<String, Object> answer = platform.get("/gateway/wallet");
    Object wallet = answer.get("wallet");
    boolean registered = wallet instanceof Map<?, ?> w && key.publicKey().hex().equals(w.get("channelKey"))
        && StrictHex.encode(script).equals(w.get("payoutScript"));
    if (!registered) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("channelKey", key.publicKey().hex());
      body.put("payoutScript", StrictHex.encode(script));
      answer = platform.put("/gateway/wallet", body);
      log.info("registered the gateway wallet with the platform: channel key {}", key.publicKey().hex());
    }
    Map<String, Object> fee = Json.object(answer, "feePolicy");
    Info i = new Info(Json.integer(answer, "deviceId"), Json.integer(answer, "accountId"),
        Json.string(answer, "network"), PublicKey.fromHex(Json.string(answer, "hubKey")),
        StrictHex.decode(Json.string(answer, "hubScript"), "hubScript"),
        new FeePolicy(Json.integer(fee, "satoshisPerKb"), Json.integer(fee, "dustLimitSats")),
        Json.integer(answer, "tipHeight"), Json.integer(answer, "channelLifetimeBlocks"),
        Json.integer(answer, "closeMarginBlocks"), Boolean.TRUE.equals(answer.get("faucet")));
    info = i;
    return i;
  }

  /** Books the outputs of transactions the owner handed in ({@link WalletInbox}) as the wallet's coins. */
  private void bookIncoming() throws IOException {
    for (Path file : WalletInbox.waiting(walletDir)) {
      Transaction tx = Transaction.parseHex(Files.readString(file, StandardCharsets.US_ASCII).strip());
      state.addOutputsTo(tx, script);
      state.save();
      Files.delete(file);
      log.info("booked {} sat from {} into the wallet", WalletInbox.paidTo(tx, script), tx.txidHex());
    }
  }

  // ---- channels as the hub sees them ----

  @SuppressWarnings("unchecked")
  private void syncChannels(Info i) throws IOException {
    for (Object o : Json.array(platform.get("/gateway/channels"), "channels")) {
      Map<String, Object> item = (Map<String, Object>) o;
      ChannelTerms terms = ChannelJson.readTerms(Json.object(item, "terms"));
      String hubState = Json.string(item, "state");
      if (terms.direction() == ChannelDirection.HUB_TO_SELLER) {
        syncIncoming(i, item, terms, hubState);
      } else {
        syncOutgoing(item, terms, hubState);
      }
    }
  }

  /** A hub -> seller channel: sign its refund, store and acknowledge commitments, close it when asked. */
  private void syncIncoming(Info i, Map<String, Object> item, ChannelTerms terms, String hubState) throws IOException {
    String id = terms.channelId();
    if (!terms.payeeKey().equals(key.publicKey()) || !Arrays.equals(terms.payeeScript(), script)
        || !terms.payerKey().equals(i.hubKey())) {
      log.warn("hub -> seller channel {} does not name this wallet's key and script; ignored", id);
      return;
    }
    WalletState.Payee local = state.payees.get(id);
    if (local != null && local.channel().state() == ChannelState.CLOSING
        && ("closing".equals(hubState) || "closed".equals(hubState))) {
      // the hub took the close this wallet relayed, but its answer was lost: the amount is still to be booked
      bookClose(id, local);
      return;
    }
    if ("proposed".equals(hubState) && item.get("fundingTx") instanceof String fundingHex) {
      PayeeChannel proposed = PayeeChannel.accept(terms);
      ChannelResult<Transaction> funding = proposed.checkFunding(Transaction.parseHex(fundingHex));
      if (!funding.isOk()) {
        log.warn("hub -> seller channel {}: {}; not signing its refund", id, funding.detail());
        return;
      }
      ChannelResult<PayeeChannel.RefundSignature> signed = proposed.signRefund(terms.refundTransaction(), key);
      if (!signed.isOk()) {
        log.warn("hub -> seller channel {}: {}", id, signed.detail());
        return;
      }
      if (local == null) {
        state.payees.put(id, new WalletState.Payee(signed.value().channel(), null));
        state.save();
      }
      platform.post("/gateway/channels/" + id + "/refund-signature",
          Map.of("refundSignature", StrictHex.encode(signed.value().signature())));
      log.info("signed the refund of hub -> seller channel {} ({} sat)", id, terms.capacitySats());
      return;
    }
    if (!"open".equals(hubState)) {
      return;
    }
    if (local == null) {
      // the refund was signed before a state file was lost: the terms are all a payee needs to go on
      local = new WalletState.Payee(new PayeeChannel(terms, ChannelState.OPEN, 0, 0, null), null);
      state.payees.put(id, local);
      state.save();
    }
    PayeeChannel channel = local.channel();
    if (item.get("latest") instanceof Map<?, ?> latestJson) {
      @SuppressWarnings("unchecked")
      CommitmentUpdate update = ChannelJson.readUpdate((Map<String, Object>) latestJson);
      if (update.sequence() > channel.sequence() && channel.state() == ChannelState.OPEN) {
        ChannelResult<PayeeChannel> received = channel.receive(update);
        if (!received.isOk()) {
          log.error("REFUSED the hub's commitment #{} on {}: {} {}", update.sequence(), id, received.rejection(),
              received.detail());
          return;
        }
        channel = received.value();
        state.payees.put(id, new WalletState.Payee(channel, null));
        state.save();
        log.info("received {} sat in total on {} (commitment #{})", channel.payeeAmountSats(), id, channel.sequence());
      }
      if (channel.sequence() > Json.integer(item, "ackedSequence")) {
        platform.post("/gateway/channels/" + id + "/acks", Map.of("sequence", channel.sequence()));
      }
    }
    boolean nearExpiry = terms.expiryLockTime() < 500_000_000L
        && terms.expiryLockTime() - (i.tipHeight() + 1) <= i.closeMarginBlocks();
    boolean closeRequested = Boolean.TRUE.equals(item.get("closeRequested"));
    // a close once signed is sent until the hub has it, whatever the hub asks meanwhile
    if ((closeRequested || nearExpiry || channel.state() == ChannelState.CLOSING) && channel.sequence() > 0) {
      closeIncoming(id);
    }
  }

  /** Co-signs the newest commitment of a hub -> seller channel and has the platform broadcast it. */
  private void closeIncoming(String id) throws IOException {
    WalletState.Payee local = state.payees.get(id);
    byte[] closing = local.closingTx();
    if (closing == null) {
      closing = local.channel().closingTransaction(key).orThrow().serialize();
      state.payees.put(id, new WalletState.Payee(local.channel().withState(ChannelState.CLOSING), closing));
      state.save();
    }
    platform.post("/gateway/transactions", Map.of("rawTx", StrictHex.encode(closing)));
    bookClose(id, state.payees.get(id));
  }

  /** The hub has the closing transaction of a hub -> seller channel: what it pays this wallet is a coin. */
  private void bookClose(String id, WalletState.Payee closing) throws IOException {
    Transaction tx = Transaction.parse(closing.closingTx());
    state.payees.put(id, new WalletState.Payee(closing.channel().withState(ChannelState.CLOSED), closing.closingTx()));
    state.addOutputsTo(tx, script);
    state.save();
    log.info("closed hub -> seller channel {}: {} sat to this wallet in {}", id, closing.channel().payeeAmountSats(),
        tx.txidHex());
  }

  /** A buyer -> hub channel: once the hub closed it, book the change it returned. */
  private void syncOutgoing(Map<String, Object> item, ChannelTerms terms, String hubState) throws IOException {
    WalletState.Payer local = state.payers.get(terms.channelId());
    if (local == null || local.channel().state() != ChannelState.OPEN) {
      return;
    }
    if ("refunded".equals(hubState) && local.fundingBroadcast()) {
      // the hub took this wallet's refund, but its answer was lost: the refund is still to be booked
      bookRefund(local, local.channel().signedRefund(key));
      return;
    }
    if (("closing".equals(hubState) || "closed".equals(hubState)) && item.get("closingTx") instanceof String hex) {
      Transaction closing = Transaction.parseHex(hex);
      state.payers.put(terms.channelId(), new WalletState.Payer(local.channel().withState(ChannelState.CLOSED),
          local.fundingTx(), true));
      state.addOutputsTo(closing, script);
      state.save();
      log.info("the hub closed buyer channel {} at {} sat paid: {}", terms.channelId(), local.channel().payeeAmountSats(),
          closing.txidHex());
    }
  }

  // ---- the buyer -> hub channel ----

  private void ensureBuyerChannel(Info i, boolean needChannel) throws IOException {
    for (WalletState.Payer p : new ArrayList<>(state.payers.values())) {
      if (p.channel().state() == ChannelState.PROPOSED) {
        askForRefund(p);
      } else if (p.channel().state() == ChannelState.OPEN && !p.fundingBroadcast()) {
        broadcastFunding(p);
      }
    }
    Optional<WalletState.Payer> open = state.openPayer();
    if (open.isPresent()) {
      ChannelTerms t = open.get().channel().terms();
      boolean expiring = t.expiryLockTime() - (i.tipHeight() + 1) <= i.closeMarginBlocks() * 2;
      boolean nearlyFull = t.maxPayeeAmountSats() - open.get().channel().payeeAmountSats() < t.capacitySats() / 10;
      if (!expiring && !nearlyFull) {
        return;
      }
      if (nearlyFull && open.get().channel().sequence() > 0) {
        // top up: the hub closes this one (it is the payee); a new one opens below
        platform.post("/gateway/channels/" + t.channelId() + "/close", Map.of());
      }
      needChannel = true;
    }
    if (!needChannel || state.payers.values().stream().anyMatch(p -> p.channel().state() == ChannelState.PROPOSED)) {
      return;
    }
    openBuyerChannel(i);
  }

  private void openBuyerChannel(Info i) throws IOException {
    long capacity = config.channelCapacitySats();
    long fundingFee = i.feePolicy().feeFor(1_000);
    if (state.balanceSats() < capacity + fundingFee && i.faucet() && config.devnetFaucet()) {
      Map<String, Object> paid = platform.post("/gateway/faucet", Map.of("satoshis", 2 * capacity));
      state.addOutputsTo(Transaction.parseHex(Json.string(paid, "rawTx")), script);
      state.save();
      log.info("devnet faucet paid {} sat to this wallet ({})", Json.integer(paid, "satoshis"), Json.string(paid, "txid"));
    }
    if (state.balanceSats() < capacity + fundingFee) {
      if (!warnedUnfunded) {
        log.warn("the wallet holds {} sat, not enough for a {} sat channel: send coins to {} on {}", state.balanceSats(),
            capacity, address(i.network()), i.network());
        warnedUnfunded = true;
      }
      return;
    }
    warnedUnfunded = false;
    byte[] fundingScript = ChannelTerms.fundingScript(key.publicKey(), i.hubKey());
    P2pkhSpend.Spend spend = P2pkhSpend.build(key, state.coins, List.of(new TxOutput(capacity, fundingScript)),
        i.feePolicy());
    long commitmentFee = ChannelTerms.commitmentFeeSats(i.feePolicy(), script, i.hubScript());
    String id = "gw" + i.deviceId() + "-" + clock.millis();
    for (int n = 1; state.payers.containsKey(id); n++) {
      id = "gw" + i.deviceId() + "-" + clock.millis() + "-" + n;
    }
    ChannelTerms terms = new ChannelTerms(id, ChannelDirection.BUYER_TO_HUB, Long.toString(i.accountId()),
        key.publicKey(), i.hubKey(), script, i.hubScript(), capacity, commitmentFee, i.feePolicy().dustLimitSats(),
        i.tipHeight() + i.channelLifetimeBlocks(), spend.transaction().txid(), 0);
    state.coins.removeAll(spend.inputs());
    state.reserved.put(spend.transaction().txidHex(), spend.inputs());
    state.payers.put(id, new WalletState.Payer(PayerChannel.propose(terms, config.spendingCapSatsPerDay() > 0
        ? terms.maxPayeeAmountSats() : 0), spend.transaction().serialize(), false));
    state.save();
    log.info("opening buyer channel {}: {} sat to the hub, expiry at height {}", id, capacity, terms.expiryLockTime());
    askForRefund(state.payers.get(id));
  }

  /** Sends the proposal, stores the hub's refund signature, then has the hub broadcast the funding. */
  private void askForRefund(WalletState.Payer p) throws IOException {
    ChannelTerms terms = p.channel().terms();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("terms", ChannelJson.terms(terms));
    body.put("fundingTx", StrictHex.encode(p.fundingTx()));
    Map<String, Object> answer;
    try {
      answer = platform.post("/gateway/channels", body);
    } catch (PlatformClient.PlatformException e) {
      if (e.status() == 400) {
        abandon(p, e.getMessage());
      }
      throw e;
    }
    ChannelResult<PayerChannel> open = p.channel()
        .acceptRefundSignature(StrictHex.decode(Json.string(answer, "refundSignature"), "refundSignature"));
    if (!open.isOk()) {
      abandon(p, open.detail());
      return;
    }
    WalletState.Payer opened = new WalletState.Payer(open.value(), p.fundingTx(), false);
    state.payers.put(terms.channelId(), opened);
    state.save();
    broadcastFunding(opened);
  }

  private void broadcastFunding(WalletState.Payer p) throws IOException {
    ChannelTerms terms = p.channel().terms();
    platform.post("/gateway/channels/" + terms.channelId() + "/funding",
        Map.of("rawTx", StrictHex.encode(p.fundingTx())));
    Transaction funding = Transaction.parse(p.fundingTx());
    state.reserved.remove(funding.txidHex());
    state.addOutputsTo(funding, script);
    state.payers.put(terms.channelId(), new WalletState.Payer(p.channel(), p.fundingTx(), true));
    state.save();
    log.info("buyer channel {} is open: funding {}", terms.channelId(), funding.txidHex());
  }

  /** The hub refused the channel: its coins come back and the proposal is dropped. */
  private void abandon(WalletState.Payer p, String why) throws IOException {
    Transaction funding = Transaction.parse(p.fundingTx());
    List<P2pkhSpend.Coin> coins = state.reserved.remove(funding.txidHex());
    if (coins != null) {
      state.coins.addAll(coins);
    }
    state.payers.put(p.channel().channelId(), new WalletState.Payer(p.channel().withState(ChannelState.CLOSED),
        p.fundingTx(), false));
    state.save();
    log.error("the hub refused buyer channel {}: {}", p.channel().channelId(), why);
  }

  // ---- payments ----

  @SuppressWarnings("unchecked")
  private List<Map<String, Object>> paymentRequests() throws IOException {
    List<Map<String, Object>> requests = new ArrayList<>();
    for (Object o : Json.array(platform.get("/gateway/payment-requests"), "requests")) {
      requests.add((Map<String, Object>) o);
    }
    return requests;
  }

  private void payRequests(Info i, List<Map<String, Object>> requests) throws IOException {
    for (Map<String, Object> request : requests) {
      if (request.get("channelId") == Json.NULL) {
        continue; // waits for the buyer channel this round opens
      }
      long paymentId = Json.integer(request, "paymentId");
      WalletState.Payment answered = state.payments.get(paymentId);
      if (answered != null) {
        resend(answered);
        continue;
      }
      List<Statement> versions = new ArrayList<>();
      for (Object v : Json.array(request, "versions")) {
        versions.add(StatementJson.read(Json.write(v)));
      }
      answer(i, paymentId, request, versions);
    }
  }

  /** Sends an answer whose delivery did not get through (a commitment, or a refusal). */
  private void resend(WalletState.Payment p) throws IOException {
    if (p.status() == WalletState.PaymentStatus.REFUSED && !p.refusalSent()) {
      sendRefusal(p);
    } else if (p.status() == WalletState.PaymentStatus.SIGNED) {
      WalletState.Payer payer = state.payers.get(p.channelId());
      CommitmentUpdate latest = payer.channel().latestUpdate();
      if (latest != null && latest.sequence() == p.sequence()) {
        deliver(p, latest);
      }
    }
  }

  private void answer(Info i, long paymentId, Map<String, Object> request, List<Statement> versions)
      throws IOException {
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    Statement target = versions.get(versions.size() - 1);
    Optional<Statement> previous = Optional.ofNullable(state.statements.get(WalletState.slotKey(target)));
    // versions after the one accounted before are checked in order; a credit or unchanged one is taken on
    List<MeterSeries> own = ledger.series(i.deviceId(), target.slot().start().minus(READINGS_AROUND_SLOT),
        target.slot().end().plus(READINGS_AROUND_SLOT));
    for (Statement v : versions) {
      if (previous.isPresent() && v.version() <= previous.get().version()) {
        continue;
      }
      SpendingCap cap = new SpendingCap(config.spendingCapSatsPerDay(), state.spentOn(today));
      PaymentDecision decision = check.check(v, previous, i.accountId(), own, cap);
      if (!decision.approved()) {
        refuse(paymentId, decision.reason().code(), decision.detail(), today);
        return;
      }
      if (v != target) {
        if (decision.paySat() > 0) {
          refuse(paymentId, RefusalReason.NOT_FOR_THIS_ACCOUNT.code(), "version " + v.version() + " of "
              + WalletState.slotKey(v) + " asked for " + decision.paySat() + " sat that this gateway never paid", today);
          return;
        }
        state.statements.put(WalletState.slotKey(v), v);
        previous = Optional.of(v);
        continue;
      }
      long asked = -Json.integer(request, "amountSat");
      if (decision.paySat() != asked) {
        refuse(paymentId, RefusalReason.INCONSISTENT_STATEMENT.code(), "the platform asks " + asked
            + " sat, the statement versions imply " + decision.paySat() + " sat", today);
        return;
      }
      pay(paymentId, Json.string(request, "channelId"), Json.integer(request, "targetPayeeSats"), asked, v, today);
    }
  }

  private void pay(long paymentId, String channelId, long targetSats, long amountSat, Statement statement,
      LocalDate today) throws IOException {
    WalletState.Payer payer = state.payers.get(channelId);
    if (payer == null || payer.channel().state() != ChannelState.OPEN) {
      log.warn("payment {} is asked on channel {}, which this wallet does not hold open; waiting", paymentId, channelId);
      return;
    }
    long current = payer.channel().payeeAmountSats();
    if (targetSats != current + amountSat) {
      log.warn("payment {} of {} sat would bring {} to {} sat, but it stands at {} sat; waiting for the hub",
          paymentId, amountSat, channelId, targetSats, current);
      return;
    }
    ChannelResult<PayerChannel.Payment> signed = payer.channel().pay(targetSats, key);
    if (!signed.isOk() && signed.rejection() == ChannelRejection.EXCEEDS_CAPACITY && payer.channel().sequence() > 0) {
      // top up: the hub closes this channel, the next round opens a new one and the payment gets its target there
      log.info("payment {} does not fit into {} any more: asking the hub to close it", paymentId, channelId);
      platform.post("/gateway/channels/" + channelId + "/close", Map.of());
      return;
    }
    if (!signed.isOk()) {
      refuse(paymentId, RefusalReason.EXCEEDS_SPENDING_CAP.code(), signed.rejection() + ": " + signed.detail(), today);
      return;
    }
    WalletState.Payment record = new WalletState.Payment(paymentId, channelId, signed.value().update().sequence(),
        amountSat, WalletState.PaymentStatus.SIGNED, 0, "", today, false);
    state.payers.put(channelId, new WalletState.Payer(signed.value().channel(), payer.fundingTx(), true));
    state.payments.put(paymentId, record);
    state.statements.put(WalletState.slotKey(statement), statement);
    state.save();
    log.info("paying {} sat for {} version {} (statement {}) on {}", amountSat, WalletState.slotKey(statement),
        statement.version(), StatementCodec.hashHex(statement).substring(0, 16), channelId);
    deliver(record, signed.value().update());
  }

  private void deliver(WalletState.Payment p, CommitmentUpdate update) throws IOException {
    Map<String, Object> body = new LinkedHashMap<>(ChannelJson.update(update));
    body.put("paymentId", p.paymentId());
    platform.post("/gateway/channels/" + update.channelId() + "/commitments", body);
    state.payments.put(p.paymentId(), new WalletState.Payment(p.paymentId(), p.channelId(), p.sequence(), p.amountSat(),
        WalletState.PaymentStatus.ACKNOWLEDGED, 0, "", p.day(), false));
    state.save();
  }

  private void refuse(long paymentId, int code, String detail, LocalDate today) throws IOException {
    WalletState.Payment p = new WalletState.Payment(paymentId, "", 0, 0, WalletState.PaymentStatus.REFUSED, code,
        detail, today, false);
    state.payments.put(paymentId, p);
    state.save();
    log.error("REFUSED to pay payment {} ({}): {}", paymentId, code, detail);
    sendRefusal(p);
  }

  private void sendRefusal(WalletState.Payment p) throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("code", (long) p.refusalCode());
    body.put("detail", p.refusalDetail().length() > 300 ? p.refusalDetail().substring(0, 300) : p.refusalDetail());
    platform.post("/gateway/payments/" + p.paymentId() + "/refusal", body);
    state.payments.put(p.paymentId(), new WalletState.Payment(p.paymentId(), p.channelId(), p.sequence(), p.amountSat(),
        p.status(), p.refusalCode(), p.refusalDetail(), p.day(), true));
    state.save();
  }

  // ---- expiry ----

  /** A buyer channel the hub let pass its expiry: take the funds back with the refund the hub signed. */
  private void refundExpired(Info i) throws IOException {
    for (WalletState.Payer p : new ArrayList<>(state.payers.values())) {
      ChannelTerms t = p.channel().terms();
      if (p.channel().state() != ChannelState.OPEN || !p.fundingBroadcast() || t.expiryLockTime() >= 500_000_000L
          || i.tipHeight() + 1 <= t.expiryLockTime()) {
        continue;
      }
      Transaction refund = p.channel().signedRefund(key);
      platform.post("/gateway/transactions", Map.of("rawTx", StrictHex.encode(refund.serialize())));
      bookRefund(p, refund);
    }
  }

  /** The hub has the refund of a buyer channel: what it returns to this wallet is a coin. */
  private void bookRefund(WalletState.Payer p, Transaction refund) throws IOException {
    ChannelTerms t = p.channel().terms();
    state.payers.put(t.channelId(), new WalletState.Payer(p.channel().withState(ChannelState.REFUNDED),
        p.fundingTx(), true));
    state.addOutputsTo(refund, script);
    state.save();
    log.warn("buyer channel {} expired open: refunded {} sat to this wallet ({})", t.channelId(),
        t.capacitySats() - t.feeSats(), refund.txidHex());
  }
}
