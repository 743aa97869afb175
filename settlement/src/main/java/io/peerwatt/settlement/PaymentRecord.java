package io.peerwatt.settlement;

import java.util.Objects;

/** A stored settlement payment and its outcome so far. */
public record PaymentRecord(SettlementPayment payment, PaymentOutcome outcome) {

  public PaymentRecord {
    Objects.requireNonNull(payment, "payment");
    Objects.requireNonNull(outcome, "outcome");
  }
}
