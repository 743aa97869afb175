package io.peerwatt.settlement.chain.arc;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.bsv.FeePolicy;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.spv.Bump;
import io.peerwatt.settlement.chain.BroadcastResult;
import io.peerwatt.settlement.chain.ChainBackend;
import io.peerwatt.settlement.chain.ChainHeader;
import io.peerwatt.settlement.chain.ChainUnavailableException;
import io.peerwatt.settlement.chain.RejectReason;
import io.peerwatt.settlement.chain.RemoteChainSettings;
import io.peerwatt.settlement.chain.TxStatus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ChainBackend} over ARC v1 ({@code POST /v1/tx}, {@code GET /v1/tx/{txid}} with its {@code
 * merklePath} BUMP, {@code GET /v1/policy}) and a Block Headers Service for the header chain
 * ({@link BlockHeadersClient}). ARC's error statuses (461 scripts, 462 inputs, 463 malformed, 464
 * outputs, 465/473 fee, 466 conflict, 460 not extended format) map to {@link RejectReason}s;
 * timeouts and 5xx answers are retried with the same transaction (idempotent: ARC keys it by txid).
 */
public final class ArcBackend implements ChainBackend {
  private static final Logger LOG = LoggerFactory.getLogger(ArcBackend.class);

  /** ARC statuses meaning the transaction is with ARC or the network. */
  private static final Set<String> ACCEPTED_STATUSES =
      Set.of(
          "QUEUED",
          "RECEIVED",
          "STORED",
          "ANNOUNCED_TO_NETWORK",
          "REQUESTED_BY_NETWORK",
          "SENT_TO_NETWORK",
          "ACCEPTED_BY_NETWORK",
          "SEEN_IN_ORPHAN_MEMPOOL",
          "SEEN_ON_NETWORK",
          "MINED");

  private static final long DUST_LIMIT_SATS = 1;

  private final URI arcUrl;
  private final String apiKey;
  private final RemoteChainSettings settings;
  private final BlockHeadersClient headers;
  private final HttpClient http;

  /**
   * @param arcUrl base URL, e.g. {@code https://arc.taal.com}
   * @param apiKey bearer token, or null
   * @param network shown to users ("testnet", "mainnet")
   * @param headers the headers service
   * @param timeout per request
   * @param attempts tries per call on timeouts and 5xx answers (at least 1)
   * @param minFeeSatsPerKb the fee rate never to go below, whatever ARC's policy says
   */
  public ArcBackend(
      URI arcUrl,
      String apiKey,
      String network,
      BlockHeadersClient headers,
      Duration timeout,
      int attempts,
      long minFeeSatsPerKb) {
    this.settings = new RemoteChainSettings(network, timeout, attempts, minFeeSatsPerKb);
    this.arcUrl = arcUrl;
    this.apiKey = apiKey;
    this.headers = headers;
    this.http = settings.newClient();
  }

  @Override
  public String network() {
    return settings.network();
  }

  private HttpResponse<String> send(HttpRequest.Builder builder, String what) {
    builder.timeout(settings.timeout()).header("Accept", "application/json");
    if (apiKey != null) {
      builder.header("Authorization", "Bearer " + apiKey);
    }
    HttpRequest request = builder.build();
    for (int attempt = 1; ; attempt++) {
      try {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 500 && attempt < settings.attempts()) {
          LOG.warn(
              "ARC {} answered {} (attempt {} of {}), retrying",
              what,
              response.statusCode(),
              attempt,
              settings.attempts());
          continue;
        }
        if (response.statusCode() == 401 || response.statusCode() == 403) {
          throw new ChainUnavailableException(
              "ARC refused the API key (HTTP " + response.statusCode() + ")");
        }
        if (response.statusCode() >= 500) {
          throw new ChainUnavailableException(
              "ARC " + what + " answered HTTP " + response.statusCode());
        }
        return response;
      } catch (HttpTimeoutException e) {
        if (attempt >= settings.attempts()) {
          throw new ChainUnavailableException(
              "ARC " + what + " timed out " + settings.attempts() + " times", e);
        }
        LOG.warn(
            "ARC {} timed out (attempt {} of {}), retrying", what, attempt, settings.attempts());
      } catch (IOException e) {
        throw new ChainUnavailableException("ARC unreachable: " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ChainUnavailableException("interrupted calling ARC " + what, e);
      }
    }
  }

  private static Map<String, Object> json(HttpResponse<String> response, String what) {
    try {
      return Json.parseObject(response.body());
    } catch (FormatException e) {
      throw new ChainUnavailableException(
          "ARC " + what + " answered HTTP " + response.statusCode() + " without JSON", e);
    }
  }

  @Override
  public BroadcastResult broadcast(byte[] rawTx) {
    return BroadcastResult.ifParsed(rawTx, this::broadcastParsed);
  }

