package io.peerwatt.trading.market;

import io.peerwatt.http.Blocking;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform's market as one unit: the zones' rules, the books behind their command logs, orders,
 * standing rules, and the scheduler that closes gates and runs the rules. {@link #start} replays
 * the open books' logs on the worker pool, then starts the scheduler; {@link #work} holds requests
 * until the books are back.
 */
public final class Market {
  private static final Logger log = LoggerFactory.getLogger(Market.class);

  /** How often the scheduler looks at the clock. */
  static final Duration TICK = Duration.ofSeconds(1);

  /** How often (platform clock) standing rules run. */
  static final Duration RULES_EVERY = Duration.ofMinutes(1);

  private final MarketZones zones;
  private final MarketEngine engine;
  private final OrderService orders;
  private final StandingRules rules;
  private final RuleRunner runner;
  private Blocking blocking;
  private MarketScheduler scheduler;
  private Future<Integer> recovered;

  public Market(DSLContext dsl) {
    this.zones = new MarketZones(dsl);
    this.engine = new MarketEngine(dsl, zones);
    this.orders = new OrderService(dsl, zones, engine);
    this.rules = new StandingRules(dsl, zones, orders);
    this.runner = new RuleRunner(zones, orders, rules, new ForecastReadings(dsl));
  }

  /**
   * Recovers the books whose gate has not closed (on the worker pool), then starts the scheduler on
   * {@code clock}. Register {@link MarketEngine#addListener listeners} before: recovered books take
   * commands from then on.
   */
  public void start(Vertx vertx, Blocking blocking, Clock clock) {
    this.blocking = Objects.requireNonNull(blocking, "blocking");
    this.scheduler =
        new MarketScheduler(vertx, blocking::run, engine, runner, clock, TICK, RULES_EVERY);
    this.recovered =
        blocking
            .run(engine::recoverOpenBooks)
            .onSuccess(n -> scheduler.start())
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

  public MarketEngine engine() {
    return engine;
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
