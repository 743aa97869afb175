package io.peerwatt.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How the API answers: JSON results, and every failure as the JSON error body. */
public final class ApiResponses {
  private static final Logger log = LoggerFactory.getLogger(ApiResponses.class);

  private ApiResponses() {}

  /**
   * Answers with {@code status} and the JSON {@code result} once {@code future} succeeds; a failure
   * goes to the router's failure handler (an {@link ApiError} becomes its status and JSON error
   * body).
   */
  public static <T> void respond(RoutingContext ctx, int status, Future<T> future) {
    future.onComplete(
        ar -> {
          if (ar.failed()) {
            ctx.fail(ar.cause());
            return;
          }
          Object result = ar.result();
          String text =
              result instanceof JsonObject o
                  ? o.encode()
                  : result instanceof JsonArray a
                      ? a.encode()
                      : new JsonObject().put("result", result).encode();
          ctx.response()
              .setStatusCode(status)
              .putHeader("content-type", "application/json")
              .end(text);
        });
  }

  /** The failure handler: known refusals as their JSON error, everything else as a bare 500. */
  public static void renderFailure(RoutingContext ctx) {
    ApiError error = failureAsError(ctx, log, "API");
    if (ctx.response().ended()) {
      return;
    }
    JsonObject body =
        new JsonObject()
            .put("error", error.code())
            .put("message", error.getMessage())
            .put("field", error.field());
    ctx.response().setStatusCode(error.status()).putHeader("content-type", "application/json");
    if (error.status() == 401) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
    }
    if (error.retryAfterSeconds() > 0) {
      ctx.response().putHeader("Retry-After", Long.toString(error.retryAfterSeconds()));
    }
    ctx.response().end(body.encode());
  }

  /**
   * The request's failure as the error to answer: an {@link ApiError} as it is, a refused body
   * (413) or other client error without a cause as its status, anything else logged to {@code log}
   * (as a failed {@code kind} request) and answered as a bare 500.
   */
  public static ApiError failureAsError(RoutingContext ctx, Logger log, String kind) {
    Throwable failure = ctx.failure();
    if (failure instanceof ApiError e) {
      return e;
    } else if (failure == null && ctx.statusCode() == 413) {
      return new ApiError(413, "BODY_TOO_LARGE", "the request body is larger than allowed", null);
    } else if (failure == null && ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      return new ApiError(ctx.statusCode(), "BAD_REQUEST", "the request cannot be processed", null);
    }
    log.error(
        "{} request {} {} failed", kind, ctx.request().method(), ctx.request().path(), failure);
    return new ApiError(500, "INTERNAL", "internal error; the platform log has the details", null);
  }
}
