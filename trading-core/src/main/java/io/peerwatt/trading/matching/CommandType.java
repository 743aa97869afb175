package io.peerwatt.trading.matching;

/**
 * The command kinds, each with an explicit byte code used by the command log encoding (never the
 * ordinal). Every command mutates a book and enters the log; queries are plain methods on {@link
 * OrderBook} and never reach the log.
 */
public enum CommandType {
  PLACE_ORDER((byte) 1),
  CANCEL_ORDER((byte) 2),
  AMEND_ORDER((byte) 3),
  CLOSE_GATE((byte) 4);

  private final byte code;

  CommandType(byte code) {
    this.code = code;
  }

  /** Stable code for storage. */
  public byte code() {
    return code;
  }

  /** The type with this code. @throws IllegalArgumentException for an unknown code */
  public static CommandType ofCode(int code) {
    for (CommandType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown command type code " + code);
  }
}
