package io.peerwatt.trading.matching;

/** Order types. Codes are stable: they are stored in the command log. */
public enum OrderType {
  /** Good till gate closure; rests in the book. */
  LIMIT((byte) 1),
  /**
   * Immediate or cancel. Continuous: whatever does not trade on entry is cancelled. Call auction:
   * like LIMIT, since every unfilled remainder is cancelled after the auction anyway.
   */
  IOC((byte) 2),
  /**
   * All or none. Continuous: fills completely on entry or is cancelled whole (never rests). Call
   * auction: rests until the auction and then fills completely or not at all.
   */
  AON((byte) 3);

  private final byte code;

  OrderType(byte code) {
    this.code = code;
  }

  /** Stable code for storage and wire. */
  public byte code() {
    return code;
  }

  /** The type with this code. @throws IllegalArgumentException for an unknown code */
  public static OrderType ofCode(int code) {
    for (OrderType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown order type code " + code);
  }
}
