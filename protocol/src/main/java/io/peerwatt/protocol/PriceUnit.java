package io.peerwatt.protocol;

/** The unit of every price and fee in a zone. Codes are stable (stored, sent). */
public enum PriceUnit {
  /** 0.001 cent of the zone's fiat currency per kWh. */
  MILLI_CT_PER_KWH(1),
  /** Satoshi per kWh, for zones whose market currency is BSV. */
  SAT_PER_KWH(2);

  private final int code;

  PriceUnit(int code) {
    this.code = code;
  }

  /** Stable code for storage and wire. */
  public int code() {
    return code;
  }

  /** The unit with this code. @throws IllegalArgumentException for an unknown code */
  public static PriceUnit ofCode(int code) {
    for (PriceUnit u : values()) {
      if (u.code == code) {
        return u;
      }
    }
    throw new IllegalArgumentException("unknown price unit code " + code);
  }
}
