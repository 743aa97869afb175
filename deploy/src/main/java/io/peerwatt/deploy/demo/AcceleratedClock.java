package io.peerwatt.deploy.demo;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Demo time: {@code start} plus the real time elapsed since construction, times {@code speed}.
 * Every part of the demo (market, ingestion, settlement, devnet, gateways, meter simulators) reads
 * the same instance, so they agree on "now" while it runs faster than the wall.
 */
public final class AcceleratedClock extends Clock {
  private final Instant start;
  private final long speed;
  private final long realStartNanos;
  private final long realStartMillis;

  /**
   * @param speed simulated seconds per real second, at least 1
   */
  public AcceleratedClock(Instant start, long speed) {
    if (speed < 1) {
      throw new IllegalArgumentException("speed must be at least 1");
    }
    this.start = start;
    this.speed = speed;
    this.realStartNanos = System.nanoTime();
    this.realStartMillis = System.currentTimeMillis();
  }

  public long speed() {
    return speed;
  }

  /** The real epoch millisecond at which this clock read {@link #start}. */
  public long realStartMillis() {
    return realStartMillis;
  }

  public Instant start() {
    return start;
  }

  @Override
  public Instant instant() {
    long elapsedNanos = System.nanoTime() - realStartNanos;
    // simulated nanoseconds; a long holds ~292 years of them, far beyond any demo
    return start.plusNanos(Math.multiplyExact(elapsedNanos, speed));
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    if (zone.equals(ZoneOffset.UTC)) {
      return this;
    }
    throw new IllegalArgumentException("the demo clock is UTC only");
  }
}
