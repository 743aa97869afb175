package io.peerwatt.settlement;

import java.util.Objects;

/**
 * Where a payment goes and how far: the channel and the payee amount that channel reaches once the
 * payment is in. Commitments carry cumulative amounts, so a payment is done exactly when its
 * channel's acknowledged payee amount has reached the target.
 *
 * @param channelId the channel the payment advances
 * @param payeeAmountSats the channel's cumulative payee amount including this payment
 */
public record ChannelTarget(String channelId, long payeeAmountSats) {

  public ChannelTarget {
    Objects.requireNonNull(channelId, "channelId");
    if (channelId.isEmpty() || channelId.length() > 64 || payeeAmountSats <= 0) {
      throw new IllegalArgumentException("channel id of 1..64 characters and a positive target");
    }
  }
}
