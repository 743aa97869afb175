package io.peerwatt.settlement;

import java.util.Objects;

/**
 * What one settlement pass did to one slot.
 *
 * @param key the slot
 * @param outcome what happened
 * @param statementsWritten new statement versions written
 * @param paymentsCreated payments put in the outbox
 */
public record SlotSettlement(
    SlotKey key, Outcome outcome, int statementsWritten, int paymentsCreated) {

  /** What a pass did. Codes are stable (logged, reported). */
  public enum Outcome {
    /** First statements written. */
    SETTLED(1),
    /** Late data changed the result: new versions written. */
    RESETTLED(2),
    /** Settled before and nothing changed. */
    UNCHANGED(3),
    /** No rate for the market currency yet: tried again on the next pass. */
    WAITING_FOR_RATE(4),
    /** The slot has no trades. */
    NOTHING_TRADED(5),
    /** The pass failed (logged); tried again on the next pass. */
    FAILED(6);

    private final int code;

    Outcome(int code) {
      this.code = code;
    }

    /** Stable code. */
    public int code() {
      return code;
    }
  }

  public SlotSettlement {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(outcome, "outcome");
  }
}
