package io.peerwatt.settlement;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Records the payments it is handed and answers with a configurable outcome. */
final class RecordingPaymentPort implements PaymentPort {
  final List<SettlementPayment> sent = new ArrayList<>();
  Function<SettlementPayment, PaymentOutcome> answer = p -> PaymentOutcome.paid();

  @Override
  public PaymentOutcome send(SettlementPayment payment, PaymentAttempts attempts) {
    sent.add(payment);
    return answer.apply(payment);
  }
}
