package io.peerwatt.trading.market;

import static io.peerwatt.db.schema.Tables.MARKET_RULES_TURN;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.db.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Several market nodes tick; the standing rules of an interval run on exactly one of them, never
 * two at once.
 */
@ExtendWith(PostgresExtension.class)
class StandingRulesTurnTest {
  private static final Duration EVERY = Duration.ofMinutes(1);

  @Test
  void oneNodeRunsTheRulesOfAnIntervalAndNoneWhileAnotherRuns(TestDatabase db) throws Exception {
    db.dsl().update(MARKET_RULES_TURN).set(MARKET_RULES_TURN.RAN_AT, Instant.EPOCH).execute();
    StandingRulesTurn nodeA = new StandingRulesTurn(db.dsl(), EVERY);
    StandingRulesTurn nodeB = new StandingRulesTurn(db.dsl(), EVERY);
    AtomicInteger runs = new AtomicInteger();
    Instant tick = Instant.parse("2030-01-07T10:00:00Z");

    assertThat(nodeA.runIfOurs(tick, now -> runs.incrementAndGet())).isEqualTo(1);
    // the same interval, a moment later on the other node: already taken
    assertThat(nodeB.runIfOurs(tick.plusMillis(400), now -> runs.incrementAndGet())).isZero();
    assertThat(runs).hasValue(1);

    // the next interval: whoever comes first; the other skips while it runs, and after it
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    Instant next = tick.plus(EVERY);
    CompletableFuture<Integer> slow =
        CompletableFuture.supplyAsync(
            () ->
                nodeB.runIfOurs(
                    next,
                    now -> {
                      running.countDown();
                      try {
                        finish.await(10, TimeUnit.SECONDS);
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                      return runs.incrementAndGet();
                    }));
    assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(nodeA.runIfOurs(next.plusSeconds(90), now -> runs.incrementAndGet())).isZero();
    finish.countDown();
    assertThat(slow.get(10, TimeUnit.SECONDS)).isEqualTo(2);
    assertThat(nodeA.runIfOurs(next.plusMillis(500), now -> runs.incrementAndGet())).isZero();
    assertThat(runs).hasValue(2);
  }
}
