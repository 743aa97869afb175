package io.peerwatt.protocol.statement;

/**
 * The owner's limit on what its gateway pays on its own: at most {@code capSat} per cap period, of
 * which {@code spentSat} is already spent.
 */
public record SpendingCap(long capSat, long spentSat) {

  public SpendingCap {
    if (capSat < 0 || spentSat < 0) {
      throw new IllegalArgumentException("cap and spent amount must not be negative");
    }
  }

  /** What is left in the period. */
  public long remainingSat() {
    return Math.max(0, capSat - spentSat);
  }
}
