package io.peerwatt.settlement.analytics;

/**
 * A zone's rules for aggregates ({@code zone_analytics_policy}, V25).
 *
 * @param minHomes an interval is answered only when at least this many households contribute to
 *     each of its quarter-hours (k, at least 2)
 * @param dominanceSharePercent a quarter-hour's import or export is suppressed when one household
 *     has more than this share of its total (1..99)
 * @param clipWh noisy answers clip each household's import and export per quarter-hour to [0,
 *     clipWh]: the bound sets the noise's sensitivity
 * @param budgetMilliEpsilon each client's privacy budget in the zone, in thousandths of epsilon
 */
public record AnalyticsPolicy(
    int minHomes, int dominanceSharePercent, long clipWh, long budgetMilliEpsilon) {
  /** k = 10 households, 50 % dominance, 5 kWh per quarter-hour (20 kW), a budget of epsilon 10. */
  public static final AnalyticsPolicy DEFAULTS = new AnalyticsPolicy(10, 50, 5_000, 10_000);

  public AnalyticsPolicy {
    if (minHomes < 2 || minHomes > 100_000) {
      throw new IllegalArgumentException("minHomes must be 2..100000: " + minHomes);
    }
    if (dominanceSharePercent < 1 || dominanceSharePercent > 99) {
      throw new IllegalArgumentException(
          "dominanceSharePercent must be 1..99: " + dominanceSharePercent);
    }
    if (clipWh < 1 || clipWh > 1_000_000_000L) {
      throw new IllegalArgumentException("clipWh must be 1..1000000000: " + clipWh);
    }
    if (budgetMilliEpsilon < 0 || budgetMilliEpsilon > 1_000_000_000L) {
      throw new IllegalArgumentException(
          "budgetMilliEpsilon must be 0..1000000000: " + budgetMilliEpsilon);
    }
  }
}
