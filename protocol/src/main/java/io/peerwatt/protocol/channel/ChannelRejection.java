package io.peerwatt.protocol.channel;

import io.peerwatt.protocol.encoding.StableCode;

/**
 * Why a channel step was refused. Stable codes: 1xx opening, 2xx commitments (payee's checks), 3xx
 * the payer's own limits, 4xx lifecycle.
 */
public enum ChannelRejection implements StableCode.Described {
  BAD_TERMS(101, "channel terms are inconsistent"),
  REFUND_MISMATCH(102, "the refund is not the one the terms define"),
  BAD_REFUND_SIGNATURE(103, "the payee's refund signature does not verify"),
  FUNDING_MISMATCH(104, "the funding transaction does not pay the channel's 2-of-2 output"),
  FUNDING_REJECTED(105, "the chain refused the funding transaction"),
  WRONG_CHANNEL(201, "commitment for another channel"),
  MALFORMED_COMMITMENT(202, "commitment transaction cannot be parsed"),
  STALE_SEQUENCE(203, "commitment sequence is not newer than the stored one"),
  AMOUNT_NOT_INCREASING(204, "the payee's amount would not grow"),
  CHANGED_OUTPUTS(
      205,
      "commitment transaction differs from the agreed template (outputs, fee, input or lock time)"),
  BAD_SIGNATURE(206, "the payer's signature does not verify"),
  CONFLICTING_DUPLICATE(207, "a different commitment with the same sequence was already accepted"),
  EXCEEDS_CAPACITY(301, "amount exceeds what the channel holds after the fee"),
  EXCEEDS_SPENDING_CAP(302, "amount exceeds the spending cap the owner set"),
  BELOW_DUST(303, "the payee's amount is below the dust limit"),
  NOT_OPEN(401, "the channel is not open"),
  NOTHING_TO_CLOSE(402, "no commitment has been accepted yet"),
  PAYEE_UNREACHABLE(403, "the payee did not answer");

  private final StableCode stableCode;

  ChannelRejection(int code, String description) {
    this.stableCode = new StableCode(code, description);
  }

  @Override
  public StableCode stableCode() {
    return stableCode;
  }
}
