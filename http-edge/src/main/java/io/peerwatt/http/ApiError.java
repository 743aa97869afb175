package io.peerwatt.http;

import java.time.Duration;

/**
 * A request the API refuses: the HTTP status, a stable machine-readable code, a message for people
 * and, when one input is to blame, its field name. Rendered as {@code {"error": code, "message":
 * ..., "field": ...}}; never carries a stack trace to the client.
 */
public final class ApiError extends RuntimeException {
  private final int status;
  private final String code;
  private final String field;
  private final long retryAfterSeconds;

  public ApiError(int status, String code, String message, String field) {
    this(status, code, message, field, 0);
  }

  private ApiError(int status, String code, String message, String field, long retryAfterSeconds) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.field = field;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** 429 with a {@code Retry-After} of {@code wait}, rounded up to whole seconds. */
  public static ApiError tooManyRequests(String message, Duration wait) {
    return new ApiError(
        429, "TOO_MANY_REQUESTS", message, null, Math.max(1, (wait.toMillis() + 999) / 1000));
  }

  public static ApiError badRequest(String code, String message, String field) {
    return new ApiError(400, code, message, field);
  }

  public static ApiError unauthenticated(String message) {
    return new ApiError(401, "UNAUTHENTICATED", message, null);
  }

  public static ApiError forbidden(String message) {
    return new ApiError(403, "FORBIDDEN", message, null);
  }

  public static ApiError notFound(String what) {
    return new ApiError(404, "NOT_FOUND", what + " not found", null);
  }

  public static ApiError conflict(String code, String message, String field) {
    return new ApiError(409, code, message, field);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  /** Seconds the client should wait before retrying, or 0. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** The offending input's name, or null. */
  public String field() {
    return field;
  }
}
