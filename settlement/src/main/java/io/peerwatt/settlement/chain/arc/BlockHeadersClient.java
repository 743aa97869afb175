package io.peerwatt.settlement.chain.arc;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.spv.BlockHeader;
import io.peerwatt.settlement.chain.ChainHeader;
import io.peerwatt.settlement.chain.ChainUnavailableException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Block Headers Service client (bitcoin-sv/block-headers-service API v1): {@code GET
 * /api/v1/chain/header/byHeight?height=H&count=N} (array of headers with {@code version}, {@code
 * prevBlockHash}, {@code merkleRoot}, {@code creationTimestamp}, {@code difficultyTarget}, {@code
 * nonce}, {@code hash}; hashes in display order) and {@code GET /api/v1/chain/tip/longest} ({@code
 * {"header": {...}, "height": N}}). Every header is re-serialized and its hash checked against the
 * one the service names.
 */
public final class BlockHeadersClient {
  private final URI baseUrl;
  private final String apiKey;
  private final HttpClient http;
  private final Duration timeout;

  public BlockHeadersClient(URI baseUrl, String apiKey, Duration timeout) {
    this.baseUrl = baseUrl;
    this.apiKey = apiKey;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  private HttpResponse<String> get(String pathAndQuery) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(baseUrl.resolve(pathAndQuery))
            .timeout(timeout)
            .header("Accept", "application/json")
            .GET();
    if (apiKey != null) {
      b.header("Authorization", "Bearer " + apiKey);
    }
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new ChainUnavailableException("headers service unreachable: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ChainUnavailableException("interrupted asking the headers service", e);
    }
  }

  public Optional<ChainHeader> header(long height) {
    List<ChainHeader> one = headers(height, 1);
    return one.isEmpty() ? Optional.empty() : Optional.of(one.get(0));
  }

  public List<ChainHeader> headers(long fromHeight, int count) {
    HttpResponse<String> response =
        get("/api/v1/chain/header/byHeight?height=" + Math.max(0, fromHeight) + "&count=" + count);
    if (response.statusCode() == 404) {
      return List.of();
    }
    if (response.statusCode() != 200) {
      throw new ChainUnavailableException("headers service answered HTTP " + response.statusCode());
    }
    List<ChainHeader> out = new ArrayList<>();
    try {
      Object parsed = Json.parse(response.body());
      if (!(parsed instanceof List<?> list)) {
        throw new ChainUnavailableException("headers service did not answer an array");
      }
      long height = Math.max(0, fromHeight);
      for (Object o : list) {
        if (out.size() >= count) {
          break;
        }
        out.add(new ChainHeader(height++, toHeader(asObject(o))));
      }
    } catch (FormatException | IllegalArgumentException e) {
      throw new ChainUnavailableException(
          "headers service sent an invalid header: " + e.getMessage(), e);
    }
    return out;
  }

  public ChainHeader tip() {
    HttpResponse<String> response = get("/api/v1/chain/tip/longest");
    if (response.statusCode() != 200) {
      throw new ChainUnavailableException(
          "headers service tip answered HTTP " + response.statusCode());
    }
    try {
      Map<String, Object> body = Json.parseObject(response.body());
      return new ChainHeader(
          Json.integer(body, "height", 0, Long.MAX_VALUE), toHeader(Json.object(body, "header")));
    } catch (FormatException | IllegalArgumentException e) {
      throw new ChainUnavailableException(
          "headers service sent an invalid tip: " + e.getMessage(), e);
    }
  }

  /** Builds the 80 header bytes from the service's fields and checks them against its hash. */
  static byte[] toHeader(Map<String, Object> h) {
    BlockHeader header =
        new BlockHeader(
            (int) Json.integer(h, "version", Integer.MIN_VALUE, Integer.MAX_VALUE),
            Transaction.txidFromHex(Json.string(h, "prevBlockHash")),
            Transaction.txidFromHex(Json.string(h, "merkleRoot")),
            Json.integer(h, "creationTimestamp", 0, 0xFFFF_FFFFL),
            Json.integer(h, "difficultyTarget", 0, 0xFFFF_FFFFL),
            Json.integer(h, "nonce", 0, 0xFFFF_FFFFL));
    byte[] bytes = header.serialize();
    if (!Transaction.txidToHex(header.hash()).equals(Json.string(h, "hash"))) {
      throw new FormatException("header fields do not hash to " + Json.string(h, "hash"));
    }
    return bytes;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asObject(Object o) {
    if (o instanceof Map<?, ?> m) {
      return (Map<String, Object>) m;
    }
    throw new FormatException("a header is an object");
  }
}
