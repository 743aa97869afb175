package io.peerwatt.trading.market;

import static io.peerwatt.db.schema.Tables.DEVICE;
import static io.peerwatt.db.schema.Tables.MARKET_ORDER;
import static io.peerwatt.db.schema.Tables.METERING_POINT;
import static io.peerwatt.db.schema.Tables.READING;
import static io.peerwatt.db.schema.Tables.STANDING_RULE;

import io.peerwatt.db.schema.tables.records.StandingRuleRecord;
import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.trading.calendar.MarketCalendar;
import io.peerwatt.trading.calendar.ZoneConfig;
import io.peerwatt.trading.matching.OrderType;
import io.peerwatt.trading.matching.Side;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Standing rules: their storage and their execution. {@link #runAll} (called by the scheduler) places,
 * for every ACTIVE rule, one LIMIT order naming the rule in every open slot of its zone that has none
 * from it yet, sized by the forecast of the rule's metering point minus the reserve and limited by the
 * daily cap; slots where the forecast leaves nothing to trade get no order. The forecast is the
 * {@link SlotForecast} of previous days (HISTORY) or the last hour's average ({@link RecentForecast},
 * RECENT); a RECENT rule orders only for slots starting within its horizon, so one hour's figure never
 * fills a whole day, and later slots get their orders on later runs. Pausing or deleting a rule cancels
 * its open orders. Blocking: call from worker threads.
 */
