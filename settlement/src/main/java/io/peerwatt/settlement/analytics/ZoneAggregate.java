package io.peerwatt.settlement.analytics;

import io.peerwatt.protocol.DeliverySlot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rule that decides which parts of a zone aggregate are answered. Pure.
 *
 * <p>A quarter-hour's import (and, separately, its export) is a cell: the sum over the households
 * with metering in it. A cell is suppressed when fewer than {@link AnalyticsPolicy#minHomes()}
 * households contribute ({@link Suppression#TOO_FEW_HOMES}) or when one household has more than
 * {@link AnalyticsPolicy#dominanceSharePercent()} percent of its total ({@link
 * Suppression#DOMINANT_HOME}). An interval (an hour, a day) is answered only when none of its
 * quarter-hours is suppressed for that measure: otherwise the interval minus its other
 * quarter-hours would give the suppressed one away.
 */
public final class ZoneAggregate {
  private ZoneAggregate() {}

  /** Why a cell is not answered. */
  public enum Suppression {
    TOO_FEW_HOMES,
    DOMINANT_HOME
  }

  /**
   * One measure of one interval.
   *
   * @param sumWh the households' energy, Wh (0 when suppressed)
   * @param clippedSumWh the same with each household's quarter-hour clipped to the policy's bound
   * @param suppressed why it is not answered, or null when it is
   */
  public record Value(long sumWh, long clippedSumWh, Suppression suppressed) {
    static Value of(Suppression suppressed) {
      return new Value(0, 0, suppressed);
    }

    public boolean released() {
      return suppressed == null;
    }
  }

  /**
   * One interval of the answer.
   *
   * @param slots its quarter-hours
   * @param homes the fewest households contributing to any of its quarter-hours
   * @param homeSlots households summed over its quarter-hours (divides sums into means)
   */
  public record Interval(
      Instant start,
      Instant end,
      int slots,
      int homes,
      long homeSlots,
      Value importValue,
      Value exportValue) {
    public boolean released() {
      return importValue.released() || exportValue.released();
    }
  }

  /** Whether one quarter-hour cell is suppressed, and why; null when it may be answered. */
  public static Suppression suppression(
      int homes, long sumWh, long largestWh, AnalyticsPolicy policy) {
    if (homes < policy.minHomes()) {
      return Suppression.TOO_FEW_HOMES;
    }
    // largest / sum > share / 100, in integers
    if (Math.multiplyExact(largestWh, 100L)
        > Math.multiplyExact(sumWh, (long) policy.dominanceSharePercent())) {
      return Suppression.DOMINANT_HOME;
    }
    return null;
  }

  /**
   * The answer over {@code intervals} (consecutive, on quarter-hour boundaries) from the
   * households' {@code contributions} to each quarter-hour.
   */
  public static List<Interval> intervals(
      List<Instant[]> intervals, List<Contribution> contributions, AnalyticsPolicy policy) {
    Map<Instant, List<Contribution>> bySlot = new HashMap<>();
    for (Contribution c : contributions) {
      bySlot.computeIfAbsent(c.slotStart(), k -> new ArrayList<>()).add(c);
    }
    List<Interval> out = new ArrayList<>();
    for (Instant[] interval : intervals) {
      Measure importWh = new Measure();
      Measure exportWh = new Measure();
      int slots = 0;
      int fewestHomes = Integer.MAX_VALUE;
      long homeSlots = 0;
      for (Instant s = interval[0]; s.isBefore(interval[1]); s = s.plus(DeliverySlot.LENGTH)) {
        List<Contribution> cell = bySlot.getOrDefault(s, List.of());
        importWh.add(cell, true, policy);
        exportWh.add(cell, false, policy);
        slots++;
        fewestHomes = Math.min(fewestHomes, cell.size());
        homeSlots += cell.size();
      }
      out.add(
          new Interval(
              interval[0],
              interval[1],
              slots,
              slots == 0 ? 0 : fewestHomes,
              homeSlots,
              importWh.value(),
              exportWh.value()));
    }
    return out;
  }

  /**
   * The mean household's energy in an interval of {@code slots} quarter-hours: {@code sumWh} over
   * the households per quarter-hour on average, rounded half up to whole Wh.
   */
  public static long meanWh(long sumWh, int slots, long homeSlots) {
    if (homeSlots <= 0) {
      throw new IllegalArgumentException("no household contributed");
    }
    long numerator = Math.multiplyExact(Math.multiplyExact(sumWh, (long) slots), 2L);
    return Math.floorDiv(Math.addExact(numerator, homeSlots), Math.multiplyExact(homeSlots, 2L));
  }

  /** One measure summed over an interval's quarter-hours. */
  private static final class Measure {
    private long sumWh;
    private long clippedSumWh;
    private Suppression suppressed;

    void add(List<Contribution> cell, boolean isImport, AnalyticsPolicy policy) {
      long sum = 0;
      long clipped = 0;
      long largest = 0;
      for (Contribution c : cell) {
        long wh = isImport ? c.importWh() : c.exportWh();
        sum = Math.addExact(sum, wh);
        clipped = Math.addExact(clipped, Math.min(wh, policy.clipWh()));
        largest = Math.max(largest, wh);
      }
      Suppression s = suppression(cell.size(), sum, largest, policy);
      // too few households outranks dominance: it is the rule a reader checks first
      if (s != null && (suppressed == null || s == Suppression.TOO_FEW_HOMES)) {
        suppressed = s;
      }
      sumWh = Math.addExact(sumWh, sum);
      clippedSumWh = Math.addExact(clippedSumWh, clipped);
    }

    Value value() {
      return suppressed == null ? new Value(sumWh, clippedSumWh, null) : Value.of(suppressed);
    }
  }
}
