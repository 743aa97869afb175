package io.peerwatt.trading.matching;

/** Why a call-auction trade paired this buyer with this seller. Codes are stable (stored, sent). */
public enum PreferenceTier {
  /** One side named the other's account as a preferred partner. */
  PARTNER((byte) 1),
  /** Green-labelled energy to a buyer that asked for green. */
  GREEN((byte) 2),
  /** Merit order without preference; also every continuous-market trade. */
  OPEN((byte) 3);

  private final byte code;

  PreferenceTier(byte code) {
    this.code = code;
  }

  /** Stable code for storage and wire. */
  public byte code() {
    return code;
  }
}
