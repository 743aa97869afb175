package io.peerwatt.settlement.analytics;

import static io.peerwatt.db.schema.Tables.ANALYTICS_BUDGET;
import static io.peerwatt.db.schema.Tables.ANALYTICS_CONTRIBUTION;
import static io.peerwatt.db.schema.Tables.ANALYTICS_FROZEN_SLOT;
import static io.peerwatt.db.schema.Tables.ANALYTICS_QUERY;
import static io.peerwatt.db.schema.Tables.ZONE_ANALYTICS_POLICY;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.settlement.usage.JdbcUsageSource;
import io.peerwatt.settlement.usage.PointUsage;
import io.peerwatt.settlement.usage.SlotUsage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * The analytics tables (V25): zone policies, the quarter-hours frozen at their first release with
 * each household's energy in them, and the clients' privacy budgets with their query ledger.
 * Blocking JDBC: call from a worker thread.
 */
public final class JdbcAnalyticsStore {
  /** Rows per INSERT: PostgreSQL takes at most 65535 bind values per statement. */
  private static final int ROWS_PER_INSERT = 2_000;

  private final DSLContext db;
  private final JdbcUsageSource usage;

  public JdbcAnalyticsStore(DSLContext db, JdbcUsageSource usage) {
    this.db = Objects.requireNonNull(db, "db");
    this.usage = Objects.requireNonNull(usage, "usage");
  }

  /** The zone's rules, {@link AnalyticsPolicy#DEFAULTS} until an operator set them. */
  public AnalyticsPolicy policy(String zoneCode) {
    return policy(db, zoneCode);
  }

  private static AnalyticsPolicy policy(DSLContext db, String zoneCode) {
    return db.selectFrom(ZONE_ANALYTICS_POLICY)
        .where(ZONE_ANALYTICS_POLICY.ZONE_CODE.eq(zoneCode))
        .fetchOptional(
            r ->
                new AnalyticsPolicy(
                    r.getMinHomes(),
                    r.getDominanceSharePercent(),
                    r.getClipWh(),
                    r.getBudgetMilliEpsilon()))
        .orElse(AnalyticsPolicy.DEFAULTS);
  }

  /** Sets the zone's rules. */
  public void putPolicy(String zoneCode, AnalyticsPolicy policy, Instant now) {
    db.insertInto(ZONE_ANALYTICS_POLICY)
        .set(ZONE_ANALYTICS_POLICY.ZONE_CODE, zoneCode)
        .set(ZONE_ANALYTICS_POLICY.MIN_HOMES, policy.minHomes())
        .set(ZONE_ANALYTICS_POLICY.DOMINANCE_SHARE_PERCENT, policy.dominanceSharePercent())
        .set(ZONE_ANALYTICS_POLICY.CLIP_WH, policy.clipWh())
        .set(ZONE_ANALYTICS_POLICY.BUDGET_MILLI_EPSILON, policy.budgetMilliEpsilon())
        .set(ZONE_ANALYTICS_POLICY.UPDATED_AT, now)
        .onConflict(ZONE_ANALYTICS_POLICY.ZONE_CODE)
        .doUpdate()
        .set(ZONE_ANALYTICS_POLICY.MIN_HOMES, policy.minHomes())
        .set(ZONE_ANALYTICS_POLICY.DOMINANCE_SHARE_PERCENT, policy.dominanceSharePercent())
        .set(ZONE_ANALYTICS_POLICY.CLIP_WH, policy.clipWh())
        .set(ZONE_ANALYTICS_POLICY.BUDGET_MILLI_EPSILON, policy.budgetMilliEpsilon())
        .set(ZONE_ANALYTICS_POLICY.UPDATED_AT, now)
        .execute();
  }

