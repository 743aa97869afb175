package io.peerwatt.protocol.statement;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.ToLongFunction;

/**
 * Energy per meter per slot from cumulative counters: the counter value at the slot end minus the
 * value at the slot start.
 *
 * <p><b>Boundary values.</b> At a boundary {@code t} the value comes from the last reading taken at
 * or before {@code t} ({@code a}) and the first taken at or after {@code t} ({@code b}). A reading
 * taken exactly at {@code t} is used as is. Otherwise the value is linearly interpolated and
 * <b>rounded down</b>: {@code a.v + floor((b.v - a.v) * (t - a.t) / (b.t - a.t))}, computed exactly
 * on nanoseconds. Rounding the counter (not the slot energy) makes consecutive slots telescope: the
 * slot energies of a meter always add up to exactly the counter difference over the whole period,
 * so rounding neither loses nor creates a Wh. When {@code b.t - a.t} exceeds the estimate threshold
 * the value is flagged {@code estimated}.
 *
 * <p><b>Missing data.</b> A boundary with no reading on one side makes the meter {@code missing}:
 * it counts as having moved 0 Wh in this slot until late readings arrive and the slot is settled
 * again. Counters that go backwards between the readings used (a meter swap or reset) make it
 * missing too: only the explicit meter-swap event can say how much energy crossed the reset.
 */
public final class SlotMetering {
  private static final BigInteger NANOS_PER_SECOND = BigInteger.valueOf(1_000_000_000L);

  private final Duration estimateThreshold;

  /**
   * @param estimateThreshold readings further apart than this around a boundary make it estimated
   */
  public SlotMetering(Duration estimateThreshold) {
    Objects.requireNonNull(estimateThreshold, "estimateThreshold");
    if (estimateThreshold.isNegative()) {
      throw new IllegalArgumentException("estimate threshold must not be negative");
    }
    this.estimateThreshold = estimateThreshold;
  }

  /** The energy of one meter between {@code start} and {@code end}. */
  public MeteredEnergy meter(MeterSeries series, Instant start, Instant end) {
    if (!start.isBefore(end)) {
      throw new IllegalArgumentException("slot must have positive length: " + start + " / " + end);
    }
    Boundary from = boundary(series.readings(), start);
    Boundary to = boundary(series.readings(), end);
    if (from == null || to == null || to.importWh < from.importWh || to.exportWh < from.exportWh) {
      return MeteredEnergy.none();
    }
    List<ReadingRef> refs = new ArrayList<>(from.refs);
    refs.addAll(to.refs);
    return new MeteredEnergy(
        Math.subtractExact(to.importWh, from.importWh),
        Math.subtractExact(to.exportWh, from.exportWh),
        from.estimated || to.estimated,
        false,
        refs);
  }

  /** The sum over an account's meters; missing or estimated when any meter is. */
  public MeteredEnergy account(List<MeterSeries> meters, Instant start, Instant end) {
    long importWh = 0;
    long exportWh = 0;
    boolean estimated = false;
    boolean missing = meters.isEmpty();
    List<ReadingRef> refs = new ArrayList<>();
    for (MeterSeries series : meters) {
      MeteredEnergy e = meter(series, start, end);
      importWh = Math.addExact(importWh, e.importWh());
      exportWh = Math.addExact(exportWh, e.exportWh());
      estimated |= e.estimated();
      missing |= e.missing();
      refs.addAll(e.readingsUsed());
    }
    return new MeteredEnergy(importWh, exportWh, estimated, missing, refs);
  }

  private record Boundary(long importWh, long exportWh, boolean estimated, List<ReadingRef> refs) {}

  /**
   * The counters at {@code t}; null when a side has no reading or the counters decrease across it.
   */
  private Boundary boundary(List<AcceptedReading> readings, Instant t) {
    AcceptedReading before = null;
    AcceptedReading after = null;
    for (AcceptedReading r : readings) {
      if (!r.takenAt().isAfter(t) && (before == null || !r.takenAt().isBefore(before.takenAt()))) {
        before = r;
      }
      if (!r.takenAt().isBefore(t) && (after == null || r.takenAt().isBefore(after.takenAt()))) {
        after = r;
      }
    }
    if (before == null || after == null) {
      return null;
    }
    if (before.takenAt().equals(t)) {
      return new Boundary(before.importWh(), before.exportWh(), false, List.of(before.ref()));
    }
    if (after.takenAt().equals(t)) {
      return new Boundary(after.importWh(), after.exportWh(), false, List.of(after.ref()));
    }
    if (after.importWh() < before.importWh() || after.exportWh() < before.exportWh()) {
      return null;
    }
    boolean estimated =
        Duration.between(before.takenAt(), after.takenAt()).compareTo(estimateThreshold) > 0;
    return new Boundary(
        interpolate(before, after, t, AcceptedReading::importWh),
        interpolate(before, after, t, AcceptedReading::exportWh),
        estimated,
        List.of(before.ref(), after.ref()));
  }

  /**
   * The counter at {@code t} between two readings: {@code a.v + floor((b.v - a.v) * (t - a.t) /
   * (b.t - a.t))} on exact integers.
   */
  public static long interpolate(
      AcceptedReading a, AcceptedReading b, Instant t, ToLongFunction<AcceptedReading> counter) {
    long va = counter.applyAsLong(a);
    long vb = counter.applyAsLong(b);
    if (vb < va
        || !a.takenAt().isBefore(b.takenAt())
        || t.isBefore(a.takenAt())
        || t.isAfter(b.takenAt())) {
      throw new IllegalArgumentException(
          "interpolation needs a.t <= t <= b.t, a.t < b.t and growing counters");
    }
    BigInteger elapsed = nanos(t).subtract(nanos(a.takenAt()));
    BigInteger span = nanos(b.takenAt()).subtract(nanos(a.takenAt()));
    // both factors are non-negative, so BigInteger's truncating divide is the floor
    BigInteger delta = BigInteger.valueOf(vb - va).multiply(elapsed).divide(span);
    return Math.addExact(va, delta.longValueExact());
  }

  private static BigInteger nanos(Instant t) {
    return BigInteger.valueOf(t.getEpochSecond())
        .multiply(NANOS_PER_SECOND)
        .add(BigInteger.valueOf(t.getNano()));
  }
}
