package io.peerwatt.trading.market;

import java.time.Duration;

/**
 * A book did not answer a command within the time a caller waits. The command may still be applied
 * later (it is in the book's log), so callers must not assume it was not.
 */
public final class BooksUnavailableException extends RuntimeException {
  private final Duration waited;

  public BooksUnavailableException(String message, Duration waited, Throwable cause) {
    super(message, cause);
    this.waited = waited;
  }

  /** How long the caller waited for the answer. */
  public Duration waited() {
    return waited;
  }
}
