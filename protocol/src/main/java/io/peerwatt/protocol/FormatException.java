package io.peerwatt.protocol;

/**
 * Bytes or text that do not follow a PeerWatt or Bitcoin wire format; the message says where and
 * why.
 */
public class FormatException extends RuntimeException {
  public FormatException(String message) {
    super(message);
  }

  public FormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
