package io.peerwatt.settlement;

/** Where a settlement payment stands. Codes are the stored text. */
public enum PaymentStatus {
  /**
   * Not yet done: waiting for its turn, for a gateway's signature or for the channels to answer.
   */
  PENDING("pending"),
  /** The channel advanced by the amount. */
  PAID("paid"),
  /** The payer refused (e.g. its gateway's check failed); the refusal's code and text are kept. */
  REFUSED("refused");

  private final String code;

  PaymentStatus(String code) {
    this.code = code;
  }

  /** The stored text. */
  public String code() {
    return code;
  }

  /** The status stored as {@code code}. @throws IllegalArgumentException for unknown text */
  public static PaymentStatus ofCode(String code) {
    for (PaymentStatus s : values()) {
      if (s.code.equals(code)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown payment status " + code);
  }
}
