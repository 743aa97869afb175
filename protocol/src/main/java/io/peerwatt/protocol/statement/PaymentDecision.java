package io.peerwatt.protocol.statement;

import java.util.Objects;

/**
 * A gateway's answer to a statement: sign {@code paySat} or refuse with a reason.
 *
 * @param approved whether to sign
 * @param paySat satoshis the gateway pays the hub for this statement version (0 when it owes
 *     nothing)
 * @param reason why it refuses, null when approved
 * @param detail human-readable explanation, empty when approved
 */
public record PaymentDecision(boolean approved, long paySat, RefusalReason reason, String detail) {

  public PaymentDecision {
    Objects.requireNonNull(detail, "detail");
    if (approved != (reason == null)) {
      throw new IllegalArgumentException("a refusal needs a reason and an approval has none");
    }
  }

  static PaymentDecision approve(long paySat) {
    return new PaymentDecision(true, paySat, null, "");
  }

  static PaymentDecision refuse(RefusalReason reason, String detail) {
    return new PaymentDecision(false, 0, reason, detail);
  }
}
