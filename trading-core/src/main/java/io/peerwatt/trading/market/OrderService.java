package io.peerwatt.trading.market;

import static io.peerwatt.db.schema.Tables.MARKET_ORDER;
import static io.peerwatt.db.schema.Tables.TRADE;

import io.peerwatt.db.schema.tables.records.TradeRecord;
import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.PriceUnit;
import io.peerwatt.trading.calendar.MarketCalendar;
import io.peerwatt.trading.calendar.SlotState;
import io.peerwatt.trading.calendar.ZoneConfig;
import io.peerwatt.trading.matching.AmendOrder;
import io.peerwatt.trading.matching.CancelOrder;
import io.peerwatt.trading.matching.CommandResult;
import io.peerwatt.trading.matching.Instrument;
import io.peerwatt.trading.matching.OrderCommand;
import io.peerwatt.trading.matching.OrderType;
import io.peerwatt.trading.matching.PlaceOrder;
import io.peerwatt.trading.matching.PreferenceTier;
import io.peerwatt.trading.matching.ResultCode;
import io.peerwatt.trading.matching.Side;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;

/**
 * Orders as the API and the standing rules see them: checks what the book cannot know (the zone
 * trades, the slot's book is open at {@code now}, the order exists and belongs to the caller),
 * hands the command to the {@link OrderBooks} and answers with the order as committed. Who may
 * trade in which zone is decided by the caller of this class. Blocking: call from worker threads.
 */
public final class OrderService {
  /** Most rows one list query returns. */
  public static final int MAX_ROWS = 500;

  private final DSLContext dsl;
  private final MarketZones zones;
  private final OrderBooks books;

  public OrderService(DSLContext dsl, MarketZones zones, OrderBooks books) {
    this.dsl = Objects.requireNonNull(dsl, "dsl");
    this.zones = Objects.requireNonNull(zones, "zones");
    this.books = Objects.requireNonNull(books, "books");
  }

  /**
   * A new order as requested.
   *
   * @param slot ISO 8601 interval text, e.g. {@code 2026-11-25T10:00Z/PT15M}
   * @param limitPricePerKwh in the zone's price unit
   * @param ruleId the standing rule placing it, if any
   */
  public record NewOrder(
      String zoneCode,
      String slot,
      Side side,
      long quantityWh,
      long limitPricePerKwh,
      OrderType orderType,
      boolean green,
      List<Long> preferredPartners,
      OptionalLong ruleId) {}

  /** Places {@code order} for {@code accountId}. */
  public OrderOutcome place(long accountId, NewOrder order, Instant now) {
    Optional<ZoneConfig> zone = zones.zone(order.zoneCode());
    if (zone.isEmpty()) {
      return rejected(
          Rejection.badRequest(
              "UNKNOWN_ZONE", "zone", "zone " + order.zoneCode() + " does not trade"));
    }
    DeliverySlot slot;
    try {
      slot = DeliverySlot.parse(order.slot());
    } catch (IllegalArgumentException e) {
      return rejected(Rejection.badRequest("INVALID_SLOT", "slot", e.getMessage()));
    }
    Optional<Rejection> closed = unlessOpen(zone.get(), slot, now);
    if (closed.isPresent()) {
      return rejected(closed.get());
    }
    Instrument instrument = new Instrument(zone.get().code(), slot);
    PlaceOrder place =
        new PlaceOrder(
            books.nextOrderId(),
            accountId,
            instrument,
            order.side(),
            order.quantityWh(),
            order.limitPricePerKwh(),
            order.orderType(),
            order.green(),
            order.preferredPartners(),
            order.ruleId());
    CommandResult result;
    try {
      result = books.submit(instrument, place, now);
    } catch (BooksUnavailableException e) {
      return rejected(
          unavailable(
              e, "the order may still be placed: list your orders before placing it again"));
    }
    if (!result.isSuccess()) {
      return rejected(fromResult(result.code(), zone.get()));
    }
    return new OrderOutcome.Accepted(order(place.orderId()).orElseThrow());
  }

  /** Cancels the caller's open order {@code orderId}. */
  public OrderOutcome cancel(long accountId, long orderId, Instant now) {
    return change(accountId, orderId, now, current -> new CancelOrder(orderId, accountId));
  }

  /**
   * Amends the caller's open order: a new open quantity and/or limit price (null keeps the current
   * one). A larger quantity or another price loses time priority.
   */
  public OrderOutcome amend(
      long accountId, long orderId, Long openQuantityWh, Long limitPricePerKwh, Instant now) {
    return change(
        accountId,
        orderId,
        now,
        current ->
            new AmendOrder(
                orderId,
                accountId,
                openQuantityWh == null ? current.openWh() : openQuantityWh,
                limitPricePerKwh == null ? current.limitPricePerKwh() : limitPricePerKwh));
  }

