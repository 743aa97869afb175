package io.peerwatt.protocol.reading;

/** Outcome of checking a device certificate; stable codes. */
public enum CertificateCheck {
  VALID(0),
  /** Signed by a key other than the trusted platform key. */
  UNTRUSTED_ISSUER(1),
  /** The issuer's signature is not strict DER, high S, or does not match. */
  BAD_SIGNATURE(2),
  /** The time checked lies before validFrom. */
  NOT_YET_VALID(3),
  /** The time checked lies at or after validTo. */
  EXPIRED(4),
  /** The certificate is for another device key. */
  WRONG_DEVICE(5);

  private final int code;

  CertificateCheck(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
