package io.peerwatt.trading.market;

import static io.peerwatt.db.schema.Tables.METERING_POINT;
import static io.peerwatt.db.schema.Tables.STANDING_RULE;

import io.peerwatt.db.schema.tables.records.StandingRuleRecord;
import io.peerwatt.trading.calendar.ZoneConfig;
import io.peerwatt.trading.matching.Side;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jooq.DSLContext;

/**
 * Standing rules as their owners keep them ({@code standing_rule}): create, read, change, pause and
 * delete, with the limits checked against the zone's rules; pausing or deleting a rule cancels its
 * open orders. The {@link RuleRunner} runs them and records each run's status here. Blocking: call
 * from worker threads.
 */
public final class StandingRules {
  /** Default number of previous days the forecast averages. */
  public static final int DEFAULT_LOOKBACK_DAYS = 7;

  /** Default reach of a RECENT rule: slots starting within this many minutes of the run. */
  static final int DEFAULT_HORIZON_MINUTES = 60;

  private final DSLContext dsl;
  private final MarketZones zones;
  private final OrderService orders;

  public StandingRules(DSLContext dsl, MarketZones zones, OrderService orders) {
    this.dsl = Objects.requireNonNull(dsl, "dsl");
    this.zones = Objects.requireNonNull(zones, "zones");
    this.orders = Objects.requireNonNull(orders, "orders");
  }

  /** How a rule forecasts its metering point's net export in a slot. */
  public enum Forecast {
    /** The mean of the same quarter-hour on the last lookbackDays days. */
    HISTORY,
    /** The average of the last hour carried forward, for slots starting within the horizon only. */
    RECENT
  }

  /**
   * What a rule asks for (create) or changes (update: null keeps the current value).
   *
   * @param lookbackDays a {@code Long} so that a value beyond the int range is refused, not wrapped
   * @param horizonMinutes a {@code Long} so that a value beyond the int range is refused, not
   *     truncated
   */
  public record RuleSpec(
      Long meteringPointId,
      Side side,
      Long reserveWh,
      Long limitPricePerKwh,
      Long dailyCapWh,
      Long lookbackDays,
      Forecast forecast,
      Long horizonMinutes,
      String state) {}

  /** A rule, or why the request was refused. */
  public record RuleOutcome(StandingRuleView rule, Rejection rejection) {
    static RuleOutcome ok(StandingRuleView rule) {
      return new RuleOutcome(rule, null);
    }

    static RuleOutcome refused(Rejection rejection) {
      return new RuleOutcome(null, rejection);
    }
  }

  /** Creates an ACTIVE rule for {@code accountId} trading in {@code zoneCode}. */
  public RuleOutcome create(long accountId, String zoneCode, RuleSpec spec, Instant now) {
    Optional<ZoneConfig> zone = zones.zone(zoneCode);
    if (zone.isEmpty()) {
      return RuleOutcome.refused(
          Rejection.badRequest("UNKNOWN_ZONE", "zone", "zone " + zoneCode + " does not trade"));
    }
    boolean ownsPoint =
        dsl.fetchExists(
            METERING_POINT,
            METERING_POINT
                .ID
                .eq(spec.meteringPointId())
                .and(METERING_POINT.ACCOUNT_ID.eq(accountId)));
    if (!ownsPoint) {
      return RuleOutcome.refused(
          Rejection.notFound(
              "meteringPointId", "metering point " + spec.meteringPointId() + " not found"));
    }
    long lookback = spec.lookbackDays() == null ? DEFAULT_LOOKBACK_DAYS : spec.lookbackDays();
    Forecast forecast = spec.forecast() == null ? Forecast.HISTORY : spec.forecast();
    long horizon = spec.horizonMinutes() == null ? DEFAULT_HORIZON_MINUTES : spec.horizonMinutes();
    Optional<Rejection> invalid =
        validate(
            zone.get(),
            spec.reserveWh(),
            spec.limitPricePerKwh(),
            spec.dailyCapWh(),
            lookback,
            horizon);
    if (invalid.isPresent()) {
      return RuleOutcome.refused(invalid.get());
    }
    Instant at = now;
    StandingRuleRecord r =
        dsl.insertInto(STANDING_RULE)
            .set(STANDING_RULE.ACCOUNT_ID, accountId)
            .set(STANDING_RULE.METERING_POINT_ID, spec.meteringPointId())
            .set(STANDING_RULE.ZONE_CODE, zoneCode)
            .set(STANDING_RULE.SIDE, spec.side().name())
            .set(STANDING_RULE.RESERVE_WH, spec.reserveWh())
            .set(STANDING_RULE.LIMIT_PRICE_PER_KWH, spec.limitPricePerKwh())
            .set(STANDING_RULE.DAILY_CAP_WH, spec.dailyCapWh())
            .set(STANDING_RULE.LOOKBACK_DAYS, (int) lookback)
            .set(STANDING_RULE.FORECAST, forecast.name())
            .set(STANDING_RULE.HORIZON_MINUTES, (int) horizon)
            .set(STANDING_RULE.STATE, "ACTIVE")
            .set(STANDING_RULE.STATUS_CODE, "PENDING")
            .set(STANDING_RULE.STATUS_MESSAGE, "waiting for the scheduler's next run")
            .set(STANDING_RULE.CREATED_AT, at)
            .set(STANDING_RULE.UPDATED_AT, at)
            .returning()
            .fetchOne();
    return RuleOutcome.ok(StandingRuleView.of(r));
  }

