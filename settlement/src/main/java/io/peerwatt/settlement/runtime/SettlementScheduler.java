package io.peerwatt.settlement.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link SettlementPass} on a timer, on one thread of its own: everything that touches the
 * settlement objects runs there, because the settlement service is not thread-safe; {@link #call}
 * runs other work on the same thread. A failed pass is logged and retried by the next one
 * (settlement is idempotent per slot and payment).
 */
public final class SettlementScheduler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SettlementScheduler.class);

  /** How long {@link #call} waits for the worker. */
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(120);

  private final SettlementPass pass;
  private final ScheduledExecutorService worker;

  /** Passes and errors the monitor keeps. */
  private static final int KEPT = 20;

  private final AtomicLong passes = new AtomicLong();
  private volatile ScheduledFuture<?> timer;
  private volatile String lastError;
  private final Clock clock;
  private final Deque<PassRecord> recent = new ArrayDeque<>();

  /**
   * @param clock the platform's time, which the monitor's records carry
   */
  public SettlementScheduler(SettlementPass pass, Clock clock) {
    this.pass = Objects.requireNonNull(pass, "pass");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.worker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "peerwatt-settlement");
              t.setDaemon(true);
              return t;
            });
  }

  /** Runs a pass every {@code every}, the first after one interval. */
  public void start(Duration every) {
    timer =
        worker.scheduleWithFixedDelay(
            this::runPass, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void runPass() {
    Instant startedAt = clock.instant();
    long started = System.nanoTime();
    try {
      PassRecord.Work work = pass.run();
      passes.incrementAndGet();
      lastError = null;
      keep(
          new PassRecord(
              startedAt,
              (System.nanoTime() - started) / 1_000_000,
              work.statements(),
              work.payments(),
              work.anchored(),
              work.anchorFailures(),
              null));
    } catch (RuntimeException e) {
      // the next pass retries; settlement itself is idempotent per slot and payment
      lastError = String.valueOf(e.getMessage());
      log.error("settlement pass failed; retrying on the next pass", e);
      keep(
          new PassRecord(
              startedAt, (System.nanoTime() - started) / 1_000_000, 0, 0, 0, List.of(), lastError));
    }
  }

  private void keep(PassRecord record) {
    synchronized (recent) {
      recent.addFirst(record);
      while (recent.size() > KEPT) {
        recent.removeLast();
      }
    }
  }

  /** The last passes, newest first (at most 20). */
  public List<PassRecord> recentPasses() {
    synchronized (recent) {
      return List.copyOf(recent);
    }
  }

  /** Runs {@code work} on the settlement thread and waits for it. */
  public <T> T call(Callable<T> work) {
    try {
      return worker.submit(work).get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "settlement worker busy for " + CALL_TIMEOUT.toSeconds() + " s", e);
    }
  }

  /**
   * Stops the passes and closes every open channel on chain (the end of a demo: no channel is
   * reopened afterwards, and nothing writes transactions while the export reads them), waiting up
   * to {@code gatewayWait} for the gateways of machine-to-machine sellers to close theirs.
   *
   * @return the closing transactions' txids
   */
  public List<String> stopAndCloseAllChannels(Duration gatewayWait) throws InterruptedException {
    timer.cancel(false);
    List<String> closed = new ArrayList<>(call(pass::closeAllChannels));
    long deadline = System.nanoTime() + gatewayWait.toNanos();
    Map<String, String> closes = call(pass::gatewayCloses);
    while (closes.containsValue(null) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      closes = call(pass::gatewayCloses);
    }
    closes.forEach(
        (channelId, txid) -> {
          if (txid == null) {
            log.warn(
                "the gateway did not close {} in time: the hub takes the funds back by the refund after expiry",
                channelId);
          } else {
            closed.add(txid);
          }
        });
    return closed;
  }

  /** Passes that completed. */
  public long passes() {
    return passes.get();
  }

  /** Why the last pass failed, or null when it did not. */
  public String lastError() {
    return lastError;
  }

  /** Stops the passes, letting one under way finish (up to 30 s). */
  @Override
  public void close() {
    worker.shutdown();
    try {
      worker.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