  /**
   * Each household's energy per quarter-hour of {@code [from, to)} (slot boundaries) in the zone,
   * as frozen when the quarter-hour was first released; quarter-hours released now are frozen from
   * the meters' readings first. A household contributes to a quarter-hour when any of its metering
   * points has metering there.
   */
  public List<Contribution> contributions(String zoneCode, Instant from, Instant to, Instant now) {
    Set<Instant> frozen =
        new HashSet<>(
            db.select(ANALYTICS_FROZEN_SLOT.SLOT_START)
                .from(ANALYTICS_FROZEN_SLOT)
                .where(
                    ANALYTICS_FROZEN_SLOT.ZONE_CODE.eq(zoneCode),
                    ANALYTICS_FROZEN_SLOT.SLOT_START.ge(from),
                    ANALYTICS_FROZEN_SLOT.SLOT_START.lt(to))
                .fetch(ANALYTICS_FROZEN_SLOT.SLOT_START));
    List<Instant> open = new ArrayList<>();
    for (Instant s = from; s.isBefore(to); s = s.plus(DeliverySlot.LENGTH)) {
      if (!frozen.contains(s)) {
        open.add(s);
      }
    }
    if (!open.isEmpty()) {
      freeze(zoneCode, open, now);
    }
    return db.selectFrom(ANALYTICS_CONTRIBUTION)
        .where(
            ANALYTICS_CONTRIBUTION.ZONE_CODE.eq(zoneCode),
            ANALYTICS_CONTRIBUTION.SLOT_START.ge(from),
            ANALYTICS_CONTRIBUTION.SLOT_START.lt(to))
        .orderBy(ANALYTICS_CONTRIBUTION.SLOT_START, ANALYTICS_CONTRIBUTION.ACCOUNT_ID)
        .fetch(
            r ->
                new Contribution(
                    r.getSlotStart(), r.getAccountId(), r.getImportWh(), r.getExportWh()));
  }

  /**
   * Freezes the quarter-hours {@code open} (ascending): a quarter-hour another request froze in the
   * meantime keeps that request's values.
   */
  private void freeze(String zoneCode, List<Instant> open, Instant now) {
    Instant first = open.get(0);
    Instant end = open.get(open.size() - 1).plus(DeliverySlot.LENGTH);
    // per quarter-hour, per household: the sum over its metering points with metering
    Map<Instant, Map<Long, long[]>> households = new TreeMap<>();
    for (PointUsage point : usage.usage(zoneCode, null, first, end)) {
      for (SlotUsage slot : point.slots()) {
        if (slot.missing()) {
          continue;
        }
        long[] sum =
            households
                .computeIfAbsent(slot.start(), k -> new TreeMap<>())
                .computeIfAbsent(point.accountId(), k -> new long[2]);
        sum[0] = Math.addExact(sum[0], slot.importWh());
        sum[1] = Math.addExact(sum[1], slot.exportWh());
      }
    }
    db.transaction(
        cfg -> {
          DSLContext tx = DSL.using(cfg);
          List<Instant> won = new ArrayList<>();
          for (int i = 0; i < open.size(); i += ROWS_PER_INSERT) {
            var insert =
                tx.insertInto(
                    ANALYTICS_FROZEN_SLOT,
                    ANALYTICS_FROZEN_SLOT.ZONE_CODE,
                    ANALYTICS_FROZEN_SLOT.SLOT_START,
                    ANALYTICS_FROZEN_SLOT.FROZEN_AT);
            for (Instant s : open.subList(i, Math.min(open.size(), i + ROWS_PER_INSERT))) {
              insert = insert.values(zoneCode, s, now);
            }
            won.addAll(
                insert
                    .onConflictDoNothing()
                    .returning(ANALYTICS_FROZEN_SLOT.SLOT_START)
                    .fetch(ANALYTICS_FROZEN_SLOT.SLOT_START));
          }
          List<Contribution> rows = new ArrayList<>();
          for (Instant s : won) {
            households
                .getOrDefault(s, Map.of())
                .forEach((account, wh) -> rows.add(new Contribution(s, account, wh[0], wh[1])));
          }
          for (int i = 0; i < rows.size(); i += ROWS_PER_INSERT) {
            var insert =
                tx.insertInto(
                    ANALYTICS_CONTRIBUTION,
                    ANALYTICS_CONTRIBUTION.ZONE_CODE,
                    ANALYTICS_CONTRIBUTION.SLOT_START,
                    ANALYTICS_CONTRIBUTION.ACCOUNT_ID,
                    ANALYTICS_CONTRIBUTION.IMPORT_WH,
                    ANALYTICS_CONTRIBUTION.EXPORT_WH);
            for (Contribution c : rows.subList(i, Math.min(rows.size(), i + ROWS_PER_INSERT))) {
              insert =
                  insert.values(zoneCode, c.slotStart(), c.accountId(), c.importWh(), c.exportWh());
            }
            insert.execute();
          }
        });
  }

