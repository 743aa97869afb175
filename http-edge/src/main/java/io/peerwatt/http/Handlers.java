package io.peerwatt.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.Callable;

/**
 * Route handlers whose answer is worked out off the event loop. A handler of this kind reads the
 * request where it arrives (caller, path, query, body: quick, and a refusal there is answered at
 * once) and returns the work that makes the JSON answer; {@link #ok} and {@link #created} run that
 * work on the resource's pool and answer with its result, or its failure as the JSON error body.
 *
 * <pre>{@code
 * Handlers handlers = new Handlers(blocking);      // or new Handlers(market::work)
 * router.get("/zones/:code").handler(handlers.ok(this::get));
 *
 * private Callable<JsonObject> get(RoutingContext ctx) {
 *   ApiRequests.caller(ctx);
 *   String code = ApiRequests.pathString(ctx, "code");
 *   return () -> toJson(zones.zone(code).orElseThrow(() -> ApiError.notFound("zone " + code)));
 * }
 * }</pre>
 */
public final class Handlers {

  /** Where the work runs: the API's {@link Blocking} pool, or a resource's own queue. */
  @FunctionalInterface
  public interface Pool {
    /** Runs {@code work}; the future completes with its result or its failure. */
    <T> Future<T> run(Callable<T> work);
  }

  /** Reads a request and returns the work that answers it. */
  @FunctionalInterface
  public interface RequestReader {
    Callable<?> read(RoutingContext ctx);
  }

  private final Pool pool;

  public Handlers(Pool pool) {
    this.pool = pool;
  }

  /** Answers 200 with the JSON the request's work returns. */
  public Handler<RoutingContext> ok(RequestReader reader) {
    return answering(200, reader);
  }

  /** Answers 201 with the JSON the request's work returns. */
  public Handler<RoutingContext> created(RequestReader reader) {
    return answering(201, reader);
  }

  private Handler<RoutingContext> answering(int status, RequestReader reader) {
    return ctx -> ApiResponses.respond(ctx, status, pool.run(reader.read(ctx)));
  }
}
