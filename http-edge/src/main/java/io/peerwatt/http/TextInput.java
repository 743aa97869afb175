package io.peerwatt.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatedRequest;
import java.math.BigDecimal;
import java.util.Map;

/**
 * The text and numbers of every request, checked before any handler sees it. Every number must be a
 * whole number a {@code long} holds (JSON readers wrap larger ones). No string of the body, path or
 * query may hold a control character (NUL, which PostgreSQL cannot store, or any other C0/C1
 * character or DEL), and no string may be longer than {@link #MAX_CHARS}, so that no input reaches
 * the database as something it refuses with an error. The OpenAPI document's own {@code maxLength}
 * limits each named field further.
 */
final class TextInput {
  /**
   * Longest string accepted anywhere in a request: a backstop above the document's largest {@code
   * maxLength} (a raw transaction's hex, 200,000), for any field the document leaves unbounded.
   */
  static final int MAX_CHARS = 262_144;

  private TextInput() {}

  /** Null when every string of {@code request} is acceptable, else the 400 naming the first. */
  static ApiError firstProblem(ValidatedRequest request) {
    ApiError problem = parameters(request.getPathParameters(), "path ");
    if (problem == null) {
      problem = parameters(request.getQuery(), "query ");
    }
    if (problem == null && request.getBody() != null && !request.getBody().isNull()) {
      problem = value(request.getBody().get(), null);
    }
    return problem;
  }

  private static ApiError parameters(Map<String, RequestParameter> parameters, String kind) {
    if (parameters == null) {
      return null;
    }
    for (Map.Entry<String, RequestParameter> e : parameters.entrySet()) {
      if (e.getValue() != null && !e.getValue().isNull()) {
        ApiError problem = value(e.getValue().get(), e.getKey());
        if (problem != null) {
          return problem;
        }
      }
    }
    return null;
  }

  private static ApiError value(Object value, String field) {
    if (value instanceof String s) {
      return text(s, field);
    }
    if (value instanceof Number n && !isLong(n)) {
      // every number of the API is a whole number held in a long: a larger one would wrap
      String name = field == null ? "body" : field;
      return ApiError.badRequest(
          "INVALID_NUMBER",
          name + ": must be a whole number in " + Long.MIN_VALUE + ".." + Long.MAX_VALUE,
          field);
    }
    if (value instanceof JsonObject o) {
      for (Map.Entry<String, Object> e : o) {
        String name = field == null ? e.getKey() : field + "." + e.getKey();
        ApiError problem = text(e.getKey(), name);
        if (problem == null) {
          problem = value(e.getValue(), name);
        }
        if (problem != null) {
          return problem;
        }
      }
    }
    if (value instanceof JsonArray a) {
      for (int i = 0; i < a.size(); i++) {
        ApiError problem = value(a.getValue(i), (field == null ? "" : field) + "[" + i + "]");
        if (problem != null) {
          return problem;
        }
      }
    }
    return null;
  }

  private static boolean isLong(Number n) {
    if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
      return true;
    }
    try {
      new BigDecimal(n.toString()).longValueExact();
      return true;
    } catch (ArithmeticException | NumberFormatException e) {
      return false;
    }
  }

  private static ApiError text(String s, String field) {
    String name = field == null ? "body" : field;
    if (s.length() > MAX_CHARS) {
      return ApiError.badRequest(
          "INVALID_TEXT", name + ": at most " + MAX_CHARS + " characters", field);
    }
    for (int i = 0; i < s.length(); i++) {
      if (Character.isISOControl(s.charAt(i))) {
        return ApiError.badRequest(
            "INVALID_TEXT",
            name
                + ": must not contain control characters (found U+"
                + String.format("%04X", (int) s.charAt(i))
                + " at position "
                + i
                + ")",
            field);
      }
    }
    return null;
  }
}
