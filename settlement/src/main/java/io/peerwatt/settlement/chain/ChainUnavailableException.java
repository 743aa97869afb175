package io.peerwatt.settlement.chain;

/**
 * The chain backend could not be asked (connection, timeout, storage failure). Retrying may help.
 */
public final class ChainUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ChainUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  public ChainUnavailableException(String message) {
    super(message);
  }
}