  /** Rules of {@code accountId} that are not deleted. */
  public List<StandingRuleView> rulesOf(long accountId) {
    return dsl.selectFrom(STANDING_RULE)
        .where(STANDING_RULE.ACCOUNT_ID.eq(accountId))
        .and(STANDING_RULE.STATE.ne("DELETED"))
        .orderBy(STANDING_RULE.ID)
        .fetch(StandingRuleView::of);
  }

  /** The caller's rule {@code id}, unless deleted. */
  public Optional<StandingRuleView> rule(long accountId, long id) {
    return dsl.selectFrom(STANDING_RULE)
        .where(STANDING_RULE.ID.eq(id))
        .and(STANDING_RULE.ACCOUNT_ID.eq(accountId))
        .and(STANDING_RULE.STATE.ne("DELETED"))
        .fetchOptional(StandingRuleView::of);
  }

  /** Changes limits and/or pauses (state PAUSED) or resumes (ACTIVE) the caller's rule. */
  public RuleOutcome update(long accountId, long id, RuleSpec change, Instant now) {
    Optional<StandingRuleView> found = rule(accountId, id);
    if (found.isEmpty()) {
      return RuleOutcome.refused(Rejection.notFound("id", "rule " + id + " not found"));
    }
    StandingRuleView current = found.get();
    ZoneConfig zone = zones.zone(current.zoneCode()).orElseThrow();
    long reserve = change.reserveWh() == null ? current.reserveWh() : change.reserveWh();
    long price =
        change.limitPricePerKwh() == null ? current.limitPricePerKwh() : change.limitPricePerKwh();
    long cap = change.dailyCapWh() == null ? current.dailyCapWh() : change.dailyCapWh();
    long lookback = change.lookbackDays() == null ? current.lookbackDays() : change.lookbackDays();
    Forecast forecast = change.forecast() == null ? current.forecast() : change.forecast();
    long horizon =
        change.horizonMinutes() == null ? current.horizonMinutes() : change.horizonMinutes();
    String state = change.state() == null ? current.state() : change.state();
    Optional<Rejection> invalid = validate(zone, reserve, price, cap, lookback, horizon);
    if (invalid.isPresent()) {
      return RuleOutcome.refused(invalid.get());
    }
    boolean pausing = "PAUSED".equals(state) && !"PAUSED".equals(current.state());
    dsl.update(STANDING_RULE)
        .set(STANDING_RULE.RESERVE_WH, reserve)
        .set(STANDING_RULE.LIMIT_PRICE_PER_KWH, price)
        .set(STANDING_RULE.DAILY_CAP_WH, cap)
        .set(STANDING_RULE.LOOKBACK_DAYS, (int) lookback)
        .set(STANDING_RULE.FORECAST, forecast.name())
        .set(STANDING_RULE.HORIZON_MINUTES, (int) horizon)
        .set(STANDING_RULE.STATE, state)
        .set(STANDING_RULE.STATUS_CODE, pausing ? "PAUSED" : current.statusCode())
        .set(
            STANDING_RULE.STATUS_MESSAGE,
            pausing ? "paused: no new orders; open orders cancelled" : current.statusMessage())
        .set(STANDING_RULE.UPDATED_AT, now)
        .where(STANDING_RULE.ID.eq(id))
        .execute();
    if (pausing) {
      cancelOpenOrders(id, accountId, now);
    }
    return RuleOutcome.ok(rule(accountId, id).orElseThrow());
  }

