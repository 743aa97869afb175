package io.peerwatt.trading.market;

/**
 * Why the market refused a request: the HTTP status it maps to, a stable code (the matching
 * engine's {@link io.peerwatt.trading.matching.ResultCode} name, or one of the API's own such as
 * {@code SLOT_NOT_OPEN}), the request field at fault (JSON property name, or null) and a message.
 */
public record Rejection(int status, String error, String field, String message) {

  static Rejection badRequest(String error, String field, String message) {
    return new Rejection(400, error, field, message);
  }

  static Rejection notFound(String field, String message) {
    return new Rejection(404, "NOT_FOUND", field, message);
  }

  static Rejection conflict(String error, String field, String message) {
    return new Rejection(409, error, field, message);
  }
}
