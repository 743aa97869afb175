package io.peerwatt.trading.calendar;

/** How a zone's books turn orders into trades. Codes are stable (stored, sent). */
public enum ClearingMode {
  /** One uniform-price auction per slot at gate closure (the default). */
  CALL_AUCTION(1),
  /** Price-time priority matching as orders arrive, until gate closure. */
  CONTINUOUS(2);

  private final int code;

  ClearingMode(int code) {
    this.code = code;
  }

  /** Stable code for storage and wire. */
  public int code() {
    return code;
  }

  /** The mode with this code. @throws IllegalArgumentException for an unknown code */
  public static ClearingMode ofCode(int code) {
    for (ClearingMode m : values()) {
      if (m.code == code) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown clearing mode code " + code);
  }
}
