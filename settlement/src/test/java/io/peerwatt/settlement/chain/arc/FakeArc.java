package io.peerwatt.settlement.chain.arc;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.settlement.chain.BroadcastResult;
import io.peerwatt.settlement.chain.ChainHeader;
import io.peerwatt.settlement.chain.TxStatus;
import io.peerwatt.settlement.devnet.DevnetBackend;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP server answering as ARC v1 does ({@code /v1/tx}, {@code /v1/tx/{txid}}, {@code
 * /v1/policy}, RFC 7807 error bodies with ARC's 46x statuses, bearer key) and as the Block Headers
 * Service does ({@code /api/v1/chain/header/byHeight}, {@code /api/v1/chain/tip/longest}), backed
 * by a devnet.
 */
final class FakeArc implements AutoCloseable {
  static final String API_KEY = "mainnet_0123456789abcdef";
  final DevnetBackend devnet;
  final HttpServer server;
  final AtomicInteger posts = new AtomicInteger();

  /** Answers the next n POSTs with 503 (after processing them). */
  final AtomicInteger unavailable = new AtomicInteger();

  volatile long slowMillis;
  final AtomicInteger slowCalls = new AtomicInteger();

  FakeArc(DevnetBackend devnet) throws IOException {
    this.devnet = devnet;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private void handle(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    int status = 200;
    Object body;
    if (!("Bearer " + API_KEY).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
      status = 401;
      body = problem(401, "Security requirements failed", "", "");
    } else if (path.equals("/v1/tx") && ex.getRequestMethod().equals("POST")) {
      posts.incrementAndGet();
      Map<String, Object> req =
          Json.parseObject(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      byte[] raw = HexFormat.of().parseHex(Json.string(req, "rawTx"));
      BroadcastResult r = devnet.broadcast(raw);
      if (r.isAccepted()) {
        body =
            txBody(
                r.txid(),
                r.outcome() == BroadcastResult.Outcome.ALREADY_KNOWN
                    ? "Transaction already known"
                    : "");
      } else {
        status =
            switch (r.reason()) {
              case DOUBLE_SPEND -> 200;
              case INVALID_SCRIPT -> 461;
              case MISSING_INPUTS -> 460;
              case FEE_TOO_LOW -> 465;
              default -> 463;
            };
        if (status == 200) {
          Map<String, Object> m = txBody(r.txid(), "double spend attempted");
          m.put("txStatus", "DOUBLE_SPEND_ATTEMPTED");
          m.put("competingTxs", List.of("ab".repeat(32)));
          body = m;
        } else {
          body = problem(status, "rejected", r.detail(), r.txid());
        }
      }
      if (unavailable.getAndDecrement() > 0) {
        status = 503;
        body = problem(503, "Service Unavailable", "try again", "");
      }
      if (slowCalls.getAndDecrement() > 0) {
        sleep(slowMillis);
      }
    } else if (path.startsWith("/v1/tx/")) {
      String txid = path.substring("/v1/tx/".length());
      TxStatus s = devnet.status(txid);
      if (s.state() == TxStatus.State.UNKNOWN) {
        status = 404;
        body = problem(404, "Not found", "transaction not found", txid);
      } else {
        Map<String, Object> m = txBody(txid, "");
        if (s.state() == TxStatus.State.MINED) {
          m.put("txStatus", "MINED");
          m.put("blockHash", s.blockHash());
          m.put("blockHeight", s.blockHeight());
          m.put("merklePath", s.bump().toHex());
        }
        body = m;
      }
    } else if (path.equals("/v1/policy")) {
      body =
          Map.of(
              "timestamp",
              "2026-11-25T10:00:00Z",
              "policy",
              Map.of(
                  "maxscriptsizepolicy",
                  100_000_000L,
                  "maxtxsigopscountspolicy",
                  4_294_967_295L,
                  "maxtxsizepolicy",
                  100_000_000L,
                  "miningFee",
                  Map.of("satoshis", 1L, "bytes", 1000L)));
    } else if (path.equals("/api/v1/chain/header/byHeight")) {
      Map<String, String> q = query(ex.getRequestURI().getQuery());
      List<Object> out = new ArrayList<>();
      for (ChainHeader h :
          devnet.headers(Long.parseLong(q.get("height")), Integer.parseInt(q.get("count")))) {
        out.add(bhs(h));
      }
      body = out;
    } else if (path.equals("/api/v1/chain/tip/longest")) {
      ChainHeader tip = devnet.tip();
      body = Map.of("header", bhs(tip), "state", "LONGEST_CHAIN", "height", tip.height());
    } else {
      status = 404;
      body = problem(404, "Not found", path, "");
    }
    byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    try {
      ex.sendResponseHeaders(status, bytes.length);
      ex.getResponseBody().write(bytes);
    } catch (IOException e) {
      // the client gave up waiting
    }
    ex.close();
  }

  private static Map<String, String> query(String q) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String part : q.split("&")) {
      String[] kv = part.split("=", 2);
      m.put(kv[0], kv[1]);
    }
    return m;
  }

  private static Map<String, Object> bhs(ChainHeader h) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("hash", h.hashHex());
    m.put("version", (long) h.blockHeader().version());
    m.put("prevBlockHash", Transaction.txidToHex(h.prevHash()));
    m.put("merkleRoot", Transaction.txidToHex(h.merkleRoot()));
    m.put("creationTimestamp", h.time());
    m.put("difficultyTarget", h.bits());
    m.put("nonce", h.blockHeader().nonce());
    m.put("work", "1");
    return m;
  }

  private static Map<String, Object> txBody(String txid, String extraInfo) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("blockHash", "");
    m.put("blockHeight", 0L);
    m.put("extraInfo", extraInfo);
    m.put("status", 200L);
    m.put("timestamp", "2026-11-25T10:00:00Z");
    m.put("title", "OK");
    m.put("txStatus", "SEEN_ON_NETWORK");
    m.put("txid", txid);
    m.put("merklePath", "");
    return m;
  }

  private static Map<String, Object> problem(int status, String title, String detail, String txid) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "https://bitcoin-sv.github.io/arc/#/errors?id=_" + status);
    m.put("title", title);
    m.put("status", (long) status);
    m.put("detail", detail);
    m.put("instance", Json.NULL);
    m.put("txid", txid);
    m.put("extraInfo", detail);
    return m;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
