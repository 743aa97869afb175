package io.peerwatt.settlement;

import java.util.Optional;

/**
 * Durable notes a {@link PaymentPort} keeps per payment so that it stays idempotent across crashes:
 * it records the target before it signs, and on a retry finds it again.
 */
public interface PaymentAttempts {

  /** The target recorded for the payment, if any. */
  Optional<ChannelTarget> target(long paymentId);

  /**
   * Records the target, durable when it returns. It replaces an earlier target only when the
   * account's channel changed (closed and reopened) and the old channel never reached the earlier
   * target.
   *
   * @throws IllegalStateException if the payment is unknown
   */
  void recordTarget(long paymentId, ChannelTarget target);
}
