package io.peerwatt.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.Callable;

/**
 * The API's bounded worker pool: every blocking (JDBC, file, CPU-heavy) piece of a request runs
 * here, never on an event loop. Unordered, so requests run in parallel up to the pool's size.
 */
public final class Blocking implements AutoCloseable, Handlers.Pool {
  private final WorkerExecutor workers;

  private Blocking(WorkerExecutor workers) {
    this.workers = workers;
  }

  /** A pool of {@code size} threads named after {@code name}. */
  public static Blocking create(Vertx vertx, String name, int size) {
    return new Blocking(vertx.createSharedWorkerExecutor(name, size));
  }

  /** Runs {@code work} on the pool. */
  @Override
  public <T> Future<T> run(Callable<T> work) {
    return workers.executeBlocking(work, false);
  }

  /**
   * Runs {@code work} on the pool and answers the request with its result and {@code status}, or
   * with the error it failed with ({@link ApiResponses#respond}).
   */
  public <T> void respond(RoutingContext ctx, int status, Callable<T> work) {
    ApiResponses.respond(ctx, status, run(work));
  }

  @Override
  public void close() {
    workers.close();
  }
}
