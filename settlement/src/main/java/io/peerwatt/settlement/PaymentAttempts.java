package io.peerwatt.settlement;

import java.util.Optional;

/**
 * Durable notes a {@link PaymentPort} keeps per payment so that it stays idempotent across crashes:
 * it records the target before it signs, and on a retry finds it again.
 */
public interface PaymentAttempts {

  /** The target recorded for the payment, if any. */
  Optional<ChannelTarget> target(long paymentId);

  /** Records the target; durable when it returns. A payment's target is recorded at most once. */
  void recordTarget(long paymentId, ChannelTarget target);
}
