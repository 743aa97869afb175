package io.peerwatt.settlement.chain.node;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.bsv.FeePolicy;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.spv.BlockHeader;
import io.peerwatt.protocol.spv.Bump;
import io.peerwatt.settlement.chain.BroadcastResult;
import io.peerwatt.settlement.chain.ChainBackend;
import io.peerwatt.settlement.chain.ChainHeader;
import io.peerwatt.settlement.chain.ChainUnavailableException;
import io.peerwatt.settlement.chain.RejectReason;
import io.peerwatt.settlement.chain.RemoteChainSettings;
import io.peerwatt.settlement.chain.TxStatus;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ChainBackend} over a Bitcoin SV node's JSON-RPC ({@code http://user:pass@host:port}):
 * {@code sendrawtransaction}, {@code getrawtransaction} (verbose), {@code getblockheader}, {@code
 * getblockhash}, {@code getbestblockhash}, {@code getmerkleproof2} (TSC proof, turned into a BRC-74
 * BUMP and checked against the header's Merkle root), {@code getsettings} (the fee miners take)
 * and, on regtest, {@code generatetoaddress}.
 *
 * <p>Every call is idempotent (broadcasting the same transaction again is answered "already
 * known"), so a call is sent again when it timed out or its connection failed: the node closes idle
 * RPC connections ({@code -rpcservertimeout}, 30 s by default), and a request sent on a pooled
 * connection the node has just closed fails with "header parser received no bytes" or a reset
 * without reaching the node.
 */
public final class NodeRpcBackend implements ChainBackend {
  private static final Logger LOG = LoggerFactory.getLogger(NodeRpcBackend.class);

  /** RPC error codes of bitcoind/SV node. */
  private static final long RPC_INVALID_ADDRESS_OR_KEY = -5;

  private static final long RPC_INVALID_PARAMETER = -8;
  private static final long RPC_DESERIALIZATION_ERROR = -22;
  private static final long RPC_VERIFY_ERROR = -25;
  private static final long RPC_VERIFY_ALREADY_IN_CHAIN = -27;
  private static final long SATS_PER_BSV = 100_000_000L;

  /** The SV node relays outputs down to 1 sat. */
  private static final long DUST_LIMIT_SATS = 1;

  private final URI endpoint;
  private final String authorization;
  private final RemoteChainSettings settings;
  private final HttpClient http;
  private final AtomicLong ids = new AtomicLong();

  /** An RPC answered with an error object. */
  static final class RpcError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final long code;

    RpcError(long code, String message) {
      super(message);
      this.code = code;
    }
  }

  /**
   * @param nodeUrl {@code http://user:pass@host:port}
   * @param network shown to users ("regtest", "testnet", "mainnet")
   * @param timeout per request
   * @param attempts tries per call when the node times out or the connection fails (at least 1)
   * @param minFeeSatsPerKb the fee rate never to go below, whatever the node says miners take
   */
  public NodeRpcBackend(
      URI nodeUrl, String network, Duration timeout, int attempts, long minFeeSatsPerKb) {
    this.settings = new RemoteChainSettings(network, timeout, attempts, minFeeSatsPerKb);
    String userInfo = nodeUrl.getRawUserInfo();
    this.authorization =
        userInfo == null
            ? null
            : "Basic "
                + Base64.getEncoder()
                    .encodeToString(
                        java.net.URLDecoder.decode(userInfo, StandardCharsets.UTF_8)
                            .getBytes(StandardCharsets.UTF_8));
    this.endpoint =
        URI.create(
            nodeUrl.getScheme()
                + "://"
                + nodeUrl.getHost()
                + (nodeUrl.getPort() < 0 ? "" : ":" + nodeUrl.getPort())
                + (nodeUrl.getRawPath() == null || nodeUrl.getRawPath().isEmpty()
                    ? "/"
                    : nodeUrl.getRawPath()));
    this.http = settings.newClient();
  }

  @Override
  public String network() {
    return settings.network();
  }

  /**
   * Calls one RPC method; RPC errors become {@link RpcError}, transport failures ChainUnavailable.
   */
  Object call(String method, Object... params) {
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("jsonrpc", "1.0");
    request.put("id", ids.incrementAndGet());
    request.put("method", method);
    request.put("params", Arrays.asList(params));
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(endpoint)
            .timeout(settings.timeout())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(Json.write(request)));
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    HttpRequest httpRequest = builder.build();
    for (int attempt = 1; ; attempt++) {
      HttpResponse<String> response;
      try {
        response = http.send(httpRequest, HttpResponse.BodyHandlers.ofString());
      } catch (HttpTimeoutException e) {
        if (attempt < settings.attempts()) {
          LOG.warn(
              "node {} timed out (attempt {} of {}), retrying",
              method,
              attempt,
              settings.attempts());
          continue;
        }
        throw new ChainUnavailableException(
            "node " + method + " timed out " + settings.attempts() + " times", e);
      } catch (IOException e) {
        if (attempt < settings.attempts()) {
          LOG.info(
              "node {} failed on its connection ({}; attempt {} of {}), sending it again",
              method,
              e.getMessage(),
              attempt,
              settings.attempts());
          continue;
        }
        throw new ChainUnavailableException("node unreachable: " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ChainUnavailableException("interrupted calling node " + method, e);
      }
      if (response.statusCode() == 401 || response.statusCode() == 403) {
        throw new ChainUnavailableException(
            "node refused the RPC credentials (HTTP " + response.statusCode() + ")");
      }
      Map<String, Object> body;
      try {
        body = Json.parseObject(response.body());
      } catch (FormatException e) {
        throw new ChainUnavailableException(
            "node answered HTTP " + response.statusCode() + " without JSON-RPC", e);
      }
      Object error = body.get("error");
      if (error instanceof Map<?, ?> err) {
        Object code = err.get("code");
        throw new RpcError(code instanceof Long l ? l : 0, String.valueOf(err.get("message")));
      }
      if (response.statusCode() != 200) {
        throw new ChainUnavailableException("node answered HTTP " + response.statusCode());
      }
      Object result = body.get("result");
      return result == Json.NULL ? null : result;
    }
  }

  @Override
  public BroadcastResult broadcast(byte[] rawTx) {
    return BroadcastResult.ifParsed(rawTx, this::broadcastParsed);
  }

  private BroadcastResult broadcastParsed(String txid, byte[] rawTx) {
    try {
      Object answer = call("sendrawtransaction", HexFormat.of().formatHex(rawTx));
      if (!txid.equals(answer)) {
        throw new ChainUnavailableException("node answered txid " + answer + " for " + txid);
      }
      return BroadcastResult.accepted(txid);
    } catch (RpcError e) {
      return classify(txid, e.code, e.getMessage());
    }
  }

  /**
   * Maps the node's reject messages ("258: txn-mempool-conflict", "Missing inputs", ...) to
   * reasons.
   */
  static BroadcastResult classify(String txid, long code, String message) {
    String m = message.toLowerCase(java.util.Locale.ROOT);
    if (code == RPC_VERIFY_ALREADY_IN_CHAIN
        || m.contains("txn-already-known")
        || m.contains("already in the mempool")
        || m.contains("already in block chain")
        || m.contains("txn-already-in-mempool")) {
      return BroadcastResult.alreadyKnown(txid);
    }
    RejectReason reason;
    if (code == RPC_DESERIALIZATION_ERROR || m.contains("decode failed")) {
      reason = RejectReason.MALFORMED;
    } else if (m.contains("mempool-conflict")
        || m.contains("double-spend")
        || m.contains("txn-double-spend")) {
      reason = RejectReason.DOUBLE_SPEND;
    } else if (m.contains("missing inputs")
        || m.contains("missingorspent")
        || code == RPC_VERIFY_ERROR) {
      reason = RejectReason.MISSING_INPUTS;
    } else if (m.contains("script-verify-flag") || m.contains("script")) {
      reason = RejectReason.INVALID_SCRIPT;
    } else if (m.contains("nonfinal") || m.contains("non-final")) {
      reason = RejectReason.NON_FINAL;
    } else if (m.contains("dust")) {
      reason = RejectReason.DUST;
    } else if (m.contains("insufficient priority")
        || m.contains("min fee not met")
        || m.contains("fee")) {
      reason = RejectReason.FEE_TOO_LOW;
    } else if (m.contains("premature-spend-of-coinbase")) {
      reason = RejectReason.IMMATURE_COINBASE;
    } else if (m.contains("vout-negative") || m.contains("toolarge") || m.contains("in-belowout")) {
      reason = RejectReason.VALUE_OUT_OF_RANGE;
    } else {
      reason = RejectReason.OTHER;
    }
    return BroadcastResult.rejected(txid, reason, code + ": " + message);
  }

  @Override
  public TxStatus status(String txid) {
    Map<String, Object> tx;
    try {
      tx = object(call("getrawtransaction", txid, 1));
    } catch (RpcError e) {
      if (e.code == RPC_INVALID_ADDRESS_OR_KEY) {
        return TxStatus.unknown(txid);
      }
      throw new ChainUnavailableException("getrawtransaction: " + e.getMessage(), e);
    }
    Object blockHash = tx.get("blockhash");
    if (!(blockHash instanceof String hash)) {
      return TxStatus.mempool(txid);
    }
    Map<String, Object> header = object(rpc("getblockheader", hash, true));
    if (Json.integer(header, "confirmations") < 1) {
      // with -txindex the node still finds a transaction in a block a reorg took off the best chain
      // (confirmations -1); it is mined only if the best chain holds it again
      return inMempool(txid) ? TxStatus.mempool(txid) : TxStatus.unknown(txid);
    }
    long height = Json.integer(header, "height");
    BlockHeader blockHeader = BlockHeader.parseHex((String) rpc("getblockheader", hash, false));
    byte[] txidBytes = Transaction.txidFromHex(txid);
    // a block holding one transaction (its coinbase) has that txid as Merkle root; the node answers
    // getmerkleproof2 for it with "-5 Transaction(s) not found", so its one-leaf BUMP is made here
    Bump bump =
        Arrays.equals(blockHeader.merkleRoot(), txidBytes)
            ? new Bump(height, List.of(List.of(Bump.Leaf.txid(0, txidBytes))))
            : bumpFromTsc(height, txid, object(rpc("getmerkleproof2", hash, txid)));
    if (!Arrays.equals(bump.computeRoot(txidBytes), blockHeader.merkleRoot())) {
      throw new ChainUnavailableException(
          "the node's Merkle proof for " + txid + " does not reach block " + hash);
    }
    return TxStatus.mined(txid, hash, height, bump);
  }

  private boolean inMempool(String txid) {
    try {
      call("getmempoolentry", txid);
      return true;
    } catch (RpcError e) {
      if (e.code == RPC_INVALID_ADDRESS_OR_KEY) {
        return false;
      }
      throw new ChainUnavailableException("getmempoolentry: " + e.getMessage(), e);
    }
  }

  /**
   * Turns a TSC Merkle proof ({@code {"index": n, "txOrId": txid, "target": blockhash, "nodes":
   * [hex|"*"]}}, nodes from the leaf level up, "*" = duplicate of the running hash) into a BRC-74
   * BUMP.
   */
  static Bump bumpFromTsc(long height, String txid, Map<String, Object> proof) {
    long index = Json.integer(proof, "index", 0, Long.MAX_VALUE);
    List<Object> nodes = Json.array(proof, "nodes");
    List<List<Bump.Leaf>> levels = new ArrayList<>();
    if (nodes.isEmpty()) {
      levels.add(List.of(Bump.Leaf.txid(index, Transaction.txidFromHex(txid))));
      return new Bump(height, levels);
    }
    for (int level = 0; level < nodes.size(); level++) {
      Object node = nodes.get(level);
      long siblingOffset = (index >> level) ^ 1;
      Bump.Leaf sibling =
          "*".equals(node)
              ? Bump.Leaf.duplicate(siblingOffset)
              : Bump.Leaf.hash(siblingOffset, Transaction.txidFromHex(String.valueOf(node)));
      levels.add(
          level == 0
              ? List.of(Bump.Leaf.txid(index, Transaction.txidFromHex(txid)), sibling)
              : List.of(sibling));
    }
    return new Bump(height, levels);
  }

  @Override
  public Optional<ChainHeader> header(long height) {
    String hash;
    try {
      hash = (String) call("getblockhash", height);
    } catch (RpcError e) {
      if (e.code == RPC_INVALID_PARAMETER) {
        return Optional.empty();
      }
      throw new ChainUnavailableException("getblockhash: " + e.getMessage(), e);
    }
    return Optional.of(
        new ChainHeader(
            height, HexFormat.of().parseHex((String) rpc("getblockheader", hash, false))));
  }

  @Override
  public List<ChainHeader> headers(long fromHeight, int count) {
    List<ChainHeader> out = new ArrayList<>();
    for (long h = Math.max(0, fromHeight); out.size() < count; h++) {
      Optional<ChainHeader> header = header(h);
      if (header.isEmpty()) {
        break;
      }
      out.add(header.get());
    }
    return out;
  }

  @Override
  public ChainHeader tip() {
    String hash = (String) rpc("getbestblockhash");
    long height = Json.integer(object(rpc("getblockheader", hash, true)), "height");
    return new ChainHeader(
        height, HexFormat.of().parseHex((String) rpc("getblockheader", hash, false)));
  }

  /**
   * The fee miners take: {@code getsettings.minminingtxfee} (BSV per 1000 bytes; the node accepts
   * transactions paying less into its mempool and never mines them), rounded up to whole satoshis
   * and raised to the configured floor. Never {@code getnetworkinfo.relayfee}, which is 0 on 1.2.2.
   */
  @Override
  public FeePolicy feePolicy() {
    Object miningFee = object(rpc("getsettings")).get("minminingtxfee");
    BigDecimal bsvPerKb =
        miningFee instanceof BigDecimal d
            ? d
            : miningFee instanceof Long l ? BigDecimal.valueOf(l) : null;
    if (bsvPerKb == null || bsvPerKb.signum() < 0) {
      throw new ChainUnavailableException("getsettings carries no minminingtxfee: " + miningFee);
    }
    long satsPerKb =
        bsvPerKb
            .multiply(BigDecimal.valueOf(SATS_PER_BSV))
            .setScale(0, RoundingMode.CEILING)
            .longValueExact();
    return new FeePolicy(Math.max(satsPerKb, settings.minFeeSatsPerKb()), DUST_LIMIT_SATS);
  }

  /**
   * The node's chain as {@code getblockchaininfo} names it ("main", "test", "regtest", "stn"): only
   * regtest mines on demand ({@link #generateToAddress}).
   */
  public String chainName() {
    return String.valueOf(object(rpc("getblockchaininfo")).get("chain"));
  }

  /** The txids of a block, its coinbase first ({@code getblock HASH 1}). */
  public List<String> blockTxids(String blockHash) {
    List<String> txids = new ArrayList<>();
    for (Object txid : Json.array(object(rpc("getblock", blockHash, 1)), "tx")) {
      txids.add(String.valueOf(txid));
    }
    return txids;
  }

  /** How many transactions wait in the node's mempool ({@code getmempoolinfo.size}). */
  public long mempoolSize() {
    return Json.integer(object(rpc("getmempoolinfo")), "size");
  }

  /** The serialized transaction, when the node knows it (mempool or, with -txindex, any block). */
  public Optional<byte[]> rawTransaction(String txid) {
    try {
      return Optional.of(HexFormat.of().parseHex((String) call("getrawtransaction", txid, 0)));
    } catch (RpcError e) {
      if (e.code == RPC_INVALID_ADDRESS_OR_KEY) {
        return Optional.empty();
      }
      throw new ChainUnavailableException("getrawtransaction: " + e.getMessage(), e);
    }
  }

  /** Regtest only: mines {@code count} blocks paying {@code address}; returns their hashes. */
  public List<String> generateToAddress(int count, String address) {
    List<String> hashes = new ArrayList<>();
    Object answer = rpc("generatetoaddress", count, address);
    if (answer instanceof List<?> list) {
      list.forEach(h -> hashes.add(String.valueOf(h)));
    }
    return hashes;
  }

  private Object rpc(String method, Object... params) {
    try {
      return call(method, params);
    } catch (RpcError e) {
      throw new ChainUnavailableException(method + ": " + e.code + " " + e.getMessage(), e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Object value) {
    if (value instanceof Map<?, ?> m) {
      return (Map<String, Object>) m;
    }
    throw new ChainUnavailableException("node answered " + value + " where an object was expected");
  }
}