public final class StandingRules {
  private static final Logger log = LoggerFactory.getLogger(StandingRules.class);
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
   * @param horizonMinutes a {@code Long} so that a value beyond the int range is refused, not truncated
   */
  public record RuleSpec(
      Long meteringPointId, Side side, Long reserveWh, Long limitPricePerKwh, Long dailyCapWh,
      Integer lookbackDays, Forecast forecast, Long horizonMinutes, String state) {}

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
      return RuleOutcome.refused(Rejection.badRequest("UNKNOWN_ZONE", "zone", "zone " + zoneCode + " does not trade"));
    }
    boolean ownsPoint = dsl.fetchExists(METERING_POINT, METERING_POINT.ID.eq(spec.meteringPointId())
        .and(METERING_POINT.ACCOUNT_ID.eq(accountId)));
    if (!ownsPoint) {
      return RuleOutcome.refused(Rejection.notFound("meteringPointId", "metering point " + spec.meteringPointId() + " not found"));
    }
    int lookback = spec.lookbackDays() == null ? DEFAULT_LOOKBACK_DAYS : spec.lookbackDays();
    Forecast forecast = spec.forecast() == null ? Forecast.HISTORY : spec.forecast();
    long horizon = spec.horizonMinutes() == null ? DEFAULT_HORIZON_MINUTES : spec.horizonMinutes();
    Optional<Rejection> invalid = validate(zone.get(), spec.reserveWh(), spec.limitPricePerKwh(), spec.dailyCapWh(), lookback, horizon);
    if (invalid.isPresent()) {
      return RuleOutcome.refused(invalid.get());
    }
    Instant at = now;
    StandingRuleRecord r = dsl.insertInto(STANDING_RULE)
        .set(STANDING_RULE.ACCOUNT_ID, accountId)
        .set(STANDING_RULE.METERING_POINT_ID, spec.meteringPointId())
        .set(STANDING_RULE.ZONE_CODE, zoneCode)
        .set(STANDING_RULE.SIDE, spec.side().name())
        .set(STANDING_RULE.RESERVE_WH, spec.reserveWh())
        .set(STANDING_RULE.LIMIT_PRICE_PER_KWH, spec.limitPricePerKwh())
        .set(STANDING_RULE.DAILY_CAP_WH, spec.dailyCapWh())
        .set(STANDING_RULE.LOOKBACK_DAYS, lookback)
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
        .where(STANDING_RULE.ACCOUNT_ID.eq(accountId)).and(STANDING_RULE.STATE.ne("DELETED"))
        .orderBy(STANDING_RULE.ID).fetch(StandingRuleView::of);
  }

  /** The caller's rule {@code id}, unless deleted. */
  public Optional<StandingRuleView> rule(long accountId, long id) {
    return dsl.selectFrom(STANDING_RULE)
        .where(STANDING_RULE.ID.eq(id)).and(STANDING_RULE.ACCOUNT_ID.eq(accountId))
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
    long price = change.limitPricePerKwh() == null ? current.limitPricePerKwh() : change.limitPricePerKwh();
    long cap = change.dailyCapWh() == null ? current.dailyCapWh() : change.dailyCapWh();
    int lookback = change.lookbackDays() == null ? current.lookbackDays() : change.lookbackDays();
    Forecast forecast = change.forecast() == null ? current.forecast() : change.forecast();
    long horizon = change.horizonMinutes() == null ? current.horizonMinutes() : change.horizonMinutes();
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
        .set(STANDING_RULE.LOOKBACK_DAYS, lookback)
        .set(STANDING_RULE.FORECAST, forecast.name())
        .set(STANDING_RULE.HORIZON_MINUTES, (int) horizon)
        .set(STANDING_RULE.STATE, state)
        .set(STANDING_RULE.STATUS_CODE, pausing ? "PAUSED" : current.statusCode())
        .set(STANDING_RULE.STATUS_MESSAGE, pausing ? "paused: no new orders; open orders cancelled" : current.statusMessage())
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
    int changed = dsl.update(STANDING_RULE)
        .set(STANDING_RULE.STATE, "DELETED")
        .set(STANDING_RULE.STATUS_CODE, "DELETED")
        .set(STANDING_RULE.STATUS_MESSAGE, "deleted: open orders cancelled")
        .set(STANDING_RULE.UPDATED_AT, now)
        .where(STANDING_RULE.ID.eq(id)).and(STANDING_RULE.ACCOUNT_ID.eq(accountId))
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
      ZoneConfig zone, long reserveWh, long pricePerKwh, long capWh, int lookback, long horizonMinutes) {
    if (reserveWh < 0) {
      return Optional.of(Rejection.badRequest("INVALID_RESERVE", "reserveWh", "reserveWh: must not be negative"));
    }
    String priceField = OrderService.priceField(zone);
    if (pricePerKwh < 0 && !zone.negativePricesAllowed()) {
      return Optional.of(Rejection.badRequest("NEGATIVE_PRICE_NOT_ALLOWED", priceField, priceField + ": negative prices are not allowed in this zone"));
    }
    if (pricePerKwh < zone.minPricePerKwh() || pricePerKwh > zone.maxPricePerKwh()) {
      return Optional.of(Rejection.badRequest("PRICE_OUT_OF_RANGE", priceField,
          priceField + ": must be within " + zone.minPricePerKwh() + ".." + zone.maxPricePerKwh()));
    }
    if (capWh < zone.minQuantityWh()) {
      return Optional.of(Rejection.badRequest("CAP_TOO_SMALL", "dailyCapWh",
          "dailyCapWh: must be at least the zone's minimum order of " + zone.minQuantityWh() + " Wh"));
    }
    if (lookback < 1 || lookback > 28) {
      return Optional.of(Rejection.badRequest("INVALID_LOOKBACK", "lookbackDays", "lookbackDays: must be 1..28"));
    }
    if (horizonMinutes < 15 || horizonMinutes > 1440) {
      return Optional.of(Rejection.badRequest("INVALID_HORIZON", "horizonMinutes", "horizonMinutes: must be 15..1440"));
    }
    return Optional.empty();
  }

  /** Runs every ACTIVE rule at {@code now}; returns the number of orders placed. */
  public int runAll(Instant now) {
    List<StandingRuleView> active = dsl.selectFrom(STANDING_RULE).where(STANDING_RULE.STATE.eq("ACTIVE"))
        .orderBy(STANDING_RULE.ID).fetch(StandingRuleView::of);
    int placed = 0;
    for (StandingRuleView rule : active) {
      try {
        placed += run(rule, now);
      } catch (RuntimeException e) {
        log.error("Standing rule {} failed", rule.id(), e);
        status(rule.id(), "FAILED", "internal error while running the rule; the platform log has details", 0, now);
      }
    }
    return placed;
  }

  /** Runs one rule: places its orders for open slots (RECENT: within its horizon) that have none from it yet. */
  int run(StandingRuleView rule, Instant now) {
    Optional<ZoneConfig> zoneConfig = zones.zone(rule.zoneCode());
    if (zoneConfig.isEmpty()) {
      status(rule.id(), "ZONE_CLOSED", "zone " + rule.zoneCode() + " does not trade", 0, now);
      return 0;
    }
    ZoneConfig zone = zoneConfig.get();
    MarketCalendar calendar = new MarketCalendar(zone);
    List<DeliverySlot> open = openSlots(calendar, now);
    if (open.isEmpty()) {
      status(rule.id(), "NOTHING_TO_TRADE", "no slot of zone " + zone.code() + " is open", 0, now);
      return 0;
    }
    boolean recent = rule.forecast() == Forecast.RECENT;
    // one hour's average says little about later in the day: a RECENT rule trades only the slots just ahead
    Instant horizonEnd = now.plus(Duration.ofMinutes(rule.horizonMinutes()));
    List<DeliverySlot> slots = recent ? open.stream().filter(slot -> !slot.start().isAfter(horizonEnd)).toList() : open;
    String scope = recent ? "open slot starting within " + rule.horizonMinutes() + " minutes" : "open slot";
    if (slots.isEmpty()) {
      status(rule.id(), "NOTHING_TO_TRADE", "no open slot of zone " + zone.code() + " starts within the rule's horizon of "
          + rule.horizonMinutes() + " minutes", 0, now);
      return 0;
    }
    Instant dayStart = calendar.deliveryDayOf(open.get(0)).atStartOfDay(zone.localZone()).toInstant();
    Set<Instant> slotsWithOrder = new HashSet<>();
    Map<LocalDate, Long> usedWhPerDay = new HashMap<>();
    Field<Long> counted = DSL.when(MARKET_ORDER.STATE.in("OPEN", "PARTIALLY_FILLED", "FILLED"), MARKET_ORDER.QUANTITY_WH)
        .otherwise(MARKET_ORDER.FILLED_WH);
    dsl.select(MARKET_ORDER.SLOT_START, counted)
        .from(MARKET_ORDER)
        .where(MARKET_ORDER.RULE_ID.eq(rule.id()))
        .and(MARKET_ORDER.SLOT_START.ge(dayStart))
        .forEach(r -> {
          Instant start = r.value1();
          slotsWithOrder.add(start);
          usedWhPerDay.merge(calendar.deliveryDayOf(DeliverySlot.startingAt(start)), r.value2(), Math::addExact);
        });
    if (slots.stream().allMatch(slot -> slotsWithOrder.contains(slot.start()))) {
      status(rule.id(), "OK", "every " + scope + " has an order of this rule", 0, now);
      return 0;
    }
    Optional<Function<DeliverySlot, OptionalLong>> forecast = recent ? recentForecast(rule, now) : historyForecast(rule, slots, now);
    if (forecast.isEmpty()) {
      return 0;
    }
    int placed = 0;
    int noForecast = 0;
    boolean capped = false;
    Rejection lastRejection = null;
    DeliverySlot lastPlaced = null;
    for (DeliverySlot slot : slots) {
      if (slotsWithOrder.contains(slot.start())) {
        continue;
      }
      OptionalLong net = forecast.get().apply(slot);
      if (net.isEmpty()) {
        noForecast++;
        continue;
      }
      long wantedWh = rule.side() == Side.SELL ? net.getAsLong() : Math.negateExact(net.getAsLong());
      long quantityWh = Math.subtractExact(wantedWh, rule.reserveWh());
      LocalDate day = calendar.deliveryDayOf(slot);
      long remainingWh = rule.dailyCapWh() - usedWhPerDay.getOrDefault(day, 0L);
      if (quantityWh > remainingWh) {
        capped = true;
        quantityWh = remainingWh;
      }
      quantityWh = Math.min(quantityWh, zone.maxQuantityWh());
      if (quantityWh < zone.minQuantityWh()) {
        continue;
      }
      OrderOutcome outcome = orders.place(rule.accountId(), new OrderService.NewOrder(
          zone.code(), slot.toString(), rule.side(), quantityWh, rule.limitPricePerKwh(), OrderType.LIMIT, false,
          List.of(), OptionalLong.of(rule.id())), now);
      if (outcome instanceof OrderOutcome.Rejected rejected) {
        lastRejection = rejected.rejection();
        continue;
      }
      usedWhPerDay.merge(day, quantityWh, Math::addExact);
      placed++;
      lastPlaced = slot;
    }
    if (lastRejection != null) {
      status(rule.id(), "REJECTED", "the market refused an order of this rule: " + lastRejection.error() + " ("
          + lastRejection.message() + ")", placed, now);
    } else if (placed > 0) {
      status(rule.id(), "OK", "placed " + placed + " order(s), the last for " + lastPlaced, placed, now);
    } else if (capped) {
      status(rule.id(), "CAP_REACHED", "the daily cap of " + rule.dailyCapWh() + " Wh is used up", 0, now);
    } else if (noForecast == slots.size()) {
      status(rule.id(), "NO_READINGS", "metering point " + rule.meteringPointId()
          + " has no readings around these quarter-hours on the last " + rule.lookbackDays()
          + " days, so there is no forecast and the rule places no orders", 0, now);
    } else {
      status(rule.id(), "NOTHING_TO_TRADE", "every " + scope + " has an order of this rule or a forecast "
          + (rule.side() == Side.SELL ? "surplus" : "deficit") + " within the reserve", 0, now);
    }
    return placed;
  }

  /**
   * The HISTORY forecast of each of {@code slots} (in order) from the same quarter-hours of previous days;
   * empty, reported as NO_READINGS, when the metering point has no readings in that time.
   */
  private Optional<Function<DeliverySlot, OptionalLong>> historyForecast(
      StandingRuleView rule, List<DeliverySlot> slots, Instant now) {
    List<NavigableMap<Instant, SlotForecast.Counters>> series = counters(
        rule.meteringPointId(),
        slots.get(0).start().minus(Duration.ofDays(rule.lookbackDays())).minus(DeliverySlot.LENGTH),
        slots.get(slots.size() - 1).start().minus(Duration.ofDays(1)).plus(DeliverySlot.LENGTH));
    if (series.isEmpty()) {
      status(rule.id(), "NO_READINGS", "metering point " + rule.meteringPointId() + " has no readings in the last "
          + rule.lookbackDays() + " days, so there is no forecast and the rule places no orders", 0, now);
      return Optional.empty();
    }
    return Optional.of(slot -> SlotForecast.netExportWh(series, slot, rule.lookbackDays()));
  }

  /**
   * The RECENT forecast, the same for every slot, from the readings of the hour up to {@code now}; empty,
   * reported as NO_READINGS saying what is missing, when no meter series of that hour is usable.
   */
  private Optional<Function<DeliverySlot, OptionalLong>> recentForecast(StandingRuleView rule, Instant now) {
    List<List<RecentForecast.Reading>> series = recentReadings(rule.meteringPointId(), now.minus(RecentForecast.WINDOW), now);
    OptionalLong net = RecentForecast.netExportWh(series);
    if (net.isPresent()) {
      return Optional.of(slot -> net);
    }
    String missing = series.isEmpty()
        ? "has no readings in the last hour; the recent forecast needs two of one meter at least 2 minutes apart"
        : "has no meter with two readings at least 2 minutes apart in the last hour whose counters did not go back"
            + " (a reset or meter swap)";
    status(rule.id(), "NO_READINGS", "metering point " + rule.meteringPointId() + " " + missing
        + ", so there is no forecast and the rule places no orders", 0, now);
    return Optional.empty();
  }

  /** Slots of the zone taking orders at {@code now}, in order. */
  static List<DeliverySlot> openSlots(MarketCalendar calendar, Instant now) {
    List<DeliverySlot> slots = new ArrayList<>();
    DeliverySlot slot = DeliverySlot.containing(now);
    // the last open slot belongs to tomorrow's local day at most: books open D-1
    Instant horizon = now.plus(Duration.ofDays(3));
    for (; slot.start().isBefore(horizon); slot = slot.next()) {
      switch (calendar.stateAt(slot, now)) {
        case OPEN -> slots.add(slot);
        case NOT_OPEN -> {
          return slots;
        }
        default -> { }
      }
    }
    return slots;
  }

  /**
   * Per meter series of the metering point (each device's lowest meter channel), the last counters of
   * every quarter-hour bucket in {@code [from, to)}.
   */
  List<NavigableMap<Instant, SlotForecast.Counters>> counters(long meteringPointId, Instant from, Instant to) {
    Field<Long> bucket = DSL.field("floor(extract(epoch from {0}) / 900)::bigint", Long.class, READING.TAKEN_AT);
    Map<Long, Integer> channelOf = new HashMap<>();
    Map<Long, NavigableMap<Instant, SlotForecast.Counters>> byDevice = new HashMap<>();
    dsl.select(READING.DEVICE_ID, READING.METER_CHANNEL, bucket, DSL.max(READING.IMPORT_WH), DSL.max(READING.EXPORT_WH))
        .from(READING)
        .join(DEVICE).on(DEVICE.ID.eq(READING.DEVICE_ID))
        .where(DEVICE.METERING_POINT_ID.eq(meteringPointId))
        .and(READING.TAKEN_AT.ge(from))
        .and(READING.TAKEN_AT.lt(to))
        .groupBy(READING.DEVICE_ID, READING.METER_CHANNEL, bucket)
        .orderBy(READING.DEVICE_ID, READING.METER_CHANNEL)
        .forEach(r -> {
          long device = r.value1();
          int channel = r.value2();
          Integer chosen = channelOf.putIfAbsent(device, channel);
          if (chosen != null && chosen != channel) {
            return;
          }
          byDevice.computeIfAbsent(device, d -> new TreeMap<>())
              .put(Instant.ofEpochSecond(r.value3() * 900), new SlotForecast.Counters(r.value4(), r.value5()));
        });
    return new ArrayList<>(byDevice.values());
  }

  /**
   * Per meter series of the metering point (each device's lowest meter channel), its readings taken in
   * {@code [from, to]}, in time order.
   */
  List<List<RecentForecast.Reading>> recentReadings(long meteringPointId, Instant from, Instant to) {
    Map<Long, Integer> channelOf = new HashMap<>();
    Map<Long, List<RecentForecast.Reading>> byDevice = new LinkedHashMap<>();
    dsl.select(READING.DEVICE_ID, READING.METER_CHANNEL, READING.TAKEN_AT, READING.IMPORT_WH, READING.EXPORT_WH)
        .from(READING)
        .join(DEVICE).on(DEVICE.ID.eq(READING.DEVICE_ID))
        .where(DEVICE.METERING_POINT_ID.eq(meteringPointId))
        .and(READING.TAKEN_AT.between(from, to))
        .orderBy(READING.DEVICE_ID, READING.METER_CHANNEL, READING.TAKEN_AT, READING.SEQUENCE)
        .forEach(r -> {
          long device = r.value1();
          int channel = r.value2();
          Integer chosen = channelOf.putIfAbsent(device, channel);
          if (chosen != null && chosen != channel) {
            return;
          }
          byDevice.computeIfAbsent(device, d -> new ArrayList<>())
              .add(new RecentForecast.Reading(r.value3(), r.value4(), r.value5()));
        });
    return new ArrayList<>(byDevice.values());
  }

  private void status(long ruleId, String code, String message, int placed, Instant now) {
    dsl.update(STANDING_RULE)
        .set(STANDING_RULE.STATUS_CODE, code)
        .set(STANDING_RULE.STATUS_MESSAGE, message.length() > 400 ? message.substring(0, 400) : message)
        .set(STANDING_RULE.LAST_RUN_AT, now)
        .set(STANDING_RULE.ORDERS_PLACED, STANDING_RULE.ORDERS_PLACED.plus((long) placed))
        .where(STANDING_RULE.ID.eq(ruleId))
        .execute();
  }
}
