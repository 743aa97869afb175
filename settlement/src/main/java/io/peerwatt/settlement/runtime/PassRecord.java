package io.peerwatt.settlement.runtime;

import java.time.Instant;
import java.util.List;

/**
 * What one settlement pass did, for the operator's monitor.
 *
 * @param startedAt when it started (the platform's time)
 * @param millis how long it took, real milliseconds
 * @param statements statements written
 * @param payments payments created
 * @param anchored anchor transactions sent
 * @param anchorFailures the anchors that failed, each "what: why"
 * @param error why the pass failed, or null when it completed
 */
public record PassRecord(
    Instant startedAt,
    long millis,
    int statements,
    int payments,
    int anchored,
    List<String> anchorFailures,
    String error) {
  public PassRecord {
    anchorFailures = List.copyOf(anchorFailures);
  }

  /** What a pass that completed did. */
  public record Work(int statements, int payments, int anchored, List<String> anchorFailures) {}
}
