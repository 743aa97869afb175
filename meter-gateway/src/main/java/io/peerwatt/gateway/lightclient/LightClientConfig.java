package io.peerwatt.gateway.lightclient;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The light client's settings ({@code lightClient:} in {@code gateway.yaml}).
 *
 * @param checkpointHeight height of the block the header chain starts from
 * @param checkpointHash that block's hash, display order (as explorers print it)
 * @param headerSource where headers come from ({@code GET /api/v1/chain/headers}); empty = the
 *     platform. Either way they are checked by proof of work from the checkpoint.
 * @param sampleEvery a reading whose sequence is a multiple of this is audited
 * @param interval pause between rounds
 */
public record LightClientConfig(
    long checkpointHeight,
    String checkpointHash,
    Optional<URI> headerSource,
    int sampleEvery,
    Duration interval) {
  public static final int DEFAULT_SAMPLE_EVERY = 16;
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);

  public LightClientConfig {
    if (checkpointHeight < 0) {
      throw new IllegalArgumentException("lightClient.checkpoint.height must not be negative");
    }
    checkpointHash = checkpointHash.toLowerCase(Locale.ROOT);
    if (!checkpointHash.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("lightClient.checkpoint.hash must be 64 hex digits");
    }
    if (sampleEvery < 1) {
      throw new IllegalArgumentException("lightClient.sampleEvery must be at least 1");
    }
    if (interval.toMillis() < 10) {
      throw new IllegalArgumentException("lightClient.interval must be at least 10 ms");
    }
  }
}
