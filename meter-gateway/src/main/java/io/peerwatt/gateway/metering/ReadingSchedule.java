package io.peerwatt.gateway.metering;

import java.time.Duration;
import java.time.Instant;

/**
 * When signed readings are due: at every UTC quarter-hour boundary, plus every {@code cadence}
 * (aligned to multiples of the cadence since the epoch, so restarts do not shift it). Pure.
 */
public record ReadingSchedule(Duration cadence) {
  public static final long QUARTER_HOUR_MS = 15 * 60 * 1000L;

  public ReadingSchedule {
    if (cadence.isNegative() || cadence.isZero() || cadence.toMillis() > QUARTER_HOUR_MS) {
      throw new IllegalArgumentException(
          "reading interval must be between 1 ms and 15 minutes: " + cadence);
    }
  }

  /** A due reading: when, and whether it is a quarter-hour boundary reading. */
  public record Due(Instant at, boolean boundary) {}

  /** The first due reading strictly after {@code after}. */
  public Due nextAfter(Instant after) {
    long ms = after.toEpochMilli();
    long nextTick = Math.floorDiv(ms, cadence.toMillis()) * cadence.toMillis() + cadence.toMillis();
    long nextBoundary = Math.floorDiv(ms, QUARTER_HOUR_MS) * QUARTER_HOUR_MS + QUARTER_HOUR_MS;
    long at = Math.min(nextTick, nextBoundary);
    return new Due(Instant.ofEpochMilli(at), at == nextBoundary);
  }

  public static boolean isBoundary(Instant at) {
    return at.toEpochMilli() % QUARTER_HOUR_MS == 0;
  }
}