  private OrderOutcome change(
      long accountId, long orderId, Instant now, Function<StoredOrder, OrderCommand> command) {
    Optional<StoredOrder> found = order(orderId).filter(o -> o.accountId() == accountId);
    if (found.isEmpty()) {
      // another account's order is reported exactly like a missing one
      return rejected(Rejection.notFound("id", "order " + orderId + " not found"));
    }
    StoredOrder current = found.get();
    if (!current.isOpen()) {
      return rejected(
          Rejection.conflict(
              "ORDER_NOT_OPEN", "id", "order " + orderId + " is " + current.state()));
    }
    ZoneConfig zone = zones.zone(current.zoneCode()).orElseThrow();
    Optional<Rejection> closed = unlessOpen(zone, current.slot(), now);
    if (closed.isPresent()) {
      return rejected(closed.get());
    }
    Instrument instrument = new Instrument(current.zoneCode(), current.slot());
    CommandResult result;
    try {
      result = books.submit(instrument, command.apply(current), now);
    } catch (BooksUnavailableException e) {
      return rejected(
          unavailable(
              e, "the change may still be applied: look at the order before sending it again"));
    }
    if (!result.isSuccess()) {
      return rejected(fromResult(result.code(), zone));
    }
    return new OrderOutcome.Accepted(order(orderId).orElseThrow());
  }

  /** The order with this id (any account's: callers filter by owner). */
  public Optional<StoredOrder> order(long orderId) {
    return dsl.selectFrom(MARKET_ORDER)
        .where(MARKET_ORDER.ID.eq(orderId))
        .fetchOptional()
        .map(StoredOrder::of);
  }

  /**
   * Orders of {@code accountId}, newest slot first, optionally only one zone/slot and only open
   * ones.
   */
  public List<StoredOrder> ordersOf(
      long accountId, String zoneCode, DeliverySlot slot, boolean openOnly) {
    Condition where = MARKET_ORDER.ACCOUNT_ID.eq(accountId);
    if (zoneCode != null) {
      where = where.and(MARKET_ORDER.ZONE_CODE.eq(zoneCode));
    }
    if (slot != null) {
      where = where.and(MARKET_ORDER.SLOT_START.eq(slot.start()));
    }
    if (openOnly) {
      where =
          where.and(
              MARKET_ORDER.STATE.in(OrderState.OPEN.name(), OrderState.PARTIALLY_FILLED.name()));
    }
    return dsl.selectFrom(MARKET_ORDER)
        .where(where)
        .orderBy(MARKET_ORDER.SLOT_START.desc(), MARKET_ORDER.ID.desc())
        .limit(MAX_ROWS)
        .fetch(StoredOrder::of);
  }

  /** Open orders a standing rule placed. */
  public List<StoredOrder> openOrdersOfRule(long ruleId) {
    return dsl.selectFrom(MARKET_ORDER)
        .where(MARKET_ORDER.RULE_ID.eq(ruleId))
        .and(MARKET_ORDER.STATE.in(OrderState.OPEN.name(), OrderState.PARTIALLY_FILLED.name()))
        .orderBy(MARKET_ORDER.ID)
        .fetch(StoredOrder::of);
  }

  /**
   * An order a standing rule placed, as its daily cap counts it.
   *
   * @param capWh the whole quantity while the order may still fill, what filled once it was
   *     cancelled
   */
  public record RuleOrder(Instant slotStart, long capWh) {}

  /** The orders rule {@code ruleId} placed for slots starting at or after {@code from}. */
  public List<RuleOrder> ordersOfRuleFrom(long ruleId, Instant from) {
    Field<Long> capWh =
        DSL.when(
                MARKET_ORDER.STATE.in(
                    OrderState.OPEN.name(),
                    OrderState.PARTIALLY_FILLED.name(),
                    OrderState.FILLED.name()),
                MARKET_ORDER.QUANTITY_WH)
            .otherwise(MARKET_ORDER.FILLED_WH);
    return dsl.select(MARKET_ORDER.SLOT_START, capWh)
        .from(MARKET_ORDER)
        .where(MARKET_ORDER.RULE_ID.eq(ruleId))
        .and(MARKET_ORDER.SLOT_START.ge(from))
        .fetch(r -> new RuleOrder(r.value1(), r.value2()));
  }

  /**
   * What a zone traded in one slot.
   *
   * @param volumeWh energy traded
   * @param tradeCount trades
   * @param averagePricePerKwh the volume-weighted average trade price, rounded down (a call
   *     auction's clearing price: all its trades have it)
   * @param minPricePerKwh the lowest trade price
   * @param maxPricePerKwh the highest trade price
   */
  public record SlotVolume(
      Instant slotStart,
      long volumeWh,
      long tradeCount,
      long averagePricePerKwh,
      long minPricePerKwh,
      long maxPricePerKwh) {}

