package io.peerwatt.settlement.analytics;

/**
 * One client's privacy budget in one zone, in thousandths of epsilon. Noisy answers compose
 * sequentially: a client that spent e1, e2, ... learned at most the sum about any household's
 * quarter-hour, so a query is granted only while the sum stays within the budget. Pure.
 *
 * @param totalMilli the zone's budget per client
 * @param spentMilli what the client's granted queries spent
 */
public record PrivacyBudget(long totalMilli, long spentMilli) {
  public PrivacyBudget {
    if (totalMilli < 0 || spentMilli < 0) {
      throw new IllegalArgumentException("budget and spending are never negative");
    }
  }

  /** What is left; 0 when the zone lowered its budget below what was spent. */
  public long remainingMilli() {
    return Math.max(0, totalMilli - spentMilli);
  }

  /** Whether a query of {@code askedMilli} fits in what is left. */
  public boolean allows(long askedMilli) {
    return askedMilli > 0 && askedMilli <= remainingMilli();
  }

  /** The budget after a granted query of {@code askedMilli}. */
  public PrivacyBudget spend(long askedMilli) {
    if (!allows(askedMilli)) {
      throw new IllegalStateException(
          "a query of " + askedMilli + " milli-epsilon does not fit in " + remainingMilli());
    }
    return new PrivacyBudget(totalMilli, Math.addExact(spentMilli, askedMilli));
  }
}
