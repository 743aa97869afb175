package io.peerwatt.trading.ingest;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The threads reading ingest runs on, here and on a cluster's ingest nodes. */
public final class IngestThreads {
  private IngestThreads() {}

  /**
   * The pool that checks uploads (parse and signatures) on {@code threads} daemon threads named
   * {@code peerwatt-ingest-check-N}: a stuck check never keeps the JVM from exiting.
   */
  public static ExecutorService checkPool(int threads) {
    AtomicInteger count = new AtomicInteger();
    return Executors.newFixedThreadPool(
        threads,
        r -> {
          Thread t = new Thread(r, "peerwatt-ingest-check-" + count.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  /**
   * Lets the checks already submitted to {@code checks} run, then stops its threads. Checks are CPU
   * only and short: each hands its batch on before it ends, so a minute is plenty.
   */
  public static void finish(ExecutorService checks) {
    checks.shutdown();
    try {
      checks.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Waits until {@code thread} has ended, even when interrupted meanwhile (a writer must finish the
   * batch it holds); answers whether it was, so the caller can restore the interrupt once it is
   * done.
   */
  public static boolean awaitEnd(Thread thread) {
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    return interrupted;
  }
}
