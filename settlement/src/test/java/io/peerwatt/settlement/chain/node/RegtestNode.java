package io.peerwatt.settlement.chain.node;

import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.keys.Network;
import io.peerwatt.protocol.keys.PrivateKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Bitcoin SV node (the 1.2.2 bundle in {@code ../shared/bsv-node} beside the repository
 * root, system property {@code peerwatt.root}; {@code peerwatt.bsv-node} names another folder) in
 * regtest on loopback, started by the bundle's {@code regtest.sh} into a temporary folder and
 * stopped by {@link #close()}. Where the bundle is absent or cannot run (not x86_64 Linux), {@link
 * #start} skips the calling test class with one line saying why.
 *
 * <p>Typical use, one node per test class annotated
 * {@code @ExtendWith(RegtestNode.Available.class)} (so the class is reported skipped with the
 * reason where the node cannot run): {@code @BeforeAll static void start() { node =
 * RegtestNode.start("-minminingtxfee=0.00000500"); }} and {@code @AfterAll node.close()}. Blocks
 * mined with {@link #mine} pay {@link #MINER}, whose coinbases mature after 100 blocks ({@link
 * #matureCoinbase()} hands them out one by one).
 */
public final class RegtestNode implements AutoCloseable {
  /** The key the fixture mines to. */
  public static final PrivateKey MINER =
      PrivateKey.fromBytes(
          Hashes.sha256("peerwatt regtest miner".getBytes(StandardCharsets.UTF_8)));

  /** Blocks after which a coinbase may be spent (consensus). */
  public static final int COINBASE_MATURITY = 100;

  private final Path bundle;
  private final Path dir;
  private final String[] args;
  private volatile URI rpcUrl;
  private long pid;
  private ServerSocket relay;
  private int nextCoinbaseHeight = 1;

  private RegtestNode(Path bundle, Path dir, String[] args) {
    this.bundle = bundle;
    this.dir = dir;
    this.args = args.clone();
  }

  /**
   * Disables the annotated test class, with {@link #unavailableReason()}, where the node cannot
   * run.
   */
  public static final class Available implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      String reason = unavailableReason();
      return reason == null
          ? ConditionEvaluationResult.enabled("the Bitcoin SV node bundle can run here")
          : ConditionEvaluationResult.disabled("real-node tests skipped: " + reason);
    }
  }

  /** The folder the bundle is looked for in. */
  static Path bundleFolder() {
    String override = System.getProperty("peerwatt.bsv-node");
    return override != null
        ? Path.of(override)
        : Path.of(System.getProperty("peerwatt.root", "."), "..", "shared", "bsv-node")
            .toAbsolutePath()
            .normalize();
  }

  /**
   * The bundle's folder, or null where it has no regtest.sh (run with bash: a copied folder may
   * lack exec bits).
   */
  static Path bundle() {
    Path dir = bundleFolder();
    return Files.isRegularFile(dir.resolve("regtest.sh")) ? dir : null;
  }

  /** Why the node cannot run here, or null when it can. */
  public static String unavailableReason() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
      return "the Bitcoin SV node bundle runs on x86_64 Linux only, this is " + os + "/" + arch;
    }
    if (bundle() == null) {
      return "no Bitcoin SV node bundle (regtest.sh) in " + bundleFolder();
    }
    return null;
  }

  /**
   * Starts a node with the bundle's defaults overridden by {@code bitcoindArgs} (e.g. {@code
   * -minminingtxfee=0.00000500}); skips the calling test (JUnit assumption) where the bundle cannot
   * run.
   */
  public static RegtestNode start(String... bitcoindArgs) {
    String reason = unavailableReason();
    Assumptions.assumeTrue(reason == null, () -> "real-node tests skipped: " + reason);
    try {
      RegtestNode node =
          new RegtestNode(bundle(), Files.createTempDirectory("peerwatt-bsv-node"), bitcoindArgs);
      node.startProcess(bitcoindArgs);
      return node;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void startProcess(String... bitcoindArgs) {
    List<String> command =
        new ArrayList<>(
            List.of("bash", bundle.resolve("regtest.sh").toString(), "start", dir.toString()));
    command.addAll(Arrays.asList(bitcoindArgs));
    Map<String, String> printed = new LinkedHashMap<>();
    for (String line : script(command).split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        printed.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    rpcUrl = URI.create(printed.get("RPC_URL"));
    pid = Long.parseLong(printed.get("PID"));
  }

  private static String script(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@code http://u:p@127.0.0.1:PORT}; a new port after {@link #restart}. */
  public URI rpcUrl() {
    return rpcUrl;
  }

  /**
   * {@code http://u:p@127.0.0.1:PORT} of a loopback relay to the node's RPC port that stays the
   * same across {@link #restart}s, as a node's configured port does (while the node is down,
   * connections are accepted and closed at once).
   */
  public synchronized URI relayUrl() {
    if (relay == null) {
      try {
        relay = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Thread acceptor = new Thread(this::relayConnections, "regtest-rpc-relay");
      acceptor.setDaemon(true);
      acceptor.start();
    }
    return URI.create("http://" + rpcUrl.getUserInfo() + "@127.0.0.1:" + relay.getLocalPort());
  }

  private void relayConnections() {
    while (!relay.isClosed()) {
      Socket client;
      try {
        client = relay.accept();
      } catch (IOException e) {
        return; // closed
      }
      try {
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), rpcUrl.getPort());
        AtomicInteger open = new AtomicInteger(2);
        pump(client, upstream, open);
        pump(upstream, client, open);
      } catch (IOException e) {
        closeQuietly(client); // the node is down
      }
    }
  }

  /**
   * Copies {@code from} to {@code to} on a thread; at the end of {@code from} ends {@code to}'s
   * output (so the node's closing an idle connection reaches the client as it would directly); the
   * second of the two directions to end closes both sockets.
   */
  private static void pump(Socket from, Socket to, AtomicInteger open) {
    Thread t =
        new Thread(
            () -> {
              try {
                from.getInputStream().transferTo(to.getOutputStream());
                to.shutdownOutput();
              } catch (IOException e) {
                closeQuietly(from);
                closeQuietly(to);
              }
              if (open.decrementAndGet() == 0) {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "regtest-rpc-relay-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // closing a relayed socket; nothing to do
    }
  }

  /** The RPC port (changes on {@link #restart}). */
  public int rpcPort() {
    return rpcUrl.getPort();
  }

  /** The bitcoind process id. */
  public long pid() {
    return pid;
  }

  /** A node backend on this node ("regtest"), with a short timeout. */
  public NodeRpcBackend backend(long minFeeSatsPerKb) {
    return new NodeRpcBackend(rpcUrl, "regtest", Duration.ofSeconds(10), 3, minFeeSatsPerKb);
  }

  /**
   * Stops the node (its data stays) and starts it again on the same data with the start arguments
   * plus {@code extraArgs}.
   */
  public void restart(String... extraArgs) {
    stopProcess();
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.addAll(Arrays.asList(extraArgs));
    startProcess(all.toArray(String[]::new));
  }

  /** Stops the node; {@link #restart} starts it again. */
  public void stopProcess() {
    script(List.of("bash", bundle.resolve("regtest.sh").toString(), "stop", dir.toString()));
  }

  /**
   * One JSON-RPC call on a fresh connection; the result (Long, BigDecimal, String, Boolean, List,
   * Map, or null); an RPC error becomes {@link IllegalStateException} with the node's code and
   * message.
   */
  public Object rpc(String method, Object... params) {
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("jsonrpc", "1.0");
    request.put("id", 1);
    request.put("method", method);
    request.put("params", Arrays.asList(params));
    try {
      HttpURLConnection c =
          (HttpURLConnection)
              URI.create("http://127.0.0.1:" + rpcUrl.getPort() + "/").toURL().openConnection();
      c.setRequestMethod("POST");
      c.setDoOutput(true);
      c.setConnectTimeout(10_000);
      c.setReadTimeout(60_000);
      c.setRequestProperty("Connection", "close");
      c.setRequestProperty("Content-Type", "application/json");
      c.setRequestProperty(
          "Authorization",
          "Basic "
              + Base64.getEncoder()
                  .encodeToString(rpcUrl.getUserInfo().getBytes(StandardCharsets.UTF_8)));
      try (OutputStream out = c.getOutputStream()) {
        out.write(Json.write(request).getBytes(StandardCharsets.UTF_8));
      }
      int status = c.getResponseCode();
      String body;
      try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
        body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      Map<String, Object> answer = Json.parseObject(body);
      if (answer.get("error") instanceof Map<?, ?> error) {
        throw new IllegalStateException(
            method + ": " + error.get("code") + " " + error.get("message"));
      }
      Object result = answer.get("result");
      return result == Json.NULL ? null : result;
    } catch (IOException e) {
      throw new UncheckedIOException(method + " on the regtest node", e);
    }
  }

  /** Regtest address of {@link #MINER} (testnet prefix). */
  public static String minerAddress() {
    return MINER.publicKey().toAddress(Network.TESTNET).encode();
  }

  /** Mines {@code count} blocks to {@link #MINER}; returns their hashes. */
  public List<String> mine(int count) {
    return mineTo(count, minerAddress());
  }

  /**
   * After {@link #invalidateBlock}: mines {@code count} blocks of a new branch to another address.
   * Mined to the same address within the same second, regtest would make the very block just
   * invalidated (same parent, transactions, coinbase and time; nonces start at 0) and refuse it:
   * "ProcessNewBlock, block not accepted".
   */
  public List<String> mineOtherBranch(int count) {
    return mineTo(
        count,
        PrivateKey.fromBytes(
                Hashes.sha256(
                    ("other branch " + System.nanoTime()).getBytes(StandardCharsets.UTF_8)))
            .publicKey()
            .toAddress(Network.TESTNET)
            .encode());
  }

  /** Mines {@code count} blocks to {@code address}; returns their hashes. */
  public List<String> mineTo(int count, String address) {
    List<String> hashes = new ArrayList<>();
    for (Object h : (List<?>) rpc("generatetoaddress", count, address)) {
      hashes.add((String) h);
    }
    return hashes;
  }

  public long blockCount() {
    return (Long) rpc("getblockcount");
  }

  /** {@code getrawtransaction TXID 1}. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> transaction(String txid) {
    return (Map<String, Object>) rpc("getrawtransaction", txid, 1);
  }

  /** Confirmations of a transaction the node knows (0 in the mempool). */
  public long confirmations(String txid) {
    return transaction(txid).get("confirmations") instanceof Long n ? n : 0;
  }

  /** The node's mempool txids. */
  @SuppressWarnings("unchecked")
  public List<String> mempool() {
    return (List<String>) rpc("getrawmempool");
  }

  /** Hash of the block at {@code height} on the best chain. */
  public String blockHash(long height) {
    return (String) rpc("getblockhash", height);
  }

  /** The txids of a block. */
  @SuppressWarnings("unchecked")
  public List<String> blockTxids(String blockHash) {
    return (List<String>) ((Map<String, Object>) rpc("getblock", blockHash, 1)).get("tx");
  }

  public void invalidateBlock(String blockHash) {
    rpc("invalidateblock", blockHash);
  }

  /** Sets the node's clock (Unix seconds; 0 goes back to the real clock). */
  public void setMockTime(long unixSeconds) {
    rpc("setmocktime", unixSeconds);
  }

  /**
   * The coinbase transaction of the lowest block not handed out yet whose coinbase has matured,
   * mining the blocks that takes; it pays {@link #MINER} (unless the block was mined to another
   * address).
   */
  public Transaction matureCoinbase() {
    long height = nextCoinbaseHeight++;
    long needed = height + COINBASE_MATURITY - blockCount();
    if (needed > 0) {
      mine((int) needed);
    }
    String coinbase = blockTxids(blockHash(height)).get(0);
    return Transaction.parse(
        HexFormat.of().parseHex((String) rpc("getrawtransaction", coinbase, 0)));
  }

  /** Stops the node and deletes its folder. */
  @Override
  public void close() {
    if (relay != null) {
      closeQuietly(relay);
    }
    try {
      stopProcess();
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // a leftover temporary folder harms nothing
      }
    }
  }
}
