package io.peerwatt.settlement;

import java.util.Objects;

/**
 * What the payment channels did with a {@link SettlementPayment}.
 *
 * @param status paid, refused, or still pending (e.g. waiting for a gateway's signature)
 * @param refusalCode the payer's stable refusal code when refused (e.g. a gateway's {@code
 *     RefusalReason} code), 0 otherwise
 * @param detail explanation, empty when paid
 */
public record PaymentOutcome(PaymentStatus status, int refusalCode, String detail) {

  public PaymentOutcome {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(detail, "detail");
  }

  public static PaymentOutcome paid() {
    return new PaymentOutcome(PaymentStatus.PAID, 0, "");
  }

  public static PaymentOutcome pending(String why) {
    return new PaymentOutcome(PaymentStatus.PENDING, 0, why);
  }

  public static PaymentOutcome refused(int code, String detail) {
    return new PaymentOutcome(PaymentStatus.REFUSED, code, detail);
  }
}
