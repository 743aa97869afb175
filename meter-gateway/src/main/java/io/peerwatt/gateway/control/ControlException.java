package io.peerwatt.gateway.control;

/** The device could not be read or did not take a setpoint; the message says what happened. */
public final class ControlException extends Exception {
  private static final long serialVersionUID = 1L;

  public ControlException(String message) {
    super(message);
  }

  public ControlException(String message, Throwable cause) {
    super(message, cause);
  }
}
