package io.peerwatt.trading.matching;

/** Why the book removed an order's open quantity by itself. Codes are stable (stored, sent). */
public enum CancelReason {
  /** IOC order: the part that did not trade on entry. */
  IOC_REMAINDER((byte) 1),
  /** AON order that could not be filled completely. */
  AON_NOT_FILLABLE((byte) 2),
  /** Gate closure: whatever was still open (after the auction, for call-auction books). */
  GATE_CLOSED((byte) 3);

  private final byte code;

  CancelReason(byte code) {
    this.code = code;
  }

  /** Stable code for storage and wire. */
  public byte code() {
    return code;
  }
}
