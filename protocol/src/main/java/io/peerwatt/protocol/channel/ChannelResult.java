package io.peerwatt.protocol.channel;

import java.util.Objects;

/**
 * The outcome of a channel step: a value, or a rejection with detail. Exactly one of {@code value}
 * and {@code rejection} is set.
 */
public record ChannelResult<T>(T value, ChannelRejection rejection, String detail) {
  public ChannelResult {
    if ((value == null) == (rejection == null)) {
      throw new IllegalArgumentException("exactly one of value and rejection");
    }
    Objects.requireNonNull(detail, "detail");
  }

  public static <T> ChannelResult<T> ok(T value) {
    return new ChannelResult<>(value, null, "ok");
  }

  public static <T> ChannelResult<T> rejected(ChannelRejection rejection, String detail) {
    return new ChannelResult<>(null, rejection, detail);
  }

  public boolean isOk() {
    return rejection == null;
  }

  /** The value; throws if rejected (for callers that already checked {@link #isOk()}). */
  public T orThrow() {
    if (rejection != null) {
      throw new IllegalStateException(rejection + ": " + detail);
    }
    return value;
  }
}
