package io.peerwatt.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
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

  @Override
  public void close() {
    workers.close();
  }
}