  /** Per traded slot starting in {@code [from, to)}, what {@code zoneCode} traded, oldest first. */
  public List<SlotVolume> history(String zoneCode, Instant from, Instant to) {
    Field<BigDecimal> volume = DSL.sum(TRADE.QUANTITY_WH);
    Field<BigDecimal> value = DSL.sum(TRADE.QUANTITY_WH.mul(TRADE.PRICE_PER_KWH));
    return dsl.select(
            TRADE.SLOT_START,
            volume,
            DSL.count(),
            value,
            DSL.min(TRADE.PRICE_PER_KWH),
            DSL.max(TRADE.PRICE_PER_KWH))
        .from(TRADE)
        .where(TRADE.ZONE_CODE.eq(zoneCode), TRADE.SLOT_START.ge(from), TRADE.SLOT_START.lt(to))
        .groupBy(TRADE.SLOT_START)
        .orderBy(TRADE.SLOT_START)
        .fetch(
            r -> {
              long wh = r.value2().longValueExact();
              return new SlotVolume(
                  r.value1(),
                  wh,
                  r.value3(),
                  // rounded down: the average never shows more than was paid
                  Math.floorDiv(r.value4().longValueExact(), wh),
                  r.value5(),
                  r.value6());
            });
  }

  /** Trades in which {@code accountId} bought or sold, newest first. */
  public List<TradeView> tradesOf(long accountId, String zoneCode, DeliverySlot slot) {
    Condition where =
        TRADE.BUYER_ACCOUNT_ID.eq(accountId).or(TRADE.SELLER_ACCOUNT_ID.eq(accountId));
    if (zoneCode != null) {
      where = DSL.and(where, TRADE.ZONE_CODE.eq(zoneCode));
    }
    if (slot != null) {
      where = DSL.and(where, TRADE.SLOT_START.eq(slot.start()));
    }
    return dsl.selectFrom(TRADE)
        .where(where)
        .orderBy(TRADE.SLOT_START.desc(), TRADE.ID.desc())
        .limit(MAX_ROWS)
        .fetch(OrderService::toTrade);
  }

  static TradeView toTrade(TradeRecord r) {
    return new TradeView(
        r.getId(),
        r.getZoneCode(),
        DeliverySlot.startingAt(r.getSlotStart()),
        r.getBuyOrderId(),
        r.getBuyerAccountId(),
        r.getSellOrderId(),
        r.getSellerAccountId(),
        r.getQuantityWh(),
        r.getPricePerKwh(),
        r.getGridFeePerKwh(),
        r.getPriceUnit(),
        r.getCurrency(),
        PreferenceTier.valueOf(r.getTier()),
        r.getTradedAt());
  }

  /** Empty when {@code slot}'s book takes orders at {@code now}; otherwise why not. */
  private static Optional<Rejection> unlessOpen(ZoneConfig zone, DeliverySlot slot, Instant now) {
    MarketCalendar calendar = new MarketCalendar(zone);
    SlotState state = calendar.stateAt(slot, now);
    if (state == SlotState.OPEN) {
      return Optional.empty();
    }
    String message =
        state == SlotState.NOT_OPEN
            ? "the book of " + slot + " opens at " + calendar.bookOpening(slot)
            : "gate closure of " + slot + " was at " + calendar.gateClosure(slot);
    return Optional.of(Rejection.badRequest("SLOT_NOT_OPEN", "slot", message));
  }

  /** The API field name of every price in {@code zone}: the unit is part of the name. */
  public static String priceField(ZoneConfig zone) {
    return zone.priceUnit() == PriceUnit.SAT_PER_KWH
        ? "limitPriceSatPerKwh"
        : "limitPriceMilliCtPerKwh";
  }

  private static Rejection fromResult(ResultCode code, ZoneConfig zone) {
    String field =
        switch (code.field()) {
          case "limitPricePerKwh" -> priceField(zone);
          case "orderId" -> "id";
          default -> code.field();
        };
    int status = code.code() <= -3000 && code != ResultCode.SELF_TRADE ? 409 : 400;
    return new Rejection(status, code.name(), field, field + ": " + code.message());
  }

  /** The book did not answer in time: 503, saying what the caller should do before trying again. */
  private static Rejection unavailable(BooksUnavailableException e, String advice) {
    return new Rejection(
        503,
        "MARKET_UNAVAILABLE",
        null,
        "the zone's book did not answer within " + e.waited().toSeconds() + " s; " + advice);
  }

  private static OrderOutcome rejected(Rejection rejection) {
    return new OrderOutcome.Rejected(rejection);
  }
}
