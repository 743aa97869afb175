package io.peerwatt.trading.market;

import static io.peerwatt.db.schema.Tables.MARKET_RULES_TURN;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.ToIntFunction;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * Which of several market nodes runs the standing rules of a tick: the one that, holding a
 * PostgreSQL advisory lock, moves {@code market_rules_turn} forward by at least one interval. The
 * lock and the moved row stay in one transaction held open for the whole run, so no other node runs
 * the rules at the same time, and none runs them again within the interval after a run.
 */
final class StandingRulesTurn {
  /** The advisory lock's key ("PW rules"). */
  private static final long LOCK_KEY = 0x5057_7275_6c65_73L;

  private final DSLContext dsl;
  private final Duration every;

  StandingRulesTurn(DSLContext dsl, Duration every) {
    this.dsl = Objects.requireNonNull(dsl, "dsl");
    this.every = Objects.requireNonNull(every, "every");
  }

  /** Runs {@code rules} at {@code now} when it is this node's turn; its result, or 0 when not. */
  int runIfOurs(Instant now, ToIntFunction<Instant> rules) {
    return dsl.transactionResult(
        cfg -> {
          DSLContext tx = cfg.dsl();
          boolean locked =
              tx.select(DSL.field("pg_try_advisory_xact_lock({0})", Boolean.class, LOCK_KEY))
                  .fetchSingle()
                  .value1();
          if (!locked) {
            return 0;
          }
          int claimed =
              tx.update(MARKET_RULES_TURN)
                  .set(MARKET_RULES_TURN.RAN_AT, now)
                  .where(MARKET_RULES_TURN.ID.eq((short) 1))
                  .and(MARKET_RULES_TURN.RAN_AT.le(now.minus(every)))
                  .execute();
          // the rules place orders in transactions of their own; this one only holds the turn
          return claimed == 1 ? rules.applyAsInt(now) : 0;
        });
  }
}