  private BroadcastResult broadcastParsed(String txid, byte[] rawTx) {
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(arcUrl.resolve("/v1/tx"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        Json.write(Map.of("rawTx", HexFormat.of().formatHex(rawTx))))),
            "broadcast");
    Map<String, Object> body = json(response, "broadcast");
    String detail = text(body, "detail", text(body, "extraInfo", text(body, "title", "")));
    if (response.statusCode() == 200) {
      String status = text(body, "txStatus", "");
      if ("DOUBLE_SPEND_ATTEMPTED".equals(status)) {
        return BroadcastResult.rejected(txid, RejectReason.DOUBLE_SPEND, status + " " + detail);
      }
      if ("REJECTED".equals(status)) {
        return BroadcastResult.rejected(txid, RejectReason.OTHER, status + " " + detail);
      }
      if (!ACCEPTED_STATUSES.contains(status)) {
        throw new ChainUnavailableException("ARC answered unknown txStatus " + status);
      }
      return "MINED".equals(status)
              || "SEEN_ON_NETWORK".equals(status) && detail.contains("already")
          ? BroadcastResult.alreadyKnown(txid)
          : BroadcastResult.accepted(txid);
    }
    return BroadcastResult.rejected(
        txid, reasonFor(response.statusCode()), response.statusCode() + " " + detail);
  }

  /** ARC's documented error statuses. */
  static RejectReason reasonFor(int httpStatus) {
    return switch (httpStatus) {
      case 400, 463 -> RejectReason.MALFORMED;
      case 460, 462, 467 -> RejectReason.MISSING_INPUTS;
      case 461 -> RejectReason.INVALID_SCRIPT;
      case 464 -> RejectReason.VALUE_OUT_OF_RANGE;
      case 465, 473 -> RejectReason.FEE_TOO_LOW;
      case 466 -> RejectReason.DOUBLE_SPEND;
      default -> RejectReason.OTHER;
    };
  }

  @Override
  public TxStatus status(String txid) {
    HttpResponse<String> response =
        send(HttpRequest.newBuilder(arcUrl.resolve("/v1/tx/" + txid)).GET(), "status");
    if (response.statusCode() == 404) {
      return TxStatus.unknown(txid);
    }
    Map<String, Object> body = json(response, "status");
    if (response.statusCode() != 200) {
      throw new ChainUnavailableException(
          "ARC status answered HTTP " + response.statusCode() + " " + text(body, "detail", ""));
    }
    String status = text(body, "txStatus", "");
    String merklePath = text(body, "merklePath", "");
    if ("MINED".equals(status) && !merklePath.isEmpty()) {
      Bump bump;
      try {
        bump = Bump.decodeHex(merklePath);
      } catch (FormatException e) {
        throw new ChainUnavailableException("ARC sent an invalid merklePath for " + txid, e);
      }
      return TxStatus.mined(
          txid, text(body, "blockHash", ""), Json.integer(body, "blockHeight"), bump);
    }
    if ("REJECTED".equals(status) || "DOUBLE_SPEND_ATTEMPTED".equals(status)) {
      return TxStatus.unknown(txid);
    }
    return ACCEPTED_STATUSES.contains(status) ? TxStatus.mempool(txid) : TxStatus.unknown(txid);
  }

  @Override
  public Optional<ChainHeader> header(long height) {
    return headers.header(height);
  }

  @Override
  public List<ChainHeader> headers(long fromHeight, int count) {
    return headers.headers(fromHeight, count);
  }

  @Override
  public ChainHeader tip() {
    return headers.tip();
  }

  /**
   * The fee ARC's miners take ({@code policy.miningFee}: satoshis per bytes), per 1000 bytes
   * rounded up, raised to the configured floor.
   */
  @Override
  public FeePolicy feePolicy() {
    HttpResponse<String> response =
        send(HttpRequest.newBuilder(arcUrl.resolve("/v1/policy")).GET(), "policy");
    Map<String, Object> body = json(response, "policy");
    if (response.statusCode() != 200) {
      throw new ChainUnavailableException("ARC policy answered HTTP " + response.statusCode());
    }
    Map<String, Object> fee = Json.object(Json.object(body, "policy"), "miningFee");
    long satoshis = Json.integer(fee, "satoshis", 0, Long.MAX_VALUE);
    long bytes = Json.integer(fee, "bytes", 1, Long.MAX_VALUE);
    long perKb = Math.addExact(Math.multiplyExact(satoshis, 1000L), bytes - 1) / bytes;
    return new FeePolicy(Math.max(perKb, settings.minFeeSatsPerKb()), DUST_LIMIT_SATS);
  }

  private static String text(Map<String, Object> body, String name, String fallback) {
    return body.get(name) instanceof String s ? s : fallback;
  }
}
