package io.peerwatt.settlement.chain;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.bsv.Transaction;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * The answer to a broadcast.
 *
 * @param txid display hex of the transaction (empty when it could not even be parsed)
 * @param outcome accepted, already known, kept to be sent again, or rejected
 * @param reason why it was rejected; null unless {@code outcome} is {@link Outcome#REJECTED}
 * @param detail the backend's own words (e.g. the script error or the conflicting txid), never null
 */
public record BroadcastResult(String txid, Outcome outcome, RejectReason reason, String detail) {

  /** Broadcast outcome with stable codes. */
  public enum Outcome {
    ACCEPTED(1),
    ALREADY_KNOWN(2),
    REJECTED(3),
    /**
     * The chain could not be asked ({@link ChainUnavailableException}); the transaction may have
     * reached it. Its sender books it as sent and logs it, and the transaction watcher sends it
     * again once the chain answers.
     */
    KEPT(4);

    private final int code;

    Outcome(int code) {
      this.code = code;
    }

    public int code() {
      return code;
    }
  }

  public BroadcastResult {
    Objects.requireNonNull(txid, "txid");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(detail, "detail");
    if ((outcome == Outcome.REJECTED) != (reason != null)) {
      throw new IllegalArgumentException("a reason goes with REJECTED and only with it");
    }
  }

  public static BroadcastResult accepted(String txid) {
    return new BroadcastResult(txid, Outcome.ACCEPTED, null, "accepted");
  }

  public static BroadcastResult alreadyKnown(String txid) {
    return new BroadcastResult(txid, Outcome.ALREADY_KNOWN, null, "already known");
  }

  /** See {@link Outcome#KEPT}. */
  public static BroadcastResult kept(String txid, String detail) {
    return new BroadcastResult(txid, Outcome.KEPT, null, detail);
  }

  public static BroadcastResult rejected(String txid, RejectReason reason, String detail) {
    return new BroadcastResult(txid, Outcome.REJECTED, reason, detail);
  }

  /**
   * What a backend answers to {@code rawTx}: {@code broadcast} gets the transaction's display txid
   * and bytes; one that does not parse is rejected as {@link RejectReason#MALFORMED} without asking
   * the chain.
   */
  public static BroadcastResult ifParsed(
      byte[] rawTx, BiFunction<String, byte[], BroadcastResult> broadcast) {
    String txid;
    try {
      txid = Transaction.parse(rawTx).txidHex();
    } catch (FormatException e) {
      return rejected("", RejectReason.MALFORMED, e.getMessage());
    }
    return broadcast.apply(txid, rawTx);
  }

  /**
   * True when the transaction is now with the backend (accepted now or before), or kept to be sent
   * again: either way its sender books it as sent.
   */
  public boolean isAccepted() {
    return outcome != Outcome.REJECTED;
  }
}