  /** What {@code accountId} has left of its budget in the zone. */
  public PrivacyBudget budget(long accountId, String zoneCode) {
    long spent =
        db.select(ANALYTICS_BUDGET.SPENT_MILLI_EPSILON)
            .from(ANALYTICS_BUDGET)
            .where(
                ANALYTICS_BUDGET.ACCOUNT_ID.eq(accountId), ANALYTICS_BUDGET.ZONE_CODE.eq(zoneCode))
            .fetchOptional(ANALYTICS_BUDGET.SPENT_MILLI_EPSILON)
            .orElse(0L);
    return new PrivacyBudget(policy(zoneCode).budgetMilliEpsilon(), spent);
  }

  /** A query's spending: granted with the budget after it, or refused with the budget as it was. */
  public record Spending(boolean granted, PrivacyBudget budget) {}

  /**
   * Spends {@code milliEpsilon} of {@code accountId}'s budget in the zone for a query of {@code
   * [from, to)} at {@code resolution}, when it fits; one transaction with the client's budget row
   * locked, so concurrent queries cannot overspend.
   */
  public Spending spend(
      long accountId,
      String zoneCode,
      long milliEpsilon,
      Instant from,
      Instant to,
      String resolution,
      Instant now) {
    return db.transactionResult(
        cfg -> {
          DSLContext tx = DSL.using(cfg);
          tx.insertInto(ANALYTICS_BUDGET)
              .set(ANALYTICS_BUDGET.ACCOUNT_ID, accountId)
              .set(ANALYTICS_BUDGET.ZONE_CODE, zoneCode)
              .set(ANALYTICS_BUDGET.SPENT_MILLI_EPSILON, 0L)
              .onConflictDoNothing()
              .execute();
          long spent =
              tx.select(ANALYTICS_BUDGET.SPENT_MILLI_EPSILON)
                  .from(ANALYTICS_BUDGET)
                  .where(
                      ANALYTICS_BUDGET.ACCOUNT_ID.eq(accountId),
                      ANALYTICS_BUDGET.ZONE_CODE.eq(zoneCode))
                  .forUpdate()
                  .fetchSingle(ANALYTICS_BUDGET.SPENT_MILLI_EPSILON);
          PrivacyBudget before =
              new PrivacyBudget(policy(tx, zoneCode).budgetMilliEpsilon(), spent);
          if (!before.allows(milliEpsilon)) {
            return new Spending(false, before);
          }
          PrivacyBudget after = before.spend(milliEpsilon);
          tx.update(ANALYTICS_BUDGET)
              .set(ANALYTICS_BUDGET.SPENT_MILLI_EPSILON, after.spentMilli())
              .where(
                  ANALYTICS_BUDGET.ACCOUNT_ID.eq(accountId),
                  ANALYTICS_BUDGET.ZONE_CODE.eq(zoneCode))
              .execute();
          tx.insertInto(ANALYTICS_QUERY)
              .set(ANALYTICS_QUERY.ACCOUNT_ID, accountId)
              .set(ANALYTICS_QUERY.ZONE_CODE, zoneCode)
              .set(ANALYTICS_QUERY.PERIOD_FROM, from)
              .set(ANALYTICS_QUERY.PERIOD_TO, to)
              .set(ANALYTICS_QUERY.RESOLUTION, resolution)
              .set(ANALYTICS_QUERY.MILLI_EPSILON, milliEpsilon)
              .set(ANALYTICS_QUERY.ASKED_AT, now)
              .execute();
          return new Spending(true, after);
        });
  }
}
