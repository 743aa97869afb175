package io.peerwatt.deploy.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Work for each of many homes, a few at a time: a home's part mostly waits on the platform's
 * answers (and its password hashing), so a few side by side finish much sooner than one after
 * another, without crowding the platform with hundreds at once.
 */
final class FewAtATime {
  /** How many at once. */
  static final int AT_ONCE = 8;

  /** One item's work; it may fail with an I/O error. */
  interface Work<T, R> {
    R apply(T item) throws IOException;
  }

  private FewAtATime() {}

  /**
   * Applies {@code work} to every item, {@link #AT_ONCE} at a time on daemon threads called {@code
   * threadName}; once all have ended, hands each result to {@code done} in the items' order (so
   * what was started can be stopped later even when another item failed), then throws the first
   * failure: an I/O error as {@link UncheckedIOException}.
   */
  static <T, R> void run(
      List<T> items, String threadName, Work<T, R> work, Consumer<? super R> done) {
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.max(1, Math.min(AT_ONCE, items.size())),
            r -> {
              Thread t = new Thread(r, threadName);
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<R>> started = new ArrayList<>();
      for (T item : items) {
        started.add(pool.submit(() -> work.apply(item)));
      }
      Throwable failure = null;
      for (Future<R> f : started) {
        try {
          done.accept(f.get());
        } catch (ExecutionException e) {
          failure = failure == null ? e.getCause() : failure;
        }
      }
      if (failure instanceof IOException io) {
        throw new UncheckedIOException(io);
      }
      if (failure instanceof RuntimeException re) {
        throw re;
      }
      if (failure != null) {
        throw new IllegalStateException(failure.getMessage(), failure);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while " + threadName + " ran", e);
    } finally {
      pool.shutdownNow();
    }
  }
}
