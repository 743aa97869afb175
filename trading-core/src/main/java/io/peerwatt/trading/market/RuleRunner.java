package io.peerwatt.trading.market;

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
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the standing rules (the scheduler calls {@link #runAll}): for every ACTIVE rule, one LIMIT
 * order naming the rule in every open slot of its zone that has none from it yet, sized by the
 * forecast of the rule's metering point minus the reserve and limited by the daily cap; slots where
 * the forecast leaves nothing to trade get no order. The forecast is the {@link SlotForecast} of
 * previous days (HISTORY) or the last hour's average ({@link RecentForecast}, RECENT); a RECENT
 * rule orders only for slots starting within its horizon, so one hour's figure never fills a whole
 * day, and later slots get their orders on later runs. Each run's outcome is the rule's status.
 * Blocking: call from worker threads.
 */
public final class RuleRunner {
  private static final Logger log = LoggerFactory.getLogger(RuleRunner.class);

  private final MarketZones zones;
  private final OrderService orders;
  private final StandingRules rules;
  private final ForecastReadings readings;

  RuleRunner(
      MarketZones zones, OrderService orders, StandingRules rules, ForecastReadings readings) {
    this.zones = Objects.requireNonNull(zones, "zones");
    this.orders = Objects.requireNonNull(orders, "orders");
    this.rules = Objects.requireNonNull(rules, "rules");
    this.readings = Objects.requireNonNull(readings, "readings");
  }

  /** Runs every ACTIVE rule at {@code now}; returns the number of orders placed. */
  public int runAll(Instant now) {
    List<StandingRuleView> active = rules.active();
    int placed = 0;
    for (StandingRuleView rule : active) {
      try {
        placed += run(rule, now);
      } catch (RuntimeException e) {
        log.error("Standing rule {} failed", rule.id(), e);
        rules.status(
            rule.id(),
            "FAILED",
            "internal error while running the rule; the platform log has details",
            0,
            now);
      }
    }
    return placed;
  }

  /**
   * Runs one rule: places its orders for open slots (RECENT: within its horizon) that have none
   * from it yet.
   */
  int run(StandingRuleView rule, Instant now) {
    Optional<ZoneConfig> zoneConfig = zones.zone(rule.zoneCode());
    if (zoneConfig.isEmpty()) {
      rules.status(rule.id(), "ZONE_CLOSED", "zone " + rule.zoneCode() + " does not trade", 0, now);
      return 0;
    }
    ZoneConfig zone = zoneConfig.get();
    MarketCalendar calendar = new MarketCalendar(zone);
    List<DeliverySlot> open = openSlots(calendar, now);
    if (open.isEmpty()) {
      rules.status(
          rule.id(), "NOTHING_TO_TRADE", "no slot of zone " + zone.code() + " is open", 0, now);
      return 0;
    }
    boolean recent = rule.forecast() == StandingRules.Forecast.RECENT;
    // one hour's average says little about later in the day: a RECENT rule trades only the slots
    // just ahead
    Instant horizonEnd = now.plus(Duration.ofMinutes(rule.horizonMinutes()));
    List<DeliverySlot> slots =
        recent ? open.stream().filter(slot -> !slot.start().isAfter(horizonEnd)).toList() : open;
    String scope =
        recent ? "open slot starting within " + rule.horizonMinutes() + " minutes" : "open slot";
    if (slots.isEmpty()) {
      rules.status(
          rule.id(),
          "NOTHING_TO_TRADE",
          "no open slot of zone "
              + zone.code()
              + " starts within the rule's horizon of "
              + rule.horizonMinutes()
              + " minutes",
          0,
          now);
      return 0;
    }
    Instant dayStart =
        calendar.deliveryDayOf(open.get(0)).atStartOfDay(zone.localZone()).toInstant();
    Set<Instant> slotsWithOrder = new HashSet<>();
    Map<LocalDate, Long> usedWhPerDay = new HashMap<>();
    for (OrderService.RuleOrder o : orders.ordersOfRuleFrom(rule.id(), dayStart)) {
      slotsWithOrder.add(o.slotStart());
      usedWhPerDay.merge(
          calendar.deliveryDayOf(DeliverySlot.startingAt(o.slotStart())),
          o.capWh(),
          Math::addExact);
    }
    if (slots.stream().allMatch(slot -> slotsWithOrder.contains(slot.start()))) {
      rules.status(rule.id(), "OK", "every " + scope + " has an order of this rule", 0, now);
      return 0;
    }
    Optional<Function<DeliverySlot, OptionalLong>> forecast =
        recent ? recentForecast(rule, now) : historyForecast(rule, slots, now);
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
      long wantedWh =
          rule.side() == Side.SELL ? net.getAsLong() : Math.negateExact(net.getAsLong());
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
      OrderOutcome outcome =
          orders.place(
              rule.accountId(),
              new OrderService.NewOrder(
                  zone.code(),
                  slot.toString(),
                  rule.side(),
                  quantityWh,
                  rule.limitPricePerKwh(),
                  OrderType.LIMIT,
                  false,
                  List.of(),
                  OptionalLong.of(rule.id())),
              now);
      if (outcome instanceof OrderOutcome.Rejected rejected) {
        lastRejection = rejected.rejection();
        continue;
      }
      usedWhPerDay.merge(day, quantityWh, Math::addExact);
      placed++;
      lastPlaced = slot;
    }
    if (lastRejection != null) {
      rules.status(
          rule.id(),
          "REJECTED",
          "the market refused an order of this rule: "
              + lastRejection.error()
              + " ("
              + lastRejection.message()
              + ")",
          placed,
          now);
    } else if (placed > 0) {
      rules.status(
          rule.id(),
          "OK",
          "placed " + placed + " order(s), the last for " + lastPlaced,
          placed,
          now);
    } else if (capped) {
      rules.status(
          rule.id(),
          "CAP_REACHED",
          "the daily cap of " + rule.dailyCapWh() + " Wh is used up",
          0,
          now);
    } else if (noForecast == slots.size()) {
      rules.status(
          rule.id(),
          "NO_READINGS",
          "metering point "
              + rule.meteringPointId()
              + " has no readings around these quarter-hours on the last "
              + rule.lookbackDays()
              + " days, so there is no forecast and the rule places no orders",
          0,
          now);
    } else {
      rules.status(
          rule.id(),
          "NOTHING_TO_TRADE",
          "every "
              + scope
              + " has an order of this rule or a forecast "
              + (rule.side() == Side.SELL ? "surplus" : "deficit")
              + " within the reserve",
          0,
          now);
    }
    return placed;
  }

  /**
   * The HISTORY forecast of each of {@code slots} (in order) from the same quarter-hours of
   * previous days; empty, reported as NO_READINGS, when the metering point has no readings in that
   * time.
   */
  private Optional<Function<DeliverySlot, OptionalLong>> historyForecast(
      StandingRuleView rule, List<DeliverySlot> slots, Instant now) {
    List<NavigableMap<Instant, SlotForecast.Counters>> series =
        readings.counters(
            rule.meteringPointId(),
            slots
                .get(0)
                .start()
                .minus(Duration.ofDays(rule.lookbackDays()))
                .minus(DeliverySlot.LENGTH),
            slots
                .get(slots.size() - 1)
                .start()
                .minus(Duration.ofDays(1))
                .plus(DeliverySlot.LENGTH));
    if (series.isEmpty()) {
      rules.status(
          rule.id(),
          "NO_READINGS",
          "metering point "
              + rule.meteringPointId()
              + " has no readings in the last "
              + rule.lookbackDays()
              + " days, so there is no forecast and the rule places no orders",
          0,
          now);
      return Optional.empty();
    }
    return Optional.of(slot -> SlotForecast.netExportWh(series, slot, rule.lookbackDays()));
  }

  /**
   * The RECENT forecast, the same for every slot, from the readings of the hour up to {@code now};
   * empty, reported as NO_READINGS saying what is missing, when no meter series of that hour is
   * usable.
   */
  private Optional<Function<DeliverySlot, OptionalLong>> recentForecast(
      StandingRuleView rule, Instant now) {
    List<List<RecentForecast.Reading>> series =
        readings.recentReadings(rule.meteringPointId(), now.minus(RecentForecast.WINDOW), now);
    OptionalLong net = RecentForecast.netExportWh(series);
    if (net.isPresent()) {
      return Optional.of(slot -> net);
    }
    String missing =
        series.isEmpty()
            ? "has no readings in the last hour; the recent forecast needs two of one meter at least 2 minutes apart"
            : "has no meter with two readings at least 2 minutes apart in the last hour whose counters did not go back"
                + " (a reset or meter swap)";
    rules.status(
        rule.id(),
        "NO_READINGS",
        "metering point "
            + rule.meteringPointId()
            + " "
            + missing
            + ", so there is no forecast and the rule places no orders",
        0,
        now);
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
        default -> {}
      }
    }
    return slots;
  }
}
