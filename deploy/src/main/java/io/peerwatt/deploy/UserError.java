package io.peerwatt.deploy;

/**
 * A failure the user can fix (bad config, unreachable database, port in use): printed as one line
 * without a stack trace, exit code 2.
 */
public class UserError extends RuntimeException {
  public UserError(String message) {
    super(message);
  }

  public UserError(String message, Throwable cause) {
    super(message, cause);
  }
}
