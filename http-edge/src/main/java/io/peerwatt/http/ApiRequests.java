package io.peerwatt.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.validation.ValidatedRequest;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * What a handler reads from a request the {@link ApiGate} let through: the caller and the validated
 * input.
 */
public final class ApiRequests {
  /** Routing-context key of the {@link Caller} set by the gate. */
  static final String CALLER_KEY = "peerwatt.caller";

  /** Routing-context key of the bearer token the caller authenticated with, set by the gate. */
  static final String TOKEN_KEY = "peerwatt.token";

  /** Routing-context key of the {@link ValidatedRequest} set by the gate. */
  static final String VALIDATED_KEY = "peerwatt.validated";

  private ApiRequests() {}

  /** The authenticated caller; 401 when the route is public and nobody logged in. */
  public static Caller caller(RoutingContext ctx) {
    Caller caller = ctx.get(CALLER_KEY);
    if (caller == null) {
      throw ApiError.unauthenticated("log in first: send Authorization: Bearer <token>");
    }
    return caller;
  }

  /** The bearer token the caller authenticated with; 401 when nobody logged in. */
  public static String token(RoutingContext ctx) {
    String token = ctx.get(TOKEN_KEY);
    if (token == null) {
      throw ApiError.unauthenticated("log in first: send Authorization: Bearer <token>");
    }
    return token;
  }

  /** The request as validated against the OpenAPI document. */
  public static ValidatedRequest validated(RoutingContext ctx) {
    ValidatedRequest v = ctx.get(VALIDATED_KEY);
    if (v == null) {
      throw new IllegalStateException("route " + ctx.normalizedPath() + " was not validated");
    }
    return v;
  }

  /** The validated JSON body. */
  public static JsonObject body(RoutingContext ctx) {
    Object body = validated(ctx).getBody().get();
    if (body instanceof JsonObject json) {
      return json;
    }
    throw ApiError.badRequest("INVALID_BODY", "the request body must be a JSON object", null);
  }

  /** A validated path parameter as a long. */
  public static long pathLong(RoutingContext ctx, String name) {
    Object v = validated(ctx).getPathParameters().get(name).get();
    return ((Number) v).longValue();
  }

  /** A validated path parameter as a string. */
  public static String pathString(RoutingContext ctx, String name) {
    return String.valueOf(validated(ctx).getPathParameters().get(name).get());
  }

  /** A validated query parameter, or null when absent. */
  public static Object query(RoutingContext ctx, String name) {
    var p = validated(ctx).getQuery().get(name);
    return p == null || p.isNull() ? null : p.get();
  }

  /** A required validated query parameter as an instant (see {@link #instant}). */
  public static Instant queryInstant(RoutingContext ctx, String name) {
    return instant(query(ctx, name), name);
  }

  /**
   * {@code value} (a query parameter or a body field named {@code name}) as an ISO 8601 UTC
   * instant; otherwise 400 {@code INVALID_TIME} naming it.
   */
  public static Instant instant(Object value, String name) {
    try {
      return Instant.parse(String.valueOf(value));
    } catch (DateTimeParseException e) {
      throw ApiError.badRequest(
          "INVALID_TIME", name + " must be an ISO 8601 UTC time like 2026-11-25T00:00:00Z", name);
    }
  }
}
