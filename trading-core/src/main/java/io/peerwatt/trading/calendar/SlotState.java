package io.peerwatt.trading.calendar;

/** Where a delivery slot stands at a given instant. Codes are stable (stored, sent). */
public enum SlotState {
  /** Before the book opens (local midnight starting the day before the delivery day). */
  NOT_OPEN(1),
  /** Orders are accepted: from book opening until gate closure. */
  OPEN(2),
  /** Gate closed, delivery not started: no more orders; the call auction has cleared. */
  CLOSED(3),
  /** Energy is being delivered (slot start inclusive to slot end exclusive). */
  DELIVERING(4),
  /** The slot has ended; metering and settlement follow. */
  DELIVERED(5);

  private final int code;

  SlotState(int code) {
    this.code = code;
  }

  /** Stable code for storage and wire. */
  public int code() {
    return code;
  }
}
