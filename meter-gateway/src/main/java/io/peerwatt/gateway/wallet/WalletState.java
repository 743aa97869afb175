package io.peerwatt.gateway.wallet;

import io.peerwatt.gateway.journal.DurableFiles;
import io.peerwatt.protocol.bsv.P2pkhSpend;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.channel.ChannelJson;
import io.peerwatt.protocol.channel.ChannelState;
import io.peerwatt.protocol.channel.PayeeChannel;
import io.peerwatt.protocol.channel.PayerChannel;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.encoding.StrictHex;
import io.peerwatt.protocol.statement.Statement;
import io.peerwatt.protocol.statement.StatementCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Everything the gateway's wallet must not forget, in one JSON file ({@code wallet/state.json})
 * replaced atomically and forced to disk by {@link #save()}: its coins, coins reserved for a
 * funding not yet broadcast, both sides of its channels (with the newest commitment), the newest
 * statement version it accounted per slot, and its answer to every payment request. The agent saves
 * before it sends a commitment or acknowledges one, so a crash at any point resends or re-signs
 * (signatures are deterministic) and never forgets or pays twice. Not thread-safe: one agent thread
 * owns it.
 */
final class WalletState {
  static final String FILE = "state.json";

  /** The gateway's side of a buyer -> hub channel, with its funding until the hub broadcast it. */
  record Payer(PayerChannel channel, byte[] fundingTx, boolean fundingBroadcast) {}

  /** The gateway's side of a hub -> seller channel, with its closing transaction once made. */
  record Payee(PayeeChannel channel, byte[] closingTx) {}

  /** Status of the gateway's answer to a payment request. */
  enum PaymentStatus {
    SIGNED,
    ACKNOWLEDGED,
    REFUSED
  }

  /**
   * The gateway's answer to one payment request.
   *
   * @param channelId the channel it paid on (empty when refused)
   * @param sequence the commitment that pays it (0 when refused)
   * @param amountSat what it paid (0 when refused)
   * @param day the UTC day it was signed, for the daily cap
   * @param refusalSent whether the platform has the refusal
   */
  record Payment(
      long paymentId,
      String channelId,
      long sequence,
      long amountSat,
      PaymentStatus status,
      int refusalCode,
      String refusalDetail,
      LocalDate day,
      boolean refusalSent) {}

  private final Path file;
  final List<P2pkhSpend.Coin> coins = new ArrayList<>();

  /** Coins reserved for a funding transaction (display txid) that is not broadcast yet. */
  final Map<String, List<P2pkhSpend.Coin>> reserved = new TreeMap<>();

  final Map<String, Payer> payers = new TreeMap<>();
  final Map<String, Payee> payees = new TreeMap<>();

  /** The newest accounted statement version per "zone slot". */
  final Map<String, Statement> statements = new TreeMap<>();

  final Map<Long, Payment> payments = new TreeMap<>();

  private WalletState(Path file) {
    this.file = file;
  }

  static WalletState load(Path walletDir) throws IOException {
    WalletState state = new WalletState(walletDir.resolve(FILE));
    if (Files.exists(state.file)) {
      state.read(Json.parseObject(Files.readString(state.file, StandardCharsets.UTF_8)));
    }
    return state;
  }

  static String slotKey(Statement s) {
    return s.zoneCode() + " " + s.slot();
  }

  long balanceSats() {
    return coins.stream().mapToLong(P2pkhSpend.Coin::satoshis).sum();
  }

  /** What the gateway signed to pay on {@code day}. */
  long spentOn(LocalDate day) {
    return payments.values().stream()
        .filter(p -> p.status() != PaymentStatus.REFUSED && day.equals(p.day()))
        .mapToLong(Payment::amountSat)
        .sum();
  }

  /** The open buyer -> hub channel whose funding is out, if any (the newest one). */
  Optional<Payer> openPayer() {
    return payers.values().stream()
        .filter(p -> p.channel().state() == ChannelState.OPEN && p.fundingBroadcast())
        .reduce((a, b) -> b);
  }

  /** Adds the outputs of {@code tx} that pay {@code script} as unconfirmed coins. */
  void addOutputsTo(Transaction tx, byte[] script) {
    for (int i = 0; i < tx.outputs().size(); i++) {
      if (tx.outputs().get(i).satoshis() > 0
          && java.util.Arrays.equals(tx.outputs().get(i).lockingScript(), script)) {
        P2pkhSpend.Coin coin =
            new P2pkhSpend.Coin(tx.txid(), i, tx.outputs().get(i).satoshis(), false);
        if (!coins.contains(coin) && !spentByWallet(coin)) {
          coins.add(coin);
        }
      }
    }
  }

  /**
   * Whether a funding this wallet made or holds ready spends {@code coin}: a transaction handed in
   * a second time must not bring back coins a channel already took (payer channels are never
   * forgotten).
   */
  private boolean spentByWallet(P2pkhSpend.Coin coin) {
    if (reserved.values().stream()
        .flatMap(List::stream)
        .anyMatch(
            r -> java.util.Arrays.equals(r.txid(), coin.txid()) && r.index() == coin.index())) {
      return true;
    }
    return payers.values().stream()
        .filter(p -> p.fundingTx() != null)
        .flatMap(p -> Transaction.parse(p.fundingTx()).inputs().stream())
        .anyMatch(
            in ->
                java.util.Arrays.equals(in.prevTxid(), coin.txid())
                    && in.prevIndex() == coin.index());
  }

  /**
   * Forgets statements and answers older than {@code keepFrom}. Channels are kept, closed ones too:
   * their fundings tell which coins the wallet spent ({@link #spentByWallet}).
   */
  void prune(LocalDate keepFrom) {
    payments
        .values()
        .removeIf(p -> p.day().isBefore(keepFrom) && p.status() != PaymentStatus.SIGNED);
    statements
        .values()
        .removeIf(
            s -> LocalDate.ofInstant(s.slot().end(), java.time.ZoneOffset.UTC).isBefore(keepFrom));
  }

  /** Writes the whole state; when this returns it is on disk. */
  void save() throws IOException {
    DurableFiles.replace(
        file, (Json.writePretty(toJson()) + "\n").getBytes(StandardCharsets.UTF_8));
  }

  private Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", 1L);
    m.put("coins", coinsJson(coins));
    Map<String, Object> res = new LinkedHashMap<>();
    reserved.forEach((txid, list) -> res.put(txid, coinsJson(list)));
    m.put("reserved", res);
    List<Object> payerList = new ArrayList<>();
    for (Payer p : payers.values()) {
      PayerChannel c = p.channel();
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("terms", ChannelJson.terms(c.terms()));
      j.put("state", c.state().code());
      j.put("spendingCapSats", c.spendingCapSats());
      j.put("refundPayeeSignature", hexOrNull(c.refundPayeeSignature()));
      j.put("sequence", c.sequence());
      j.put("payeeAmountSats", c.payeeAmountSats());
      j.put("payerSignature", hexOrNull(c.payerSignature()));
      j.put("fundingTx", hexOrNull(p.fundingTx()));
      j.put("fundingBroadcast", p.fundingBroadcast());
      payerList.add(j);
    }
    m.put("payers", payerList);
    List<Object> payeeList = new ArrayList<>();
    for (Payee p : payees.values()) {
      PayeeChannel c = p.channel();
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("terms", ChannelJson.terms(c.terms()));
      j.put("state", c.state().code());
      j.put("sequence", c.sequence());
      j.put("payeeAmountSats", c.payeeAmountSats());
      j.put("payerSignature", hexOrNull(c.payerSignature()));
      j.put("closingTx", hexOrNull(p.closingTx()));
      payeeList.add(j);
    }
    m.put("payees", payeeList);
    List<Object> statementList = new ArrayList<>();
    for (Statement s : statements.values()) {
      statementList.add(StrictHex.encode(StatementCodec.encode(s)));
    }
    m.put("statements", statementList);
    List<Object> paymentList = new ArrayList<>();
    for (Payment p : payments.values()) {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("paymentId", p.paymentId());
      j.put("channelId", p.channelId());
      j.put("sequence", p.sequence());
      j.put("amountSat", p.amountSat());
      j.put("status", p.status().name());
      j.put("refusalCode", (long) p.refusalCode());
      j.put("refusalDetail", p.refusalDetail());
      j.put("day", p.day().toString());
      j.put("refusalSent", p.refusalSent());
      paymentList.add(j);
    }
    m.put("payments", paymentList);
    return m;
  }

  @SuppressWarnings("unchecked")
  private void read(Map<String, Object> m) {
    readCoins(Json.array(m, "coins"), coins);
    Json.object(m, "reserved")
        .forEach(
            (txid, list) -> {
              List<P2pkhSpend.Coin> r = new ArrayList<>();
              readCoins((List<Object>) list, r);
              reserved.put(txid, r);
            });
    for (Object o : Json.array(m, "payers")) {
      Map<String, Object> j = (Map<String, Object>) o;
      PayerChannel c =
          new PayerChannel(
              ChannelJson.readTerms(Json.object(j, "terms")),
              ChannelState.fromCode(Json.string(j, "state")),
              Json.integer(j, "spendingCapSats"),
              bytesOrNull(j.get("refundPayeeSignature")),
              Json.integer(j, "sequence"),
              Json.integer(j, "payeeAmountSats"),
              bytesOrNull(j.get("payerSignature")));
      payers.put(
          c.channelId(),
          new Payer(
              c, bytesOrNull(j.get("fundingTx")), (Boolean) Json.member(j, "fundingBroadcast")));
    }
    for (Object o : Json.array(m, "payees")) {
      Map<String, Object> j = (Map<String, Object>) o;
      PayeeChannel c =
          new PayeeChannel(
              ChannelJson.readTerms(Json.object(j, "terms")),
              ChannelState.fromCode(Json.string(j, "state")),
              Json.integer(j, "sequence"),
              Json.integer(j, "payeeAmountSats"),
              bytesOrNull(j.get("payerSignature")));
      payees.put(c.channelId(), new Payee(c, bytesOrNull(j.get("closingTx"))));
    }
    for (Object o : Json.array(m, "statements")) {
      Statement s = StatementCodec.decode(StrictHex.decode((String) o, "statement"));
      statements.put(slotKey(s), s);
    }
    for (Object o : Json.array(m, "payments")) {
      Map<String, Object> j = (Map<String, Object>) o;
      Payment p =
          new Payment(
              Json.integer(j, "paymentId"),
              Json.string(j, "channelId"),
              Json.integer(j, "sequence"),
              Json.integer(j, "amountSat"),
              PaymentStatus.valueOf(Json.string(j, "status")),
              (int) Json.integer(j, "refusalCode"),
              Json.string(j, "refusalDetail"),
              LocalDate.parse(Json.string(j, "day")),
              (Boolean) Json.member(j, "refusalSent"));
      payments.put(p.paymentId(), p);
    }
  }

  private static List<Object> coinsJson(List<P2pkhSpend.Coin> list) {
    List<Object> out = new ArrayList<>();
    for (P2pkhSpend.Coin c : list) {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("txid", Transaction.txidToHex(c.txid()));
      j.put("index", c.index());
      j.put("satoshis", c.satoshis());
      j.put("confirmed", c.confirmed());
      out.add(j);
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static void readCoins(List<Object> list, List<P2pkhSpend.Coin> into) {
    for (Object o : list) {
      Map<String, Object> j = (Map<String, Object>) o;
      into.add(
          new P2pkhSpend.Coin(
              Transaction.txidFromHex(Json.string(j, "txid")),
              Json.integer(j, "index"),
              Json.integer(j, "satoshis"),
              (Boolean) Json.member(j, "confirmed")));
    }
  }

  private static Object hexOrNull(byte[] bytes) {
    return bytes == null ? Json.NULL : StrictHex.encode(bytes);
  }

  private static byte[] bytesOrNull(Object value) {
    return value == null || value == Json.NULL
        ? null
        : StrictHex.decode((String) value, "hex field");
  }
}
