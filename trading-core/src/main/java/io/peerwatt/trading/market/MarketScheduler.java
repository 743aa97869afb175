package io.peerwatt.trading.market;

import io.peerwatt.trading.matching.Instrument;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The market's clock work inside the platform: on a Vert.x timer it closes every book whose gate
 * closure has passed (a call auction clears, a continuous book stops) and runs the standing rules.
 * The work itself runs on worker threads; neither job overlaps itself, and neither waits for the
 * other. Time comes from the injected {@link Clock}, so tests can move it. Closing is exactly once:
 * the gate closure, its trades and its clearing result commit together, and a book whose log holds
 * a closure is never closed again (also after a restart).
 */
public final class MarketScheduler {
  private static final Logger log = LoggerFactory.getLogger(MarketScheduler.class);

  private final Vertx vertx;
  private final Function<Callable<TickReport>, Future<TickReport>> workers;
  private final OrderBooks books;
  private final ToIntFunction<Instant> rules;
  private final Clock clock;
  private final Duration tick;
  private final Duration rulesEvery;
  private final AtomicBoolean closingGates = new AtomicBoolean();
  private final AtomicBoolean runningRules = new AtomicBoolean();
  private Instant rulesLastRun = Instant.MIN;
  private long timerId = -1;

  /** What one tick did. */
  public record TickReport(int gatesClosed, int ruleOrdersPlaced) {}

  /**
   * @param workers runs blocking work off the event loop (e.g. {@code ApiContext::blocking})
   * @param rules runs the standing rules at an instant; returns the orders placed
   * @param tick how often the scheduler looks at the clock
   * @param rulesEvery how often standing rules run
   */
  public MarketScheduler(
      Vertx vertx,
      Function<Callable<TickReport>, Future<TickReport>> workers,
      OrderBooks books,
      ToIntFunction<Instant> rules,
      Clock clock,
      Duration tick,
      Duration rulesEvery) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.workers = Objects.requireNonNull(workers, "workers");
    this.books = Objects.requireNonNull(books, "books");
    this.rules = Objects.requireNonNull(rules, "rules");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.tick = Objects.requireNonNull(tick, "tick");
    this.rulesEvery = Objects.requireNonNull(rulesEvery, "rulesEvery");
  }

  /** Starts the periodic timer. */
  public void start() {
    timerId = vertx.setPeriodic(tick.toMillis(), id -> tick());
  }

  /** Stops the timer (a tick under way finishes). */
  public void stop() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
  }

  /**
   * Runs the tick's two jobs on workers, each unless its own previous run is still under way, so
   * gates close on time however long a run of many standing rules takes; the future tells what they
   * did.
   */
  public Future<TickReport> tick() {
    Instant now = clock.instant();
    Future<TickReport> gates =
        once(closingGates, "gate closure", () -> new TickReport(closeGates(now), 0));
    boolean rulesDue = !now.isBefore(rulesLastRun.plus(rulesEvery)) && !runningRules.get();
    if (rulesDue) {
      rulesLastRun = now;
    }
    Future<TickReport> placed =
        rulesDue
            ? once(runningRules, "standing rules", () -> new TickReport(0, rules.applyAsInt(now)))
            : Future.succeededFuture(new TickReport(0, 0));
    return Future.all(gates, placed)
        .map(v -> new TickReport(gates.result().gatesClosed(), placed.result().ruleOrdersPlaced()));
  }

  private Future<TickReport> once(AtomicBoolean running, String what, Callable<TickReport> job) {
    if (!running.compareAndSet(false, true)) {
      return Future.succeededFuture(new TickReport(0, 0));
    }
    return workers
        .apply(job)
        .onFailure(e -> log.error("Market scheduler: {} failed", what, e))
        .onComplete(ar -> running.set(false));
  }

  /** Closes every book whose gate closure has passed at {@code now}; returns how many. */
  private int closeGates(Instant now) {
    int closed = 0;
    for (Instrument instrument : books.booksDueForGateClosure(now)) {
      if (books.closeGate(instrument, now).isPresent()) {
        closed++;
        log.info("Gate closed for {}", instrument);
      }
    }
    return closed;
  }
}
