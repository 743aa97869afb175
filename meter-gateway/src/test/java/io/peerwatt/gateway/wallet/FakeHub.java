package io.peerwatt.gateway.wallet;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.peerwatt.protocol.bsv.FeePolicy;
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
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.encoding.StrictHex;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.keys.PublicKey;
import io.peerwatt.protocol.keys.SignatureCheck;
import io.peerwatt.protocol.reading.DeviceRequestSigning;
import io.peerwatt.protocol.statement.Statement;
import io.peerwatt.protocol.statement.StatementJson;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The platform's machine-to-machine device API ({@code settlement/M2M-PAYMENTS.md}) over a real
 * socket, played honestly by the hub with the protocol's own classes: every request's device
 * signature is verified with {@link DeviceRequestSigning} (a reused nonce gets 409), the hub signs
 * buyer channel refunds with {@link PayeeChannel#signRefund}, stores commitments with {@link
 * PayeeChannel#receive}, pays on its hub -> seller channel with {@link PayerChannel#pay}, funds
 * with {@link P2pkhSpend} from coins minted on a {@link FakeChain}, and "broadcasts" into that
 * chain (interpreter, lock time, fee).
 *
 * <p>It also reads the gateway's {@code wallet/state.json} whenever the gateway sends something it
 * must have stored first (refund signature before the funding, a commitment before delivering it, a
 * received commitment before acknowledging it, a closing transaction before relaying it) and
 * records a violation when it is not there. A test injects failures per route with {@link
 * #failNext}.
 */
final class FakeHub implements AutoCloseable {
  static final String API = "/api/v1";

  /** What the hub does to one request instead of answering normally. */
  enum Fault {
    /** Answer 500 without doing anything. */
    FAIL_BEFORE,
    /** Close the connection without doing anything (the gateway sees no answer). */
    DROP_BEFORE,
    /** Do the work, then answer 500 (the answer is lost). */
    FAIL_AFTER,
    /** Do the work, then close the connection. */
    DROP_AFTER
  }

  /** A request's bytes and signature headers, for {@link #replayLast}. */
  private record Raw(String method, String target, Map<String, String> headers, byte[] body) {}

  /** An authenticated request as the hub received it. */
  record Received(
      String route, String method, String path, Map<String, Object> body, Fault fault) {}

  /** A buyer -> hub channel: the hub is its payee. */
  static final class BuyerChannel {
    PayeeChannel channel;
    final byte[] fundingTx;
    final byte[] refundSignature;
    boolean fundingBroadcast;
    Transaction closingTx;

    BuyerChannel(PayeeChannel channel, byte[] fundingTx, byte[] refundSignature) {
      this.channel = channel;
      this.fundingTx = fundingTx;
      this.refundSignature = refundSignature;
    }
  }

  /** A hub -> seller channel: the hub is its payer. */
  static final class SellerChannel {
    PayerChannel channel;
    final Transaction fundingTx;
    long ackedSequence;
    boolean closeRequested;
    Transaction closingTx;

    /**
     * When set, GET /gateway/channels shows this as {@code latest} instead of the newest
     * commitment.
     */
    CommitmentUpdate shownLatest;

    SellerChannel(PayerChannel channel, Transaction fundingTx) {
      this.channel = channel;
      this.fundingTx = fundingTx;
    }
  }

  /** A debit the gateway is asked to pay. */
  static final class Payment {
    final long id;
    final List<Statement> versions;
    final long amountSat;
    String channelId;
    long targetPayeeSats;
    boolean paid;
    Integer refusalCode;
    String refusalDetail;

    Payment(long id, List<Statement> versions, long amountSat) {
      this.id = id;
      this.versions = List.copyOf(versions);
      this.amountSat = amountSat;
    }

    Statement target() {
      return versions.get(versions.size() - 1);
    }
  }

  private static final Pattern CHANNEL_ACTION =
      Pattern.compile("/gateway/channels/([^/]+)/([a-z-]+)");
  private static final Pattern REFUSAL = Pattern.compile("/gateway/payments/(\\d+)/refusal");
  private static final Duration MAX_SKEW = Duration.ofMinutes(5);

  final PrivateKey hubKey = PrivateKey.generate(new SecureRandom());
  final byte[] hubScript = Script.p2pkh(hubKey.publicKey().hash160()).bytes();
  private final PrivateKey faucetKey = PrivateKey.generate(new SecureRandom());
  private final byte[] faucetScript = Script.p2pkh(faucetKey.publicKey().hash160()).bytes();
  final FeePolicy feePolicy = new FeePolicy(100, 1);
  final FakeChain chain = new FakeChain(feePolicy, 1_000);
  final long deviceId;
  final long accountId;
  final long channelLifetimeBlocks = 200;
  final long closeMarginBlocks = 6;
  volatile boolean faucet = true;

  private final PublicKey deviceKey;
  private final Clock clock;
  private final Path walletStateFile;
  private final HttpServer server;

  // all guarded by this
  private PublicKey channelKey;
  private byte[] payoutScript;
  private final Set<String> nonces = new HashSet<>();
  private final Map<String, BuyerChannel> buyers = new LinkedHashMap<>();
  private final Map<String, SellerChannel> sellers = new LinkedHashMap<>();
  private final Map<Long, Payment> payments = new LinkedHashMap<>();
  private final Map<Long, List<CommitmentUpdate>> commitmentsByPayment = new HashMap<>();
  private final Map<String, Deque<Fault>> faults = new HashMap<>();
  private final List<Received> received = new ArrayList<>();
  private final List<String> authFailures = new ArrayList<>();
  private final List<String> violations = new ArrayList<>();
  private final List<String> storedFirst = new ArrayList<>();
  private long nextPaymentId = 501;
  private Raw lastRaw;

  /**
   * @param deviceKey the enrolled gateway's device key (any other key gets 401)
   * @param walletDataDir the gateway's data dir, whose {@code wallet/state.json} the hub inspects
   */
  FakeHub(PublicKey deviceKey, long deviceId, long accountId, Clock clock, Path walletDataDir)
      throws IOException {
    this.deviceKey = deviceKey;
    this.deviceId = deviceId;
    this.accountId = accountId;
    this.clock = clock;
    this.walletStateFile = walletDataDir.resolve("wallet").resolve(WalletState.FILE);
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(API + "/gateway", this::handle);
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @Override
  public void close() {
    server.stop(0);
  }

  // ---- what tests do to the hub ----

  /**
   * The next request to {@code route} (e.g. "commitments", "acks", "transactions") meets {@code
   * fault}.
   */
  synchronized void failNext(String route, Fault fault) {
    faults.computeIfAbsent(route, r -> new ArrayDeque<>()).add(fault);
  }

  synchronized void setTipHeight(long height) {
    chain.setTipHeight(height);
  }

  synchronized PublicKey registeredChannelKey() {
    return channelKey;
  }

  synchronized byte[] registeredPayoutScript() {
    return payoutScript == null ? null : payoutScript.clone();
  }

  /**
   * The settlement pass proposes a hub -> seller channel to the registered wallet, funded by the
   * hub.
   */
  synchronized String proposeSellerChannel(long capacitySats) {
    if (channelKey == null) {
      throw new IllegalStateException("no wallet registered");
    }
    byte[] fundingScript = ChannelTerms.fundingScript(hubKey.publicKey(), channelKey);
    FakeChain.Outpoint coin = chain.mint(hubScript, capacitySats * 2);
    P2pkhSpend.Spend funding =
        P2pkhSpend.build(
            hubKey,
            List.of(
                new P2pkhSpend.Coin(
                    Transaction.txidFromHex(coin.txid()), coin.index(), capacitySats * 2, true)),
            List.of(new TxOutput(capacitySats, fundingScript)),
            feePolicy);
    String id = "hub-to-" + accountId + "-" + (sellers.size() + 1);
    ChannelTerms terms =
        new ChannelTerms(
            id,
            ChannelDirection.HUB_TO_SELLER,
            Long.toString(accountId),
            hubKey.publicKey(),
            channelKey,
            hubScript,
            payoutScript,
            capacitySats,
            ChannelTerms.commitmentFeeSats(feePolicy, hubScript, payoutScript),
            feePolicy.dustLimitSats(),
            chain.tipHeight() + channelLifetimeBlocks,
            funding.transaction().txid(),
            0);
    PayerChannel proposed = PayerChannel.propose(terms, terms.maxPayeeAmountSats());
    sellers.put(id, new SellerChannel(proposed, funding.transaction()));
    return id;
  }

  /** The hub pays the gateway {@code incrementSats} more on its hub -> seller channel. */
  synchronized CommitmentUpdate paySeller(String channelId, long incrementSats) {
    SellerChannel s = sellers.get(channelId);
    PayerChannel.Payment paid = s.channel.payIncrement(incrementSats, hubKey).orThrow();
    s.channel = paid.channel();
    return paid.update();
  }

  /** The hub asks the gateway to close its hub -> seller channel. */
  synchronized void requestClose(String channelId) {
    sellers.get(channelId).closeRequested = true;
  }

  /**
   * GET /gateway/channels shows {@code update} as the channel's newest commitment (null: the real
   * one).
   */
  synchronized void showLatest(String channelId, CommitmentUpdate update) {
    sellers.get(channelId).shownLatest = update;
  }

  /**
   * A debit for the newest of {@code versions} of an amount the hub computes honestly: the change
   * of the statement's satoshi total since the version before it.
   */
  synchronized Payment requestPayment(List<Statement> versions) {
    Statement target = versions.get(versions.size() - 1);
    long before = versions.size() > 1 ? versions.get(versions.size() - 2).totalSat() : 0;
    return requestPayment(versions, target.totalSat() - before);
  }

  /** A debit of {@code amountSat} (negative) for the newest of {@code versions}. */
  synchronized Payment requestPayment(List<Statement> versions, long amountSat) {
    Payment p = new Payment(nextPaymentId++, versions, amountSat);
    payments.put(p.id, p);
    assignChannel(p);
    return p;
  }

  /** The dispatcher: a payment is paid once the hub holds a commitment of its target. */
  synchronized void dispatch() {
    for (Payment p : payments.values()) {
      BuyerChannel b = p.channelId == null ? null : buyers.get(p.channelId);
      if (!p.paid
          && p.refusalCode == null
          && b != null
          && b.channel.payeeAmountSats() >= p.targetPayeeSats) {
        p.paid = true;
      }
    }
  }

  /**
   * The hub closes a buyer channel as its payee (co-signs the newest commitment and broadcasts it).
   */
  synchronized Transaction closeBuyerChannel(String channelId) {
    BuyerChannel b = buyers.get(channelId);
    Transaction closing = b.channel.closingTransaction(hubKey).orThrow();
    chain.broadcast(closing);
    b.closingTx = closing;
    b.channel = b.channel.withState(ChannelState.CLOSING);
    return closing;
  }

  synchronized Map<String, BuyerChannel> buyers() {
    return new LinkedHashMap<>(buyers);
  }

  synchronized BuyerChannel buyer(String id) {
    return buyers.get(id);
  }

  synchronized SellerChannel seller(String id) {
    return sellers.get(id);
  }

  synchronized Payment payment(long id) {
    return payments.get(id);
  }

  /** The commitments the gateway delivered for a payment, in arrival order (resends included). */
  synchronized List<CommitmentUpdate> commitmentsFor(long paymentId) {
    return new ArrayList<>(commitmentsByPayment.getOrDefault(paymentId, List.of()));
  }

  /**
   * Every commitment the gateway sent for a payment, in order, whether or not the hub got to
   * process it (a request met by an injected fault counts too).
   */
  synchronized List<CommitmentUpdate> sentCommitments(long paymentId) {
    return received("commitments").stream()
        .filter(r -> Long.valueOf(paymentId).equals(r.body().get("paymentId")))
        .map(r -> ChannelJson.readUpdate(r.body(), "paymentId"))
        .toList();
  }

  synchronized List<Received> received() {
    return new ArrayList<>(received);
  }

  /** The authenticated requests to {@code route}. */
  synchronized List<Received> received(String route) {
    return received.stream().filter(r -> r.route().equals(route)).toList();
  }

  /** Requests that failed authentication (bad signature, unknown key, stale time, reused nonce). */
  synchronized List<String> authFailures() {
    return new ArrayList<>(authFailures);
  }

  /**
   * What the gateway did against the protocol (sent before storing, asked for the wrong thing...).
   */
  synchronized List<String> violations() {
    return new ArrayList<>(violations);
  }

  /**
   * The "stored before sent" checks that passed, e.g. {@code "funding gw7-...: refund signature on
   * disk"}.
   */
  synchronized List<String> storedFirst() {
    return new ArrayList<>(storedFirst);
  }

  /**
   * Sends the last request the hub received again, byte for byte with the gateway's own signature
   * headers, as an eavesdropper would; returns the HTTP status (the nonce was used: 409).
   */
  int replayLast() throws IOException, InterruptedException {
    Raw raw;
    synchronized (this) {
      raw = lastRaw;
    }
    java.net.http.HttpRequest.Builder request =
        java.net.http.HttpRequest.newBuilder(uri().resolve(raw.target()))
            .method(raw.method(), java.net.http.HttpRequest.BodyPublishers.ofByteArray(raw.body()));
    raw.headers().forEach(request::header);
    return java.net.http.HttpClient.newHttpClient()
        .send(request.build(), java.net.http.HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  // ---- HTTP ----

  private static final class HubError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;
    final String code;

    HubError(int status, String code, String message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String method = exchange.getRequestMethod();
      String target =
          exchange.getRequestURI().getRawPath()
              + (exchange.getRequestURI().getRawQuery() == null
                  ? ""
                  : "?" + exchange.getRequestURI().getRawQuery());
      String path = target.substring(API.length());
      synchronized (this) {
        Map<String, String> signatureHeaders = new LinkedHashMap<>();
        for (String name :
            List.of(
                DeviceRequestSigning.DEVICE_KEY_HEADER,
                DeviceRequestSigning.NONCE_HEADER,
                DeviceRequestSigning.SENT_AT_HEADER,
                DeviceRequestSigning.SIGNATURE_HEADER)) {
          if (exchange.getRequestHeaders().getFirst(name) != null) {
            signatureHeaders.put(name, exchange.getRequestHeaders().getFirst(name));
          }
        }
        lastRaw = new Raw(method, target, signatureHeaders, body);
        try {
          authenticate(exchange, method, target, body);
        } catch (HubError e) {
          authFailures.add(method + " " + path + ": " + e.code + " " + e.getMessage());
          respond(exchange, e.status, error(e));
          return;
        }
        String route = route(method, path);
        Deque<Fault> queue = faults.get(route);
        Fault fault = queue == null ? null : queue.poll();
        Map<String, Object> json =
            body.length == 0
                ? Map.of()
                : Json.parseObject(new String(body, StandardCharsets.UTF_8));
        received.add(new Received(route, method, path, json, fault));
        if (fault == Fault.FAIL_BEFORE) {
          respond(exchange, 500, Map.of("error", "INTERNAL", "message", "injected failure"));
          return;
        }
        if (fault == Fault.DROP_BEFORE) {
          return; // closing the exchange without an answer closes the connection
        }
        int status;
        Map<String, Object> answer;
        try {
          status = "channels.open".equals(route) ? 201 : 200;
          answer = dispatch(route, method, path, json);
        } catch (HubError e) {
          status = e.status;
          answer = error(e);
        } catch (RuntimeException e) {
          violations.add(method + " " + path + ": the hub could not process it: " + e);
          status = 400;
          answer = Map.of("error", "MALFORMED_FIELD", "message", String.valueOf(e.getMessage()));
        }
        if (fault == Fault.FAIL_AFTER) {
          respond(
              exchange,
              500,
              Map.of("error", "INTERNAL", "message", "injected failure after the work"));
          return;
        }
        if (fault == Fault.DROP_AFTER) {
          return;
        }
        respond(exchange, status, answer);
      }
    }
  }

  private void authenticate(HttpExchange exchange, String method, String target, byte[] body) {
    var h = exchange.getRequestHeaders();
    String keyHex = h.getFirst(DeviceRequestSigning.DEVICE_KEY_HEADER);
    String nonceHex = h.getFirst(DeviceRequestSigning.NONCE_HEADER);
    String sentAtText = h.getFirst(DeviceRequestSigning.SENT_AT_HEADER);
    String signatureHex = h.getFirst(DeviceRequestSigning.SIGNATURE_HEADER);
    if (keyHex == null || nonceHex == null || sentAtText == null || signatureHex == null) {
      throw new HubError(401, "MISSING_DEVICE_SIGNATURE", "a signature header is missing");
    }
    PublicKey key = PublicKey.fromHex(keyHex);
    byte[] nonce = StrictHex.decode(nonceHex, 16, "nonce");
    Instant sentAt = Instant.parse(sentAtText);
    Instant now = clock.instant();
    if (sentAt.isAfter(now.plus(MAX_SKEW)) || sentAt.isBefore(now.minus(MAX_SKEW))) {
      throw new HubError(400, "STALE_REQUEST", "sent at " + sentAt + ", platform clock " + now);
    }
    byte[] digest = DeviceRequestSigning.digest(method, target, nonce, sentAt, body);
    if (key.check(digest, StrictHex.decode(signatureHex, "signature")) != SignatureCheck.VALID) {
      throw new HubError(401, "BAD_REQUEST_SIGNATURE", "the request signature does not verify");
    }
    if (!key.equals(deviceKey)) {
      throw new HubError(401, "UNKNOWN_DEVICE", "no device is enrolled with this key");
    }
    if (!nonces.add(nonceHex)) {
      throw new HubError(409, "REPLAYED_REQUEST", "this request nonce was used before");
    }
  }

  private static String route(String method, String path) {
    Matcher action = CHANNEL_ACTION.matcher(path);
    if (action.matches() && method.equals("POST")) {
      return action.group(2);
    }
    if (REFUSAL.matcher(path).matches()) {
      return "refusal";
    }
    return switch (method + " " + path) {
      case "GET /gateway/wallet" -> "wallet.get";
      case "PUT /gateway/wallet" -> "wallet.put";
      case "POST /gateway/faucet" -> "faucet";
      case "GET /gateway/channels" -> "channels.get";
      case "POST /gateway/channels" -> "channels.open";
      case "GET /gateway/payment-requests" -> "payment-requests";
      case "POST /gateway/transactions" -> "transactions";
      default -> "unknown";
    };
  }

  private Map<String, Object> dispatch(
      String route, String method, String path, Map<String, Object> body) {
    Matcher action = CHANNEL_ACTION.matcher(path);
    String id = action.matches() ? action.group(1) : null;
    return switch (route) {
      case "wallet.get" -> info();
      case "wallet.put" -> register(body);
      case "faucet" -> faucet(body);
      case "channels.get" -> channels();
      case "channels.open" -> openBuyerChannel(body);
      case "funding" -> broadcastFunding(id, body);
      case "refund-signature" -> answerProposal(id, body);
      case "commitments" -> deliver(id, body);
      case "acks" -> acknowledge(id, body);
      case "close" -> closeRequestedByGateway(id);
      case "payment-requests" -> paymentRequests();
      case "refusal" -> refuse(path, body);
      case "transactions" -> relay(body);
      default -> throw new HubError(404, "NOT_FOUND", method + " " + path);
    };
  }

  private static Map<String, Object> error(HubError e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("error", e.code);
    m.put("message", e.getMessage());
    m.put("field", Json.NULL);
    return m;
  }

  private static void respond(HttpExchange exchange, int status, Map<String, Object> body)
      throws IOException {
    byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  // ---- the endpoints ----

  private Map<String, Object> info() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("deviceId", deviceId);
    m.put("accountId", accountId);
    m.put("zone", "DE-TEST-1");
    m.put("paymentMode", channelKey == null ? "custodial" : "m2m");
    m.put("network", "regtest");
    m.put("hubKey", hubKey.publicKey().hex());
    m.put("hubScript", StrictHex.encode(hubScript));
    Map<String, Object> fee = new LinkedHashMap<>();
    fee.put("satoshisPerKb", feePolicy.satoshisPerKb());
    fee.put("dustLimitSats", feePolicy.dustLimitSats());
    m.put("feePolicy", fee);
    m.put("tipHeight", chain.tipHeight());
    m.put("tipTime", clock.instant().getEpochSecond());
    m.put("minChannelBlocks", 3L);
    m.put("channelLifetimeBlocks", channelLifetimeBlocks);
    m.put("closeMarginBlocks", closeMarginBlocks);
    m.put("faucet", faucet);
    if (channelKey == null) {
      m.put("wallet", Json.NULL);
    } else {
      Map<String, Object> w = new LinkedHashMap<>();
      w.put("channelKey", channelKey.hex());
      w.put("payoutScript", StrictHex.encode(payoutScript));
      w.put("deviceId", deviceId);
      m.put("wallet", w);
    }
    return m;
  }

  private Map<String, Object> register(Map<String, Object> body) {
    Json.requireOnly(body, "wallet", "channelKey", "payoutScript");
    PublicKey key = PublicKey.fromHex(Json.string(body, "channelKey"));
    byte[] script = StrictHex.decode(Json.string(body, "payoutScript"), "payoutScript");
    if (!key.isCompressed()) {
      throw new HubError(400, "INVALID_KEY", "channelKey must be compressed");
    }
    if (script.length != 25
        || !Arrays.equals(script, Script.p2pkh(Arrays.copyOfRange(script, 3, 23)).bytes())) {
      throw new HubError(400, "INVALID_SCRIPT", "payoutScript must be P2PKH");
    }
    channelKey = key;
    payoutScript = script;
    return info();
  }

  private Map<String, Object> faucet(Map<String, Object> body) {
    if (!faucet) {
      throw new HubError(409, "NOT_DEVNET", "the faucet exists only on devnet");
    }
    requireWallet();
    long satoshis = Json.integer(body, "satoshis");
    if (satoshis <= 0 || satoshis > 1_000_000_000L) {
      throw new HubError(400, "INVALID_AMOUNT", "satoshis must be 1..1000000000");
    }
    Transaction paid = pay(payoutScript, satoshis);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("txid", paid.txidHex());
    m.put("rawTx", paid.toHex());
    m.put("outputIndex", 0L);
    m.put("satoshis", satoshis);
    return m;
  }

  /**
   * A transaction on the chain paying {@code satoshis} to {@code script} (an owner's wallet funding
   * a gateway).
   */
  synchronized Transaction pay(byte[] script, long satoshis) {
    long coinSats = satoshis + 100_000;
    FakeChain.Outpoint coin = chain.mint(faucetScript, coinSats);
    P2pkhSpend.Spend pay =
        P2pkhSpend.build(
            faucetKey,
            List.of(
                new P2pkhSpend.Coin(
                    Transaction.txidFromHex(coin.txid()), coin.index(), coinSats, true)),
            List.of(new TxOutput(satoshis, script)),
            feePolicy);
    chain.broadcast(pay.transaction());
    return pay.transaction();
  }

  private Map<String, Object> channels() {
    requireWallet();
    List<Object> items = new ArrayList<>();
    for (SellerChannel s : sellers.values()) {
      PayerChannel c = s.channel;
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("channelId", c.channelId());
      item.put("direction", c.terms().direction().code());
      item.put("state", c.state().code());
      item.put("terms", ChannelJson.terms(c.terms()));
      item.put("sequence", c.sequence());
      item.put("payeeAmountSats", c.payeeAmountSats());
      item.put("ackedSequence", s.ackedSequence);
      item.put("closeRequested", s.closeRequested);
      if (c.state() == ChannelState.PROPOSED) {
        item.put("fundingTx", s.fundingTx.toHex());
      }
      CommitmentUpdate latest = s.shownLatest != null ? s.shownLatest : c.latestUpdate();
      if (latest != null) {
        item.put("latest", ChannelJson.update(latest));
      }
      items.add(item);
    }
    for (BuyerChannel b : buyers.values()) {
      PayeeChannel c = b.channel;
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("channelId", c.channelId());
      item.put("direction", c.terms().direction().code());
      item.put("state", c.state().code());
      item.put("terms", ChannelJson.terms(c.terms()));
      item.put("sequence", c.sequence());
      item.put("payeeAmountSats", c.payeeAmountSats());
      if ((c.state() == ChannelState.CLOSING || c.state() == ChannelState.CLOSED)
          && b.closingTx != null) {
        item.put("closingTx", b.closingTx.toHex());
      }
      items.add(item);
    }
    return Map.of("channels", items);
  }

  private Map<String, Object> openBuyerChannel(Map<String, Object> body) {
    Json.requireOnly(body, "channel", "terms", "fundingTx");
    requireWallet();
    ChannelTerms t = ChannelJson.readTerms(Json.object(body, "terms"));
    Transaction funding = Transaction.parseHex(Json.string(body, "fundingTx"));
    if (t.direction() != ChannelDirection.BUYER_TO_HUB
        || !t.prosumerAccount().equals(Long.toString(accountId))
        || !t.payerKey().equals(channelKey)
        || !t.payeeKey().equals(hubKey.publicKey())
        || !Arrays.equals(t.payeeScript(), hubScript)
        || !Arrays.equals(t.payerScript(), payoutScript)) {
      throw new HubError(400, "BAD_TERMS", "not this account's buyer channel to the hub: " + t);
    }
    if (t.feeSats() < ChannelTerms.commitmentFeeSats(feePolicy, t.payerScript(), t.payeeScript())
        || t.dustLimitSats() < feePolicy.dustLimitSats()
        || t.expiryLockTime() < chain.tipHeight() + 3) {
      throw new HubError(400, "BAD_TERMS", "fee, dust limit or expiry unacceptable: " + t);
    }
    BuyerChannel existing = buyers.get(t.channelId());
    if (existing != null) {
      if (!existing.channel.terms().equals(t)) {
        throw new HubError(400, "BAD_TERMS", "channel id " + t.channelId() + " already used");
      }
      // asked again (the answer was lost): the deterministic signature comes out the same
      return refundAnswer(
          t.channelId(),
          PayeeChannel.accept(t).signRefund(t.refundTransaction(), hubKey).orThrow().signature());
    }
    PayeeChannel proposed = PayeeChannel.accept(t);
    ChannelResult<Transaction> fundingCheck = proposed.checkFunding(funding);
    if (!fundingCheck.isOk()) {
      throw new HubError(400, fundingCheck.rejection().name(), fundingCheck.detail());
    }
    Optional<String> unminable = chain.check(funding);
    if (unminable.isPresent()) {
      throw new HubError(400, "FUNDING_INVALID", unminable.get());
    }
    PayeeChannel.RefundSignature signed =
        proposed.signRefund(t.refundTransaction(), hubKey).orThrow();
    buyers.put(
        t.channelId(), new BuyerChannel(signed.channel(), funding.serialize(), signed.signature()));
    for (Payment p : payments.values()) {
      assignChannel(p);
    }
    return refundAnswer(t.channelId(), signed.signature());
  }

  private static Map<String, Object> refundAnswer(String id, byte[] signature) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("channelId", id);
    m.put("refundSignature", StrictHex.encode(signature));
    return m;
  }

  private Map<String, Object> broadcastFunding(String id, Map<String, Object> body) {
    BuyerChannel b = buyerOf(id);
    Transaction funding = Transaction.parseHex(Json.string(body, "rawTx"));
    ChannelResult<Transaction> check = b.channel.checkFunding(funding);
    if (!check.isOk()) {
      throw new HubError(400, check.rejection().name(), check.detail());
    }
    // the refund signature must be on the gateway's disk before the funding may go out
    Map<String, Object> stored = storedPayer(id);
    if (stored == null
        || !StrictHex.encode(b.refundSignature).equals(stored.get("refundPayeeSignature"))
        || !"open".equals(stored.get("state"))) {
      violations.add(
          "funding of " + id + " sent before the hub's refund signature was stored: " + stored);
    } else {
      storedFirst.add("funding " + id + ": refund signature on disk");
    }
    broadcast(funding);
    b.fundingBroadcast = true;
    for (Payment p : payments.values()) {
      assignChannel(p);
    }
    return Map.of("txid", funding.txidHex(), "outcome", "ACCEPTED");
  }

  private Map<String, Object> answerProposal(String id, Map<String, Object> body) {
    SellerChannel s = sellerOf(id);
    byte[] signature = StrictHex.decode(Json.string(body, "refundSignature"), "refundSignature");
    Map<String, Object> stored = storedPayee(id);
    if (stored == null) {
      violations.add("refund signature of " + id + " sent before the channel was stored");
    } else {
      storedFirst.add("refund-signature " + id + ": channel on disk");
    }
    if (s.channel.state() == ChannelState.PROPOSED) {
      ChannelResult<PayerChannel> open = s.channel.acceptRefundSignature(signature);
      if (!open.isOk()) {
        throw new HubError(400, open.rejection().name(), open.detail());
      }
      broadcast(s.fundingTx);
      s.channel = open.value();
    } else if (s.channel.state() != ChannelState.OPEN
        || !Arrays.equals(s.channel.refundPayeeSignature(), signature)) {
      throw new HubError(409, "NOT_OPEN", "channel " + id + " is " + s.channel.state().code());
    }
    return Map.of(
        "channelId",
        id,
        "state",
        s.channel.state().code(),
        "fundingTxid",
        Transaction.txidToHex(s.channel.terms().fundingTxid()));
  }

  private Map<String, Object> deliver(String id, Map<String, Object> body) {
    BuyerChannel b = buyerOf(id);
    CommitmentUpdate update = ChannelJson.readUpdate(body, "paymentId");
    long paymentId = Json.integer(body, "paymentId");
    Payment p = payments.get(paymentId);
    if (p == null) {
      throw new HubError(404, "NOT_FOUND", "payment " + paymentId);
    }
    commitmentsByPayment.computeIfAbsent(paymentId, k -> new ArrayList<>()).add(update);
    Map<String, Object> stored = storedPayer(id);
    if (stored == null
        || Json.integer(stored, "sequence") < update.sequence()
        || (Json.integer(stored, "sequence") == update.sequence()
            && !StrictHex.encode(update.payerSignature()).equals(stored.get("payerSignature")))) {
      violations.add(
          "commitment #" + update.sequence() + " of " + id + " delivered before it was stored");
    } else {
      storedFirst.add("commitments " + id + " #" + update.sequence() + ": on disk");
    }
    if (!id.equals(p.channelId)) {
      throw new HubError(
          409, "WRONG_CHANNEL", "payment " + paymentId + " is to be paid on " + p.channelId);
    }
    if (update.payeeAmountSats() != p.targetPayeeSats) {
      throw new HubError(
          400,
          "WRONG_AMOUNT",
          "payment "
              + paymentId
              + " brings the channel to exactly "
              + p.targetPayeeSats
              + " sat, not "
              + update.payeeAmountSats());
    }
    if (!id.equals(update.channelId())) {
      throw new HubError(
          400, "WRONG_CHANNEL", "the commitment names channel " + update.channelId());
    }
    ChannelResult<PayeeChannel> accepted = b.channel.receive(update);
    if (!accepted.isOk()) {
      violations.add(
          "commitment refused by PayeeChannel.receive: "
              + accepted.rejection()
              + " "
              + accepted.detail());
      throw new HubError(400, accepted.rejection().name(), accepted.detail());
    }
    b.channel = accepted.value();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("channelId", id);
    m.put("paymentId", paymentId);
    m.put("acknowledgedSats", b.channel.payeeAmountSats());
    return m;
  }

  private Map<String, Object> acknowledge(String id, Map<String, Object> body) {
    SellerChannel s = sellerOf(id);
    long sequence = Json.integer(body, "sequence");
    if (sequence < 1 || sequence > s.channel.sequence()) {
      throw new HubError(
          400, "UNKNOWN_SEQUENCE", "the hub signed commitments 1.." + s.channel.sequence());
    }
    Map<String, Object> stored = storedPayee(id);
    if (stored == null || Json.integer(stored, "sequence") < sequence) {
      violations.add(
          "ack of #" + sequence + " on " + id + " before the commitment was stored: " + stored);
    } else {
      storedFirst.add("acks " + id + " #" + sequence + ": on disk");
    }
    if (sequence < s.ackedSequence) {
      violations.add(
          "ack of #" + sequence + " on " + id + " after #" + s.ackedSequence + " was acknowledged");
    }
    s.ackedSequence = Math.max(s.ackedSequence, sequence);
    return Map.of("channelId", id, "ackedSequence", s.ackedSequence);
  }

  private Map<String, Object> closeRequestedByGateway(String id) {
    BuyerChannel b = buyerOf(id);
    if (b.channel.state() != ChannelState.OPEN) {
      return Map.of("channelId", id, "state", b.channel.state().code());
    }
    if (b.channel.sequence() == 0) {
      throw new HubError(409, "NOTHING_TO_CLOSE", "no commitment yet");
    }
    Transaction closing = closeBuyerChannel(id);
    return Map.of("channelId", id, "state", "closing", "closingTxid", closing.txidHex());
  }

  /**
   * Whether the hub tells the gateway that a debit waits for a buyer channel while none is open
   * (how the platform asks a gateway to open one); on by default, so a wallet opens its channel in
   * its first round.
   */
  volatile boolean debitWaitsForChannel = true;

  private Map<String, Object> paymentRequests() {
    List<Object> items = new ArrayList<>();
    boolean channelOpen =
        buyers.values().stream()
            .anyMatch(b -> b.fundingBroadcast && b.channel.state() == ChannelState.OPEN);
    if (debitWaitsForChannel
        && !channelOpen
        && payments.values().stream().noneMatch(p -> p.channelId == null)) {
      Map<String, Object> waiting = new LinkedHashMap<>();
      waiting.put("paymentId", 0L);
      waiting.put("amountSat", -1L);
      waiting.put("channelId", Json.NULL);
      waiting.put("targetPayeeSats", Json.NULL);
      items.add(waiting);
    }
    for (Payment p : payments.values()) {
      if (p.paid || p.refusalCode != null) {
        continue;
      }
      assignChannel(p);
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("paymentId", p.id);
      if (p.channelId == null) {
        item.put("amountSat", p.amountSat);
        item.put("channelId", Json.NULL);
        item.put("targetPayeeSats", Json.NULL);
      } else {
        item.put("zone", p.target().zoneCode());
        item.put("slot", p.target().slot().toString());
        item.put("version", (long) p.target().version());
        item.put("amountSat", p.amountSat);
        item.put("channelId", p.channelId);
        item.put("targetPayeeSats", p.targetPayeeSats);
        List<Object> versions = new ArrayList<>();
        for (Statement s : p.versions) {
          versions.add(StatementJson.toMap(s));
        }
        item.put("versions", versions);
      }
      items.add(item);
    }
    return Map.of("requests", items);
  }

  private Map<String, Object> refuse(String path, Map<String, Object> body) {
    Matcher m = REFUSAL.matcher(path);
    if (!m.matches()) {
      throw new HubError(404, "NOT_FOUND", path);
    }
    Payment p = payments.get(Long.parseLong(m.group(1)));
    if (p == null || p.amountSat >= 0) {
      throw new HubError(404, "NOT_FOUND", "payment " + m.group(1));
    }
    if (p.refusalCode == null) {
      p.refusalCode = Math.toIntExact(Json.integer(body, "code"));
      p.refusalDetail = Json.string(body, "detail");
    }
    return Map.of("paymentId", p.id, "refusalCode", (long) p.refusalCode);
  }

  private Map<String, Object> relay(Map<String, Object> body) {
    requireWallet();
    Transaction tx = Transaction.parseHex(Json.string(body, "rawTx"));
    if (tx.inputs().size() != 1) {
      throw new HubError(
          400, "NOT_A_CHANNEL_TRANSACTION", "a channel close or refund has exactly one input");
    }
    TxInput in = tx.inputs().get(0);
    for (SellerChannel s : sellers.values()) {
      ChannelTerms t = s.channel.terms();
      if ((s.channel.state() == ChannelState.OPEN || s.channel.state() == ChannelState.CLOSING)
          && Arrays.equals(t.fundingTxid(), in.prevTxid())
          && t.fundingIndex() == in.prevIndex()) {
        Map<String, Object> stored = storedPayee(t.channelId());
        if (stored == null || !tx.toHex().equals(stored.get("closingTx"))) {
          violations.add(
              "close of " + t.channelId() + " relayed before the closing transaction was stored");
        } else {
          storedFirst.add("transactions close " + t.channelId() + ": on disk");
        }
        broadcast(tx);
        s.closingTx = tx;
        s.channel = s.channel.withState(ChannelState.CLOSED);
        return Map.of("channelId", t.channelId(), "txid", tx.txidHex(), "outcome", "ACCEPTED");
      }
    }
    for (BuyerChannel b : buyers.values()) {
      ChannelTerms t = b.channel.terms();
      if ((b.channel.state() == ChannelState.OPEN || b.channel.state() == ChannelState.CLOSING)
          && Arrays.equals(t.fundingTxid(), in.prevTxid())
          && t.fundingIndex() == in.prevIndex()) {
        if (!tx.equals(t.refundTransaction().withUnlockingScript(0, in.unlockingScript()))) {
          throw new HubError(
              400,
              "NOT_A_CHANNEL_TRANSACTION",
              "only the agreed refund of " + t.channelId() + " may be relayed");
        }
        broadcast(tx);
        b.closingTx = tx;
        b.channel = b.channel.withState(ChannelState.REFUNDED);
        return Map.of("channelId", t.channelId(), "txid", tx.txidHex(), "outcome", "ACCEPTED");
      }
    }
    throw new HubError(
        400,
        "NOT_A_CHANNEL_TRANSACTION",
        "the transaction spends no funding output of this" + " gateway's open channels");
  }

  // ---- helpers ----

  private void broadcast(Transaction tx) {
    Optional<String> refused = chain.check(tx);
    if (refused.isPresent()) {
      throw new HubError(
          409, "TRANSACTION_REJECTED", "the chain refused " + tx.txidHex() + ": " + refused.get());
    }
    chain.broadcast(tx);
  }

  /**
   * Gives a waiting debit the newest open buyer channel and its target: what it holds plus the
   * debits before.
   */
  private void assignChannel(Payment p) {
    if (p.channelId != null || p.paid || p.refusalCode != null) {
      return;
    }
    BuyerChannel open = null;
    for (BuyerChannel b : buyers.values()) {
      if (b.fundingBroadcast && b.channel.state() == ChannelState.OPEN) {
        open = b;
      }
    }
    if (open == null) {
      return;
    }
    long base = open.channel.payeeAmountSats();
    for (Payment other : payments.values()) {
      if (other != p
          && open.channel.channelId().equals(other.channelId)
          && other.refusalCode == null) {
        base = Math.max(base, other.targetPayeeSats);
      }
    }
    p.channelId = open.channel.channelId();
    p.targetPayeeSats = base - p.amountSat;
  }

  private void requireWallet() {
    if (channelKey == null) {
      throw new HubError(409, "NO_WALLET", "register the gateway's wallet first");
    }
  }

  private BuyerChannel buyerOf(String id) {
    BuyerChannel b = buyers.get(id);
    if (b == null) {
      throw new HubError(404, "NOT_FOUND", "buyer channel " + id);
    }
    return b;
  }

  private SellerChannel sellerOf(String id) {
    SellerChannel s = sellers.get(id);
    if (s == null) {
      throw new HubError(404, "NOT_FOUND", "hub -> seller channel " + id);
    }
    return s;
  }

  /** The gateway's stored view of its buyer channel {@code id} (from its state file), or null. */
  private Map<String, Object> storedPayer(String id) {
    return storedChannel("payers", id);
  }

  private Map<String, Object> storedPayee(String id) {
    return storedChannel("payees", id);
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> storedChannel(String list, String id) {
    try {
      if (!Files.exists(walletStateFile)) {
        return null;
      }
      Map<String, Object> state =
          Json.parseObject(Files.readString(walletStateFile, StandardCharsets.UTF_8));
      for (Object o : Json.array(state, list)) {
        Map<String, Object> c = (Map<String, Object>) o;
        if (id.equals(Json.string(Json.object(c, "terms"), "channelId"))) {
          return c;
        }
      }
      return null;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
