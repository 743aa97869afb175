package io.peerwatt.settlement.chain;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;

/**
 * What a chain backend reached over HTTP (ARC, a node's RPC interface) is set up with, checked once
 * for both.
 *
 * @param network shown to users ("regtest", "testnet", "mainnet")
 * @param timeout per request, and to connect
 * @param attempts tries per call on transient failures (at least 1)
 * @param minFeeSatsPerKb the fee rate never to go below, whatever the service says miners take
 */
public record RemoteChainSettings(
    String network, Duration timeout, int attempts, long minFeeSatsPerKb) {

  public RemoteChainSettings {
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(timeout, "timeout");
    if (attempts < 1) {
      throw new IllegalArgumentException("at least one attempt");
    }
    if (minFeeSatsPerKb < 0) {
      throw new IllegalArgumentException("the fee floor must not be negative");
    }
  }

  /** A client that gives up connecting after {@link #timeout}. */
  public HttpClient newClient() {
    return HttpClient.newBuilder().connectTimeout(timeout).build();
  }
}
