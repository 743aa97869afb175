package io.peerwatt.protocol.statement;

/** Why a gateway refuses to sign a statement's payment. Codes are stable (sent to the platform). */
public enum RefusalReason {
  /** Not this gateway's account, or the version chain does not follow the statement paid before. */
  NOT_FOR_THIS_ACCOUNT(601),
  /** A line's amount or satoshi amount, or a total, is not what the published rules compute. */
  INCONSISTENT_STATEMENT(602),
  /** The statement cites a reading of a device this gateway does not hold. */
  UNKNOWN_DEVICE(603),
  /** The statement cites a reading whose hash differs from what this gateway signed. */
  READING_NOT_SIGNED_BY_GATEWAY(604),
  /**
   * The gateway lacks the readings around the slot boundaries to check the import it is charged
   * for.
   */
  NO_OWN_READINGS(605),
  /** The statement charges for more imported energy than the gateway's own meter counted. */
  CHARGES_UNIMPORTED_ENERGY(606),
  /** Paying would exceed the spending cap the owner set. */
  EXCEEDS_SPENDING_CAP(607),
  /**
   * The statement charges a seller's shortfall on less export than the gateway's own meter counted.
   */
  UNDERCOUNTS_EXPORT(608);

  private final int code;

  RefusalReason(int code) {
    this.code = code;
  }

  /** Stable code. */
  public int code() {
    return code;
  }
}
