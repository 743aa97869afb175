package io.peerwatt.settlement.anchor;

/**
 * What happened to one anchor attempt.
 *
 * @param anchorKey what was anchored
 * @param status anchored, rejected by the chain, or not funded
 * @param txid the anchor transaction (display hex); empty unless anchored or rejected
 * @param leafCount leaves in the tree
 * @param detail the chain's or wallet's words
 */
public record AnchorOutcome(
    String anchorKey, Status status, String txid, int leafCount, String detail) {

  /** Outcome codes (stable). */
  public enum Status {
    ANCHORED(1),
    REJECTED(2),
    NOT_FUNDED(3);

    private final int code;

    Status(int code) {
      this.code = code;
    }

    public int code() {
      return code;
    }
  }
}
