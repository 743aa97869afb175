package io.peerwatt.protocol.keys;

/**
 * Outcome of checking a strict, low-S ECDSA signature; {@code code} is stable for logs and APIs.
 */
public enum SignatureCheck {
  VALID(0),
  /** The bytes are not strict DER (BIP 66). */
  NOT_STRICT_DER(1),
  /** s is above n/2; PeerWatt accepts only the low-S form. */
  HIGH_S(2),
  /** Well formed, but not a signature of this hash by this key. */
  MISMATCH(3);

  private final int code;

  SignatureCheck(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
