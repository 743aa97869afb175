package io.peerwatt.protocol.bsv;

/**
 * A backend's relay policy.
 *
 * @param satoshisPerKb minimum fee per 1000 bytes of serialized transaction
 * @param dustLimitSats smallest value a spendable output may carry (data outputs may carry 0)
 */
public record FeePolicy(long satoshisPerKb, long dustLimitSats) {
  public FeePolicy {
    if (satoshisPerKb < 0 || dustLimitSats < 0) {
      throw new IllegalArgumentException("fee rate and dust limit must not be negative");
    }
  }

  /** The minimum fee for a transaction of {@code sizeBytes}: rate times size, rounded up. */
  public long feeFor(long sizeBytes) {
    long product = Math.multiplyExact(sizeBytes, satoshisPerKb);
    return Math.addExact(product, 999) / 1000;
  }
}
