package io.peerwatt.gateway.wallet;

import io.peerwatt.gateway.journal.Journal;
import io.peerwatt.gateway.platform.PlatformClient;
import io.peerwatt.protocol.bsv.Script;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.channel.ChannelDirection;
import io.peerwatt.protocol.channel.ChannelJson;
import io.peerwatt.protocol.channel.ChannelState;
import io.peerwatt.protocol.channel.ChannelTerms;
import io.peerwatt.protocol.channel.PayeeChannel;
import io.peerwatt.protocol.channel.PayerChannel;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.encoding.StrictHex;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.reading.SignedReading;
import io.peerwatt.protocol.statement.PaymentCheck;
import io.peerwatt.protocol.statement.ReadingRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's side of machine-to-machine payments: one {@link #step} registers the wallet, books
 * coins the owner handed in, keeps both channels of its owner ({@link BuyerChannels}: buyer -> hub,
 * which it pays on; {@link SellerChannels}: hub -> seller, on which it is paid), checks and pays
 * payment requests ({@link Payments}), and closes or refunds channels near or past expiry. Protocol
 * and endpoints: {@code settlement/M2M-PAYMENTS.md}.
 *
 * <p>Safety rules it keeps: a refund signature is stored before the funding goes out; a commitment
 * is stored before it is sent (payer) or acknowledged (payee); a statement is paid only when {@link
 * PaymentCheck} approves it against the readings this gateway signed and the owner's daily cap, and
 * only for exactly the amount the statement implies. Not thread-safe: one thread runs its rounds
 * ({@link #recordReading} may be called from another).
 */
public final class PaymentAgent {
  private static final Logger log = LoggerFactory.getLogger(PaymentAgent.class);

  private final PrivateKey key;
  private final byte[] script;
  private final PlatformClient platform;
  private final WalletState state;
  private final ReadingLedger ledger;
  private final WalletConfig config;
  private final Clock clock;
  private final Path walletDir;
  private final SellerChannels sellerChannels;
  private final BuyerChannels buyerChannels;
  private final Payments payments;
  private volatile HubInfo info;
  private volatile String lastError;

  /**
   * What {@link #status} shows, made by the agent's thread after each round (the state is not
   * shared).
   */
  private volatile Map<String, Object> statusSnapshot;

  PaymentAgent(
      PrivateKey channelKey,
      PlatformClient platform,
      WalletState state,
      ReadingLedger ledger,
      WalletConfig config,
      Clock clock,
      Path walletDir) {
    this.walletDir = walletDir;
    this.key = channelKey;
    this.script = Script.p2pkh(channelKey.publicKey().hash160()).bytes();
    this.platform = platform;
    this.state = state;
    this.ledger = ledger;
    this.config = config;
    this.clock = clock;
    this.sellerChannels = new SellerChannels(channelKey, script, platform, state);
    this.buyerChannels = new BuyerChannels(channelKey, script, platform, state, config, clock);
    this.payments = new Payments(channelKey, platform, state, ledger, config, clock);
    this.statusSnapshot = buildStatus();
  }

  /**
   * The wallet of the gateway with data dir {@code dataDir}: its state and reading ledger (brought
   * up to date from the meter channels' {@code journals}) in {@link WalletConfig#DIR}.
   *
   * @param channelKey the key it signs its channels with
   * @param platform the platform's device API, signed with the device key
   */
  public static PaymentAgent open(
      Path dataDir,
      PrivateKey channelKey,
      PlatformClient platform,
      Map<Integer, Journal> journals,
      WalletConfig config,
      Clock clock)
      throws IOException {
    Path walletDir = dataDir.resolve(WalletConfig.DIR);
    ReadingLedger ledger = ReadingLedger.open(dataDir, journals, config.readingRetentionDays());
    return new PaymentAgent(
        channelKey, platform, WalletState.load(walletDir), ledger, config, clock, walletDir);
  }

  /**
   * Hands {@code auditor} the gateway's own readings of every statement version the wallet checks
   * before paying or being paid for it, with the statement's slot start (the light client audits
   * them on chain). Called from the wallet's thread.
   */
  public void auditStatementReadingsWith(BiConsumer<Instant, List<ReadingRef>> auditor) {
    payments.auditStatementReadingsWith(auditor);
  }

  /**
   * Keeps the counters of a reading this gateway just signed and journaled, to check statements
   * against; safe to call from the reading thread while a round runs.
   */
  public void recordReading(int channel, SignedReading signed) throws IOException {
    ledger.record(channel, signed);
  }

  /**
   * One round of wallet work; platform trouble is logged and retried on the next round.
   *
   * @return whether work is under way: the round changed something at the platform, left a payment
   *     request waiting or failed, so the next round should follow soon rather than after the
   *     interval
   */
  public boolean step() {
    long writesBefore = platform.writes();
    HubInfo i;
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
    ok &=
        part(
            "payments",
            () -> {
              List<Map<String, Object>> requests = payments.paymentRequests();
              waiting[0] = !requests.isEmpty();
              // a channel is opened when a debit waits for one: no coins sit in a channel nothing
              // is paid over
              boolean needChannel =
                  requests.stream().anyMatch(r -> r.get("channelId") == Json.NULL);
              buyerChannels.ensureBuyerChannel(i, needChannel);
              payments.payRequests(i, requests);
            });
    // on its own: trouble with payments must never keep the gateway from taking back an expired
    // channel
    ok &= part("refunds", () -> buyerChannels.refundExpired(i));
    ok &=
        part(
            "pruning",
            () ->
                state.prune(
                    LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC)
                        .minusDays(config.readingRetentionDays())));
    if (ok) {
      lastError = null;
    }
    statusSnapshot = buildStatus();
    return !ok || waiting[0] || platform.writes() != writesBefore;
  }

  private interface Part {
    void run() throws IOException;
  }

  /**
   * Runs one part of a round; a failure is logged and retried next round, and the other parts still
   * run.
   */
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
    HubInfo i = info;
    m.put("address", i == null ? null : WalletInbox.address(key.publicKey(), i.network()));
    m.put("balanceSats", state.balanceSats());
    m.put("network", i == null ? null : i.network());
    m.put("spentTodaySats", state.spentOn(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC)));
    m.put("spendingCapSatsPerDay", config.spendingCapSatsPerDay());
    List<Object> channels = new ArrayList<>();
    for (WalletState.Payer p : state.payers.values()) {
      PayerChannel c = p.channel();
      channels.add(
          channelStatus(c.terms(), c.state(), "buyer_to_hub", "paidSats", c.payeeAmountSats()));
    }
    for (WalletState.Payee p : state.payees.values()) {
      PayeeChannel c = p.channel();
      channels.add(
          channelStatus(
              c.terms(), c.state(), "hub_to_seller", "receivedSats", c.payeeAmountSats()));
    }
    m.put("channels", channels);
    m.put(
        "paymentsSigned",
        state.payments.values().stream()
            .filter(p -> p.status() != WalletState.PaymentStatus.REFUSED)
            .count());
    m.put(
        "paymentsRefused",
        state.payments.values().stream()
            .filter(p -> p.status() == WalletState.PaymentStatus.REFUSED)
            .count());
    m.put("lastError", lastError);
    return m;
  }

  /**
   * One channel's entry in the status; {@code amountKey} names what the gateway paid or received.
   */
  private static Map<String, Object> channelStatus(
      ChannelTerms terms, ChannelState state, String direction, String amountKey, long amountSats) {
    return Map.of(
        "channelId",
        terms.channelId(),
        "direction",
        direction,
        "state",
        state.code(),
        amountKey,
        amountSats,
        "capacitySats",
        terms.capacitySats());
  }

  // ---- registration ----

  private HubInfo register() throws IOException {
    Map<String, Object> answer = platform.get("/gateway/wallet");
    Object wallet = answer.get("wallet");
    boolean registered =
        wallet instanceof Map<?, ?> w
            && key.publicKey().hex().equals(w.get("channelKey"))
            && StrictHex.encode(script).equals(w.get("payoutScript"));
    if (!registered) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("channelKey", key.publicKey().hex());
      body.put("payoutScript", StrictHex.encode(script));
      answer = platform.put("/gateway/wallet", body);
      log.info(
          "registered the gateway wallet with the platform: channel key {}", key.publicKey().hex());
    }
    HubInfo i = HubInfo.fromJson(answer);
    info = i;
    return i;
  }

  /**
   * Books the outputs of transactions the owner handed in ({@link WalletInbox}) as the wallet's
   * coins.
   */
  private void bookIncoming() throws IOException {
    for (Path file : WalletInbox.waiting(walletDir)) {
      Transaction tx =
          Transaction.parseHex(Files.readString(file, StandardCharsets.US_ASCII).strip());
      state.addOutputsTo(tx, script);
      state.save();
      Files.delete(file);
      log.info(
          "booked {} sat from {} into the wallet", WalletInbox.paidTo(tx, script), tx.txidHex());
    }
  }

  // ---- channels as the hub sees them ----

  @SuppressWarnings("unchecked")
  private void syncChannels(HubInfo i) throws IOException {
    for (Object o : Json.array(platform.get("/gateway/channels"), "channels")) {
      Map<String, Object> item = (Map<String, Object>) o;
      ChannelTerms terms = ChannelJson.readTerms(Json.object(item, "terms"));
      String hubState = Json.string(item, "state");
      if (terms.direction() == ChannelDirection.HUB_TO_SELLER) {
        sellerChannels.syncIncoming(i, item, terms, hubState);
      } else {
        buyerChannels.syncOutgoing(item, terms, hubState);
      }
    }
  }
}
