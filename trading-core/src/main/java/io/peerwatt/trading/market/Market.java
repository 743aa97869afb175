package io.peerwatt.trading.market;

import io.peerwatt.http.Blocking;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.ToIntFunction;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform's market as one unit: the zones' rules, the books, orders, standing rules, and the
 * scheduler that closes gates and runs the rules. {@link #start} readies the books on the worker
 * pool (the in-process engine replays the open books' logs), then starts the scheduler; {@link
 * #work} holds requests until the books are ready.
 */
public final class Market {
  private static final Logger log = LoggerFactory.getLogger(Market.class);

  /** How often the scheduler looks at the clock. */
  static final Duration TICK = Duration.ofSeconds(1);

  /** How often (platform clock) standing rules run. */
  static final Duration RULES_EVERY = Duration.ofMinutes(1);

  /** Whether and how this node runs the market's clock work. */
  public enum Schedule {
    /** No scheduler: another node closes gates and runs the standing rules. */
    NONE,
    /** The only market node: it closes every gate and runs the standing rules each interval. */
    SOLE,
    /**
     * One of several market nodes: each closes due gates (a second closure changes nothing), the
     * standing rules of an interval run on whichever node takes its turn first.
     */
    SHARED
  }

  private final DSLContext dsl;
  private final MarketZones zones;
  private final OrderBooks books;
  private final Schedule schedule;
  private final OrderService orders;
  private final StandingRules rules;
  private final RuleRunner runner;
  private Blocking blocking;
  private MarketScheduler scheduler;
  private Future<Integer> recovered;

  /** The single process's market: the in-process {@link MarketEngine}, scheduled here alone. */
  public Market(DSLContext dsl) {
    this(dsl, new MarketEngine(dsl, new MarketZones(dsl)), Schedule.SOLE);
  }

  /**
   * A market over {@code books} (a cluster node's), with this node's part of the clock work.
   *
   * @param books where commands go and depth comes from
   */
  public Market(DSLContext dsl, OrderBooks books, Schedule schedule) {
    this.dsl = Objects.requireNonNull(dsl, "dsl");
    this.zones = new MarketZones(dsl);
    this.books = Objects.requireNonNull(books, "books");
    this.schedule = Objects.requireNonNull(schedule, "schedule");
    this.orders = new OrderService(dsl, zones, books);
    this.rules = new StandingRules(dsl, zones, orders);
    this.runner = new RuleRunner(zones, orders, rules, new ForecastReadings(dsl));
  }

  /**
   * Readies the books (on the worker pool: the in-process engine recovers those whose gate has not
   * closed), then starts the scheduler on {@code clock} unless this node runs none. Register {@link
   * OrderBooks#addListener listeners} before: recovered books take commands from then on.
   */
  public void start(Vertx vertx, Blocking blocking, Clock clock) {
    this.blocking = Objects.requireNonNull(blocking, "blocking");
    ToIntFunction<Instant> rulesRun =
        schedule == Schedule.SHARED
            ? now -> new StandingRulesTurn(dsl, RULES_EVERY).runIfOurs(now, runner::runAll)
            : runner::runAll;
    MarketScheduler created =
        schedule == Schedule.NONE
            ? null
            : new MarketScheduler(vertx, blocking::run, books, rulesRun, clock, TICK, RULES_EVERY);
    this.scheduler = created;
    this.recovered =
        blocking
            .run(books::recoverOpenBooks)
            .onSuccess(
                n -> {
                  if (created != null) {
                    created.start();
                  }
                })
            .onFailure(
                e -> log.error("Recovering the order books failed; the market stays closed", e));
  }

  /**
   * Runs {@code task} on the worker pool once the books are recovered; fails when recovery failed.
   */
  public <T> Future<T> work(Callable<T> task) {
    return recovered.compose(n -> blocking.run(task));
  }

  public MarketZones zones() {
    return zones;
  }

  public OrderBooks books() {
    return books;
  }

  public OrderService orders() {
    return orders;
  }

  public StandingRules rules() {
    return rules;
  }

  /** Stops the scheduler (a tick under way finishes). */
  public void stop() {
    if (scheduler != null) {
      scheduler.stop();
    }
  }
}
