package io.peerwatt.db;

/** PostgreSQL could not be reached or started; the message names where and why, for the user. */
public class DatabaseUnavailableException extends RuntimeException {
  public DatabaseUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
