package io.peerwatt.protocol.reading;

/** Outcome of linking a reading to its predecessor in a (device, channel) chain; stable codes. */
public enum ReadingChainCheck {
  LINKED(0),
  /** The first reading of a chain must have an all-zero prevHash, and only it. */
  NOT_FIRST(1),
  DEVICE_CHANGED(2),
  CHANNEL_CHANGED(3),
  /** Sequence is not the predecessor's + 1 (a gap or a repeat). */
  SEQUENCE_NOT_NEXT(4),
  /** prevHash is not the predecessor's hash: an edit or a fork. */
  PREV_HASH_MISMATCH(5),
  /** takenAt is not after the predecessor's. */
  TIME_NOT_INCREASING(6),
  /** importWh or exportWh went down without the counterReset or meterSwapped flag. */
  COUNTER_DECREASED(7);

  private final int code;

  ReadingChainCheck(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
