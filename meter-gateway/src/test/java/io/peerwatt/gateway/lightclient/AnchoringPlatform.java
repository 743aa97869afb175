package io.peerwatt.gateway.lightclient;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.anchor.AnchorItemKind;
import io.peerwatt.protocol.anchor.AnchorPayload;
import io.peerwatt.protocol.anchor.AnchorTree;
import io.peerwatt.protocol.anchor.ProofBundle;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.bsv.TxInput;
import io.peerwatt.protocol.bsv.TxOutput;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.reading.DeviceCertificate;
import io.peerwatt.protocol.reading.DeviceRequestSigning;
import io.peerwatt.protocol.reading.SignedDeviceCertificate;
import io.peerwatt.protocol.reading.SignedReading;
import io.peerwatt.protocol.spv.BitcoinMerkle;
import io.peerwatt.protocol.spv.BlockHeader;
import io.peerwatt.protocol.spv.Bump;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A platform as the light client sees it, over real HTTP: a mined header chain ({@code GET
 * /api/v1/chain/headers}), its key, and the proof bundles of the readings it anchored ({@code GET
 * /api/v1/gateway/proofs/readings/{channel}/{sequence}}, for the one device it knows). Each {@link
 * #anchor} builds the slot's anchor tree, transaction and block as the real platform does, so the
 * bundles verify; what it leaves out answers 404 NOT_ANCHORED, as a platform that dropped a reading
 * would. Alarm reports ({@code POST /api/v1/gateway/alarms}) are kept as they arrive; while {@link
 * #alarmReportsUnavailable} is set they are answered 503.
 */
final class AnchoringPlatform implements AutoCloseable {
  /** Easy proof of work, so mining a block takes a few hashes. */
  static final long BITS = 0x207fffffL;

  static final long CHECKPOINT_HEIGHT = 100;
  private static final Pattern PROOF =
      Pattern.compile("/api/v1/gateway/proofs/readings/(\\d+)/(\\d+)");

  private final PrivateKey platformKey =
      PrivateKey.fromBytes(Hashes.sha256("light client test platform".getBytes()));
  private final PrivateKey device;
  private final SignedDeviceCertificate certificate;
  private final Random random = new Random(20);
  private final List<BlockHeader> chain = new ArrayList<>();
  private final Map<String, String> bundles = new ConcurrentHashMap<>();
  private final HttpServer server;

  /** The alarms of each report the device sent, in order. */
  final List<List<Object>> alarmReports = new CopyOnWriteArrayList<>();

  /** Whether alarm reports are answered 503, as by a platform that is down. */
  volatile boolean alarmReportsUnavailable;

  /** Headers served instead of the chain, when a test makes the source lie. */
  private volatile List<BlockHeader> servedHeaders;

  AnchoringPlatform(PrivateKey device) throws IOException {
    this.device = device;
    this.certificate =
        SignedDeviceCertificate.sign(
            new DeviceCertificate(
                1,
                7,
                device.publicKey(),
                "DE000111",
                "acct-1",
                "DE-TEST-1",
                Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2028-01-01T00:00:00Z"),
                platformKey.publicKey()),
            platformKey);
    byte[] prev = new byte[32];
    random.nextBytes(prev);
    chain.add(mine(prev, Hashes.sha256("checkpoint".getBytes()), 1_795_000_000L));
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  String checkpointHash() {
    return chain.get(0).hashHex();
  }

  long tipHeight() {
    return CHECKPOINT_HEIGHT + chain.size() - 1;
  }

  /**
   * Anchors the quarter-hour at {@code slot} with {@code readings} but those whose sequence is in
   * {@code leftOut}, and mines the anchor in a block with one block on top.
   */
  synchronized void anchor(Instant slot, List<SignedReading> readings, Set<Long> leftOut) {
    List<SignedReading> anchored =
        readings.stream().filter(r -> !leftOut.contains(r.reading().sequence())).toList();
    List<byte[]> salts = new ArrayList<>();
    List<byte[]> leaves = new ArrayList<>();
    for (SignedReading r : anchored) {
      byte[] salt = new byte[32];
      random.nextBytes(salt);
      salts.add(salt);
      leaves.add(AnchorTree.leafHash(AnchorItemKind.READING, salt, r.reading().encode()));
    }
    AnchorTree tree = AnchorTree.build(leaves);
    AnchorPayload payload =
        new AnchorPayload(1, slot, Duration.ofMinutes(15), tree.size(), tree.root());
    byte[] funding = new byte[32];
    random.nextBytes(funding);
    Transaction tx =
        new Transaction(
            1,
            List.of(new TxInput(funding, 1, new byte[] {0x51}, TxInput.SEQUENCE_FINAL)),
            List.of(new TxOutput(0, payload.lockingScript())),
            0);
    byte[] coinbase = new byte[32];
    random.nextBytes(coinbase);
    List<byte[]> txids = List.of(coinbase, tx.txid());
    long height = tipHeight() + 1;
    Bump bump = Bump.fromBlock(height, txids, Set.of(1));
    BlockHeader block = mine(chain.get(chain.size() - 1).hash(), BitcoinMerkle.root(txids), 0);
    chain.add(block);
    BlockHeader child = mine(block.hash(), Hashes.sha256(block.hash()), 0);
    chain.add(child);
    for (int i = 0; i < anchored.size(); i++) {
      SignedReading r = anchored.get(i);
      ProofBundle bundle =
          ProofBundle.forReading(
              r, certificate, salts.get(i), tree.proof(i), tx, bump, List.of(block, child));
      bundles.put(r.reading().channel() + "/" + r.reading().sequence(), bundle.toJsonText());
    }
  }

  /** From now on the header source answers {@code headers} from the checkpoint on. */
  void serveHeaders(List<BlockHeader> headers) {
    servedHeaders = List.copyOf(headers);
  }

  synchronized List<BlockHeader> headers() {
    return List.copyOf(chain);
  }

  private BlockHeader mine(byte[] prev, byte[] merkleRoot, long time) {
    long t = time == 0 ? chain.get(chain.size() - 1).time() + 600 : time;
    for (long nonce = 0; ; nonce++) {
      BlockHeader h = new BlockHeader(0x20000000, prev, merkleRoot, t, BITS, nonce);
      if (h.hasValidProofOfWork()) {
        return h;
      }
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    Matcher proof = PROOF.matcher(path);
    if (path.equals("/api/v1/chain/headers")) {
      Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
      long from = Long.parseLong(query.getOrDefault("from", "0"));
      int count = Integer.parseInt(query.getOrDefault("count", "100"));
      List<BlockHeader> source = servedHeaders != null ? servedHeaders : headers();
      List<Object> out = new ArrayList<>();
      for (long h = Math.max(from, CHECKPOINT_HEIGHT);
          h < CHECKPOINT_HEIGHT + source.size() && out.size() < count;
          h++) {
        BlockHeader header = source.get((int) (h - CHECKPOINT_HEIGHT));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("height", h);
        m.put("hash", header.hashHex());
        m.put("header", HexFormat.of().formatHex(header.serialize()));
        out.add(m);
      }
      answer(exchange, 200, Json.write(Map.of("network", "regtest", "headers", out)));
    } else if (path.equals("/api/v1/chain/platform-key")) {
      answer(
          exchange,
          200,
          Json.write(Map.of("publicKey", platformKey.publicKey().hex(), "network", "regtest")));
    } else if (path.equals("/api/v1/gateway/alarms")
        && exchange.getRequestMethod().equals("POST")) {
      String key = exchange.getRequestHeaders().getFirst(DeviceRequestSigning.DEVICE_KEY_HEADER);
      byte[] body = exchange.getRequestBody().readAllBytes();
      if (!device.publicKey().hex().equals(key)) {
        answer(exchange, 401, "{\"error\":\"UNKNOWN_DEVICE\",\"message\":\"unknown device\"}");
      } else if (alarmReportsUnavailable) {
        answer(exchange, 503, "{\"error\":\"UNAVAILABLE\",\"message\":\"try later\"}");
      } else {
        List<Object> alarms =
            Json.array(Json.parseObject(new String(body, StandardCharsets.UTF_8)), "alarms");
        alarmReports.add(alarms);
        answer(exchange, 200, Json.write(Map.of("received", alarms.size())));
      }
    } else if (proof.matches()) {
      String key = exchange.getRequestHeaders().getFirst(DeviceRequestSigning.DEVICE_KEY_HEADER);
      if (!device.publicKey().hex().equals(key)) {
        answer(exchange, 401, "{\"error\":\"UNKNOWN_DEVICE\",\"message\":\"unknown device\"}");
        return;
      }
      String bundle = bundles.get(proof.group(1) + "/" + proof.group(2));
      if (bundle == null) {
        answer(exchange, 404, "{\"error\":\"NOT_ANCHORED\",\"message\":\"not anchored yet\"}");
      } else {
        answer(exchange, 200, bundle);
      }
    } else {
      answer(exchange, 404, "{\"error\":\"NOT_FOUND\",\"message\":\"no such path\"}");
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        out.put(pair.substring(0, eq), pair.substring(eq + 1));
      }
    }
    return out;
  }

  private static void answer(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
