package io.peerwatt.trading;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.validation.ValidatedRequest;
import java.time.Clock;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.jooq.DSLContext;

/**
 * What every API handler works with: Vert.x, the database (only through {@link #blocking}, which runs on
 * a bounded worker pool, never the event loop), the platform clock and settings, and helpers to read the
 * caller and the validated request and to answer with JSON.
 */
public final class ApiContext {
  /** Routing-context key of the {@link Caller} set by the authentication handler. */
  static final String CALLER_KEY = "peerwatt.caller";
  /** Routing-context key of the {@link ValidatedRequest} set by the validation handler. */
  static final String VALIDATED_KEY = "peerwatt.validated";

  private final Vertx vertx;
  private final DSLContext dsl;
  private final DataSource dataSource;
  private final Clock clock;
  private final TradingSettings settings;
  private final WorkerExecutor workers;

  ApiContext(Vertx vertx, DSLContext dsl, DataSource dataSource, Clock clock, TradingSettings settings,
      WorkerExecutor workers) {
    this.vertx = vertx;
    this.dsl = dsl;
    this.dataSource = dataSource;
    this.clock = clock;
    this.settings = settings;
    this.workers = workers;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The jOOQ context; use it only inside {@link #blocking}. */
  public DSLContext dsl() {
    return dsl;
  }

  /** The pooled data source; use it only inside {@link #blocking}. */
  public DataSource dataSource() {
    return dataSource;
  }

  public Clock clock() {
    return clock;
  }

  public TradingSettings settings() {
    return settings;
  }

  /** Runs blocking (JDBC) work on the API's worker pool; unordered, so requests run in parallel. */
  public <T> Future<T> blocking(Callable<T> work) {
    return workers.executeBlocking(work, false);
  }

  /** The authenticated caller; 401 when the route is public and nobody logged in. */
  public static Caller caller(RoutingContext ctx) {
    Caller caller = ctx.get(CALLER_KEY);
    if (caller == null) {
      throw ApiError.unauthenticated("log in first: send Authorization: Bearer <token>");
    }
    return caller;
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

  /**
   * Answers with {@code status} and the JSON {@code result} once {@code future} succeeds; a failure goes
   * to the router's failure handler (an {@link ApiError} becomes its status and JSON error body).
   */
  public static <T> void respond(RoutingContext ctx, int status, Future<T> future) {
    future.onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      Object result = ar.result();
      String text = result instanceof JsonObject o ? o.encode()
          : result instanceof JsonArray a ? a.encode()
          : new JsonObject().put("result", result).encode();
      ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(text);
    });
  }
}
