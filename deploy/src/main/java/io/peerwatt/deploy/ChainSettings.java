package io.peerwatt.deploy;

import io.peerwatt.settlement.chain.ChainBackend;
import io.peerwatt.settlement.chain.arc.ArcBackend;
import io.peerwatt.settlement.chain.arc.BlockHeadersClient;
import io.peerwatt.settlement.chain.node.NodeRpcBackend;
import io.peerwatt.settlement.devnet.DevnetBackend;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jooq.DSLContext;

/**
 * Which chain backend the platform uses ({@code --chain devnet|node|arc} or {@code chain.backend})
 * and how to reach it. Secrets (node URL with credentials, API keys) may be given as {@code *-file}
 * keys.
 *
 * @param backend devnet, node or arc
 * @param network the network name shown for node and arc ("regtest", "testnet", "mainnet")
 * @param nodeUrl {@code http://user:pass@host:port} of a Bitcoin SV node (backend node)
 * @param arcUrl ARC base URL (backend arc)
 * @param arcApiKey ARC bearer key, or null
 * @param headersUrl Block Headers Service base URL (backend arc)
 * @param headersApiKey its bearer key, or null
 * @param timeout per request
 * @param attempts tries per request on timeouts and failed connections
 * @param minFeeSatsPerKb the fee rate floor for node and arc, whatever they say miners take
 */
public record ChainSettings(
    String backend,
    String network,
    String nodeUrl,
    String arcUrl,
    String arcApiKey,
    String headersUrl,
    String headersApiKey,
    Duration timeout,
    int attempts,
    long minFeeSatsPerKb) {

  public static final List<ConfigKey> KEYS =
      List.of(
          new ConfigKey(
              "chain.backend",
              "devnet",
              "chain backend: devnet (embedded), node (a BSV node's JSON-RPC) or arc (ARC + block headers service)"),
          new ConfigKey(
              "chain.network",
              null,
              "network name shown for node/arc: regtest, testnet or mainnet (default regtest for node, mainnet for arc)"),
          new ConfigKey(
              "chain.node-url",
              null,
              "BSV node JSON-RPC URL http://user:pass@host:port (prefer chain.node-url-file)"),
          new ConfigKey("chain.node-url-file", null, "file holding chain.node-url"),
          new ConfigKey("chain.arc-url", null, "ARC base URL, e.g. https://arc.taal.com"),
          new ConfigKey("chain.arc-api-key", null, "ARC API key (prefer chain.arc-api-key-file)"),
          new ConfigKey("chain.arc-api-key-file", null, "file holding the ARC API key"),
          new ConfigKey("chain.headers-url", null, "Block Headers Service base URL (backend arc)"),
          new ConfigKey(
              "chain.headers-api-key",
              null,
              "Block Headers Service token (prefer chain.headers-api-key-file)"),
          new ConfigKey(
              "chain.headers-api-key-file", null, "file holding the Block Headers Service token"),
          new ConfigKey(
              "chain.timeout-seconds",
              "30",
              "timeout of one request to node, ARC or headers service"),
          new ConfigKey(
              "chain.attempts",
              "3",
              "tries per request when it times out or its connection fails (every call is idempotent)"),
          new ConfigKey(
              "chain.min-fee-sat-per-kb",
              "1",
              "fee rate floor in satoshis per 1000 bytes: node and arc pay what miners take (getsettings.minminingtxfee, ARC's /v1/policy), never less than this"));

  /** The embedded devnet (the default). */
  public static ChainSettings devnet() {
    return new ChainSettings(
        "devnet",
        DevnetBackend.NETWORK,
        null,
        null,
        null,
        null,
        null,
        Duration.ofSeconds(30),
        3,
        0);
  }

  /** {@link PlatformSettings#KEYS} plus these. */
  public static List<ConfigKey> withPlatformKeys() {
    List<ConfigKey> all = new ArrayList<>(PlatformSettings.KEYS);
    all.addAll(KEYS);
    return all;
  }

  public static ChainSettings from(Config config) {
    String backend = config.require("chain.backend");
    if (!List.of("devnet", "node", "arc").contains(backend)) {
      throw new UserError("chain.backend / --chain must be devnet, node or arc, not " + backend);
    }
    String network = config.get("chain.network");
    if (network == null) {
      network =
          backend.equals("node")
              ? "regtest"
              : backend.equals("arc") ? "mainnet" : DevnetBackend.NETWORK;
    }
    ChainSettings s =
        new ChainSettings(
            backend,
            network,
            config.secret("chain.node-url"),
            config.get("chain.arc-url"),
            config.secret("chain.arc-api-key"),
            config.get("chain.headers-url"),
            config.secret("chain.headers-api-key"),
            Duration.ofSeconds(config.getInt("chain.timeout-seconds", 1, 600)),
            config.getInt("chain.attempts", 1, 10),
            config.getInt("chain.min-fee-sat-per-kb", 0, 1_000_000));
    if (backend.equals("node") && s.nodeUrl() == null) {
      throw new UserError(
          "--chain node needs --node-url (or chain.node-url / chain.node-url-file)");
    }
    if (backend.equals("arc") && (s.arcUrl() == null || s.headersUrl() == null)) {
      throw new UserError("--chain arc needs chain.arc-url and chain.headers-url");
    }
    return s;
  }

  /** Opens the backend; devnet lives in the platform's database. */
  public ChainBackend open(DSLContext db, Clock clock) {
    return switch (backend) {
      case "node" ->
          new NodeRpcBackend(URI.create(nodeUrl), network, timeout, attempts, minFeeSatsPerKb);
      case "arc" ->
          new ArcBackend(
              URI.create(arcUrl),
              arcApiKey,
              network,
              new BlockHeadersClient(URI.create(headersUrl), headersApiKey, timeout),
              timeout,
              attempts,
              minFeeSatsPerKb);
      default -> DevnetBackend.open(db, clock, DevnetBackend.DEFAULT_POLICY);
    };
  }

  @Override
  public String toString() {
    // never print credentials
    return "ChainSettings[" + backend + " " + network + "]";
  }
}