  /** Deletes the caller's rule and cancels its open orders; false when there is no such rule. */
  public boolean delete(long accountId, long id, Instant now) {
    int changed =
        dsl.update(STANDING_RULE)
            .set(STANDING_RULE.STATE, "DELETED")
            .set(STANDING_RULE.STATUS_CODE, "DELETED")
            .set(STANDING_RULE.STATUS_MESSAGE, "deleted: open orders cancelled")
            .set(STANDING_RULE.UPDATED_AT, now)
            .where(STANDING_RULE.ID.eq(id))
            .and(STANDING_RULE.ACCOUNT_ID.eq(accountId))
            .and(STANDING_RULE.STATE.ne("DELETED"))
            .execute();
    if (changed == 0) {
      return false;
    }
    cancelOpenOrders(id, accountId, now);
    return true;
  }

  private void cancelOpenOrders(long ruleId, long accountId, Instant now) {
    for (StoredOrder order : orders.openOrdersOfRule(ruleId)) {
      // orders past gate closure are left to the gate: the book no longer takes cancels
      orders.cancel(accountId, order.id(), now);
    }
  }

  private static Optional<Rejection> validate(
      ZoneConfig zone,
      long reserveWh,
      long pricePerKwh,
      long capWh,
      long lookback,
      long horizonMinutes) {
    if (reserveWh < 0) {
      return Optional.of(
          Rejection.badRequest("INVALID_RESERVE", "reserveWh", "reserveWh: must not be negative"));
    }
    String priceField = OrderService.priceField(zone);
    if (pricePerKwh < 0 && !zone.negativePricesAllowed()) {
      return Optional.of(
          Rejection.badRequest(
              "NEGATIVE_PRICE_NOT_ALLOWED",
              priceField,
              priceField + ": negative prices are not allowed in this zone"));
    }
    if (pricePerKwh < zone.minPricePerKwh() || pricePerKwh > zone.maxPricePerKwh()) {
      return Optional.of(
          Rejection.badRequest(
              "PRICE_OUT_OF_RANGE",
              priceField,
              priceField
                  + ": must be within "
                  + zone.minPricePerKwh()
                  + ".."
                  + zone.maxPricePerKwh()));
    }
    if (capWh < zone.minQuantityWh()) {
      return Optional.of(
          Rejection.badRequest(
              "CAP_TOO_SMALL",
              "dailyCapWh",
              "dailyCapWh: must be at least the zone's minimum order of "
                  + zone.minQuantityWh()
                  + " Wh"));
    }
    if (lookback < 1 || lookback > 28) {
      return Optional.of(
          Rejection.badRequest("INVALID_LOOKBACK", "lookbackDays", "lookbackDays: must be 1..28"));
    }
    if (horizonMinutes < 15 || horizonMinutes > 1440) {
      return Optional.of(
          Rejection.badRequest(
              "INVALID_HORIZON", "horizonMinutes", "horizonMinutes: must be 15..1440"));
    }
    return Optional.empty();
  }

  /** The ACTIVE rules, oldest first. */
  List<StandingRuleView> active() {
    return dsl.selectFrom(STANDING_RULE)
        .where(STANDING_RULE.STATE.eq("ACTIVE"))
        .orderBy(STANDING_RULE.ID)
        .fetch(StandingRuleView::of);
  }

  /** Records what the last run of a rule did: its status and the orders it placed. */
  void status(long ruleId, String code, String message, int placed, Instant now) {
    dsl.update(STANDING_RULE)
        .set(STANDING_RULE.STATUS_CODE, code)
        .set(
            STANDING_RULE.STATUS_MESSAGE,
            message.length() > 400 ? message.substring(0, 400) : message)
        .set(STANDING_RULE.LAST_RUN_AT, now)
        .set(STANDING_RULE.ORDERS_PLACED, STANDING_RULE.ORDERS_PLACED.plus((long) placed))
        .where(STANDING_RULE.ID.eq(ruleId))
        .execute();
  }
}
