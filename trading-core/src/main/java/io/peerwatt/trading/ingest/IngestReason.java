package io.peerwatt.trading.ingest;

/**
 * Why ingestion refused one reading of a batch. The {@link #name()} is what the API answers and the
 * {@link #code()} is stable for storage and metrics; neither ever changes meaning.
 */
public enum IngestReason {
  /** The reading's signature does not verify against its device key (strict DER, low S). */
  BAD_SIGNATURE(1),
  /** The reading names a device key other than the batch's. */
  WRONG_DEVICE(2),
  /** A different reading with this (channel, sequence) is already stored. */
  CONFLICT(3),
  /** The sequence skips past the next expected one: the missing readings must come first. */
  GAP(4),
  /** The sequence is at or below the last accepted one and no such reading is stored. */
  STALE_SEQUENCE(5),
  /** prevHash is not the hash of the last accepted reading of the chain. */
  PREV_HASH_MISMATCH(6),
  /**
   * The chain has no accepted reading yet and this one does not start a chain (prevHash not zero).
   */
  NOT_CHAIN_START(7),
  /** takenAt is not after the previous reading's. */
  TIME_NOT_INCREASING(8),
  /** An energy counter went down without a counterReset or meterSwapped flag. */
  COUNTER_DECREASED(9),
  /** |powerW| exceeds the metering point's rated connection power. */
  POWER_IMPLAUSIBLE(10),
  /** takenAt lies further in the future than the allowed clock skew. */
  FUTURE_TIMESTAMP(11);

  private final int code;

  IngestReason(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
