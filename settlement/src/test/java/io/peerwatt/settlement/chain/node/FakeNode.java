package io.peerwatt.settlement.chain.node;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.spv.Bump;
import io.peerwatt.settlement.chain.BroadcastResult;
import io.peerwatt.settlement.chain.ChainHeader;
import io.peerwatt.settlement.chain.TxStatus;
import io.peerwatt.settlement.devnet.DevnetBackend;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP server answering as a Bitcoin SV node's JSON-RPC does (HTTP 500 with an error object for
 * RPC errors, 401 without the right Basic credentials), backed by an in-memory devnet.
 */
final class FakeNode implements AutoCloseable {
  final DevnetBackend devnet;
  final HttpServer server;
  final AtomicInteger sendCalls = new AtomicInteger();

  /**
   * Sleeps this many ms before answering the next n sendrawtransaction calls (after processing
   * them).
   */
  volatile long slowMillis;

  final AtomicInteger slowCalls = new AtomicInteger();

  FakeNode(DevnetBackend devnet) throws IOException {
    this.devnet = devnet;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
  }

  URI url(String user, String pass) {
    return URI.create(
        "http://" + user + ":" + pass + "@127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  private void handle(HttpExchange ex) throws IOException {
    String expected =
        "Basic "
            + Base64.getEncoder().encodeToString("rpc:secret".getBytes(StandardCharsets.UTF_8));
    if (!expected.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
      ex.sendResponseHeaders(401, -1);
      ex.close();
      return;
    }
    Map<String, Object> req =
        Json.parseObject(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    String method = Json.string(req, "method");
    List<Object> params = Json.array(req, "params");
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("id", req.get("id"));
    int status = 200;
    try {
      answer.put("result", dispatch(method, params));
      answer.put("error", Json.NULL);
    } catch (Rpc e) {
      status = 500;
      answer.put("result", Json.NULL);
      answer.put("error", Map.of("code", e.code, "message", e.getMessage()));
    }
    if ("sendrawtransaction".equals(method) && slowCalls.getAndDecrement() > 0) {
      sleep(slowMillis);
    }
    byte[] body = Json.write(answer).getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    try {
      ex.sendResponseHeaders(status, body.length);
      ex.getResponseBody().write(body);
    } catch (IOException e) {
      // the client gave up waiting (timeout test)
    }
    ex.close();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static final class Rpc extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final long code;

    Rpc(long code, String message) {
      super(message);
      this.code = code;
    }
  }

  private Object dispatch(String method, List<Object> p) {
    switch (method) {
      case "sendrawtransaction":
        {
          sendCalls.incrementAndGet();
          byte[] raw;
          try {
            raw = HexFormat.of().parseHex((String) p.get(0));
            Transaction.parse(raw);
          } catch (RuntimeException e) {
            throw new Rpc(-22, "TX decode failed");
          }
          BroadcastResult r = devnet.broadcast(raw);
          if (r.outcome() == BroadcastResult.Outcome.ALREADY_KNOWN) {
            throw new Rpc(-26, "257: txn-already-known");
          }
          if (r.outcome() == BroadcastResult.Outcome.REJECTED) {
            throw switch (r.reason()) {
              case DOUBLE_SPEND -> new Rpc(-26, "258: txn-mempool-conflict");
              case MISSING_INPUTS -> new Rpc(-25, "Missing inputs");
              case INVALID_SCRIPT ->
                  new Rpc(
                      -26,
                      "16: mandatory-script-verify-flag-failed (Signature must be zero for failed CHECK(MULTI)SIG operation)");
              case FEE_TOO_LOW -> new Rpc(-26, "66: insufficient priority");
              case NON_FINAL -> new Rpc(-26, "64: non-final");
              default -> new Rpc(-26, "16: " + r.detail());
            };
          }
          return r.txid();
        }
      case "getrawtransaction":
        {
          String txid = (String) p.get(0);
          TxStatus s = devnet.status(txid);
          if (s.state() == TxStatus.State.UNKNOWN) {
            throw new Rpc(
                -5,
                "No such mempool or blockchain transaction. Use gettransaction for wallet transactions.");
          }
          Map<String, Object> tx = new LinkedHashMap<>();
          tx.put("txid", txid);
          tx.put("hex", HexFormat.of().formatHex(devnet.rawTransaction(txid).orElseThrow()));
          if (s.state() == TxStatus.State.MINED) {
            tx.put("blockhash", s.blockHash());
            tx.put("confirmations", devnet.tip().height() - s.blockHeight() + 1);
          }
          return tx;
        }
      case "getblockhash":
        {
          long h = (Long) p.get(0);
          return devnet
              .header(h)
              .map(ChainHeader::hashHex)
              .orElseThrow(() -> new Rpc(-8, "Block height out of range"));
        }
      case "getbestblockhash":
        return devnet.tip().hashHex();
      case "getblockheader":
        {
          ChainHeader header = byHash((String) p.get(0));
          if (Boolean.FALSE.equals(p.get(1))) {
            return HexFormat.of().formatHex(header.header());
          }
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("hash", header.hashHex());
          m.put("height", header.height());
          m.put("confirmations", devnet.tip().height() - header.height() + 1);
          m.put("merkleroot", Transaction.txidToHex(header.merkleRoot()));
          return m;
        }
      case "getmerkleproof2":
        {
          String txid = (String) p.get(1);
          TxStatus s = devnet.status(txid);
          if (s.state() != TxStatus.State.MINED || !s.blockHash().equals(p.get(0))) {
            throw new Rpc(-5, "Transaction not found in block");
          }
          return tsc(txid, s.bump());
        }
      case "getnetworkinfo":
        return Map.of("version", 101020200L, "relayfee", new java.math.BigDecimal("0.00000000"));
      case "getsettings":
        return Map.of(
            "minminingtxfee",
            new java.math.BigDecimal("0.00000050"),
            "maxtxsizepolicy",
            10_000_000L);
      case "generatetoaddress":
        {
          List<String> hashes = new ArrayList<>();
          for (ChainHeader h : devnet.mineBlocks(((Long) p.get(0)).intValue())) {
            hashes.add(h.hashHex());
          }
          return hashes;
        }
      default:
        throw new Rpc(-32601, "Method not found");
    }
  }

  private ChainHeader byHash(String hash) {
    for (ChainHeader h : devnet.headers(0, (int) devnet.tip().height() + 1)) {
      if (h.hashHex().equals(hash)) {
        return h;
      }
    }
    throw new Rpc(-5, "Block not found");
  }

  /** The TSC proof the node's getmerkleproof2 answers, from the devnet's BUMP. */
  static Map<String, Object> tsc(String txid, Bump bump) {
    long index =
        bump.levels().get(0).stream().filter(Bump.Leaf::txid).findFirst().orElseThrow().offset();
    List<Object> nodes = new ArrayList<>();
    for (int level = 0; level < bump.levels().size(); level++) {
      long sibling = (index >> level) ^ 1;
      Bump.Leaf leaf =
          bump.levels().get(level).stream()
              .filter(l -> l.offset() == sibling)
              .findFirst()
              .orElseThrow();
      nodes.add(leaf.isDuplicate() ? "*" : Transaction.txidToHex(leaf.hash()));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("index", index);
    m.put("txOrId", txid);
    m.put("target", "hash");
    m.put("nodes", nodes);
    return m;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
