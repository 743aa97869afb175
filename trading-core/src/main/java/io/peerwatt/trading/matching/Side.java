package io.peerwatt.trading.matching;

/** Buy (bid) or sell (offer). Codes are stable: they are stored in the command log. */
public enum Side {
  BUY((byte) 1),
  SELL((byte) 2);

  private final byte code;

  Side(byte code) {
    this.code = code;
  }

  /** Stable code for storage and wire. */
  public byte code() {
    return code;
  }

  /** The other side. */
  public Side opposite() {
    return this == BUY ? SELL : BUY;
  }

  /** The side with this code. @throws IllegalArgumentException for an unknown code */
  public static Side ofCode(int code) {
    for (Side s : values()) {
      if (s.code == code) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown side code " + code);
  }
}
