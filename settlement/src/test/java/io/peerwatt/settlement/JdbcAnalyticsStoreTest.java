package io.peerwatt.settlement;

import static io.peerwatt.db.schema.Tables.ANALYTICS_QUERY;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.settlement.analytics.AnalyticsPolicy;
import io.peerwatt.settlement.analytics.Contribution;
import io.peerwatt.settlement.analytics.JdbcAnalyticsStore;
import io.peerwatt.settlement.analytics.PrivacyBudget;
import io.peerwatt.settlement.usage.JdbcUsageSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The analytics tables on real PostgreSQL: frozen quarter-hours and budgets under concurrency. */
@ExtendWith(PostgresExtension.class)
class JdbcAnalyticsStoreTest {
  static final String ZONE = "DE-AN-1";
  static final DeliverySlot SLOT = DeliverySlot.parse("2026-11-25T10:00Z/PT15M");
  static long anna;
  static long ben;
  static long annasDevice;
  static long bensDevice;

  @BeforeAll
  static void zone(DSLContext db) {
    MarketRows.zone(db, ZONE, "analytics test zone");
    anna = MarketRows.account(db, ZONE, "anna");
    ben = MarketRows.account(db, ZONE, "ben");
    annasDevice = MarketRows.device(db, anna, ZONE, SLOT, 2);
    // ben's meter has no reading after the slot: he does not contribute
    bensDevice = MarketRows.device(db, ben, ZONE, SLOT, 3);
    MarketRows.reading(db, annasDevice, 1, SLOT.start(), 1_000, 50);
    MarketRows.reading(db, annasDevice, 2, SLOT.end(), 1_300, 70);
    MarketRows.reading(db, bensDevice, 1, SLOT.start(), 0, 0);
  }

  private static JdbcAnalyticsStore store(DSLContext db) {
    return new JdbcAnalyticsStore(db, new JdbcUsageSource(db, Duration.ofMinutes(30)));
  }

  @Test
  void freezesAQuarterHourAtItsFirstReleaseAgainstLateReadings(DSLContext db) {
    JdbcAnalyticsStore store = store(db);
    Instant now = SLOT.end().plus(Duration.ofDays(2));
    List<Contribution> first = store.contributions(ZONE, SLOT.start(), SLOT.end(), now);
    assertThat(first).containsExactly(new Contribution(SLOT.start(), anna, 300, 20));

    // ben's late reading would make him contribute 400 Wh: the released quarter-hour stays as it
    // was
    MarketRows.reading(db, bensDevice, 2, SLOT.end(), 400, 0);
    assertThat(store.contributions(ZONE, SLOT.start(), SLOT.end(), now.plusSeconds(60)))
        .isEqualTo(first);
    // the next quarter-hour, first asked now, is frozen from the readings as they are: both
    // households have no reading after 10:30, so nobody contributes
    assertThat(store.contributions(ZONE, SLOT.end(), SLOT.end().plusSeconds(900), now)).isEmpty();
  }

  @Test
  void concurrentQueriesNeverSpendMoreThanTheBudget(DSLContext db) throws Exception {
    JdbcAnalyticsStore store = store(db);
    store.putPolicy(ZONE, new AnalyticsPolicy(10, 50, 5_000, 1_000), Instant.EPOCH);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<JdbcAnalyticsStore.Spending>> spendings = new ArrayList<>();
      for (int i = 0; i < 25; i++) {
        spendings.add(
            pool.submit(
                () -> store.spend(anna, ZONE, 150, SLOT.start(), SLOT.end(), "PT15M", SLOT.end())));
      }
      int granted = 0;
      for (Future<JdbcAnalyticsStore.Spending> f : spendings) {
        granted += f.get().granted() ? 1 : 0;
      }
      // 6 x 150 = 900 fits in 1000; a seventh would need 1050
      assertThat(granted).isEqualTo(6);
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.budget(anna, ZONE)).isEqualTo(new PrivacyBudget(1_000, 900));
    assertThat(db.fetchCount(ANALYTICS_QUERY, ANALYTICS_QUERY.ACCOUNT_ID.eq(anna))).isEqualTo(6);
    JdbcAnalyticsStore.Spending last =
        store.spend(anna, ZONE, 100, SLOT.start(), SLOT.end(), "PT15M", SLOT.end());
    assertThat(last.granted()).isTrue();
    assertThat(last.budget().remainingMilli()).isZero();
  }

  /** 6 households over 32 days are 18432 rows: more than one INSERT may carry. */
  @Test
  void freezesTheLongestPeriodOfSeveralHouseholds(DSLContext db) {
    String zone = "DE-AN-LONG";
    MarketRows.zone(db, zone, "analytics long zone");
    Instant from = SLOT.start();
    Instant to = from.plus(Duration.ofDays(32));
    for (int h = 0; h < 6; h++) {
      long account = MarketRows.account(db, zone, "long" + h);
      long device = MarketRows.device(db, account, zone, SLOT, 10 + h);
      int sequence = 1;
      for (Instant t = from; !t.isAfter(to); t = t.plus(Duration.ofHours(3))) {
        MarketRows.reading(db, device, sequence, t, 1_200L * sequence, 0);
        sequence++;
      }
    }
    List<Contribution> frozen =
        store(db).contributions(zone, from, to, to.plus(Duration.ofDays(1)));
    assertThat(frozen).hasSize(6 * 32 * 96);
    // 1200 Wh per 3 hours is 100 Wh per quarter-hour
    assertThat(frozen).allSatisfy(c -> assertThat(c.importWh()).isEqualTo(100));
  }
}
