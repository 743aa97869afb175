package io.peerwatt.trading.market;

import static io.peerwatt.db.schema.Tables.CLEARING_RESULT;
import static io.peerwatt.db.schema.Tables.MARKET_COMMAND;
import static io.peerwatt.db.schema.Tables.MARKET_ORDER;
import static io.peerwatt.db.schema.Tables.TRADE;

import io.peerwatt.db.schema.tables.records.ClearingResultRecord;
import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.trading.calendar.ClearingMode;
import io.peerwatt.trading.calendar.ZoneConfig;
import io.peerwatt.trading.matching.AmendOrder;
import io.peerwatt.trading.matching.AuctionClearing;
import io.peerwatt.trading.matching.CancelOrder;
import io.peerwatt.trading.matching.CloseGate;
import io.peerwatt.trading.matching.CommandResult;
import io.peerwatt.trading.matching.CommandType;
import io.peerwatt.trading.matching.DepthSnapshot;
import io.peerwatt.trading.matching.Instrument;
import io.peerwatt.trading.matching.OrderBook;
import io.peerwatt.trading.matching.OrderCancelled;
import io.peerwatt.trading.matching.OrderCommand;
import io.peerwatt.trading.matching.PlaceOrder;
import io.peerwatt.trading.matching.Trade;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform's books, each behind its PostgreSQL command log. {@link #submit} takes the book's
 * lock, and in one transaction appends the command to {@code market_command}, applies it to the
 * book and writes what it caused ({@code market_order}, {@code trade}, {@code clearing_result});
 * the caller is answered only after the commit. Should the commit fail, the in-memory book is
 * rebuilt from its log, so memory never holds a command the database lost. Books are loaded lazily
 * by replaying their log.
 *
 * <p>All methods block on JDBC: call them from worker threads, never an event loop.
 */
public final class MarketEngine {
  private static final Logger log = LoggerFactory.getLogger(MarketEngine.class);

  private final DSLContext dsl;
  private final MarketZones zones;
  private final Map<Instrument, LoadedBook> books = new ConcurrentHashMap<>();
  private final List<MarketListener> listeners = new CopyOnWriteArrayList<>();

  /** A book and the lock that orders its commands. */
  private static final class LoadedBook {
    final OrderBook book;

    /**
     * Set under the lock when a commit failed: the book may differ from its log and must not be
     * used.
     */
    boolean stale;

    LoadedBook(OrderBook book) {
      this.book = book;
    }
  }

  /** What {@link #submit} did: the command's place in the log and the book's answer. */
  public record Submitted(long sequence, CommandResult result, DepthSnapshot depth) {}

  public MarketEngine(DSLContext dsl, MarketZones zones) {
    this.dsl = Objects.requireNonNull(dsl, "dsl");
    this.zones = Objects.requireNonNull(zones, "zones");
  }

  /** Registers a listener told about every committed command. */
  public void addListener(MarketListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** A new platform-wide order id (from {@code market_order_id_seq}). */
  public long nextOrderId() {
    return dsl.nextval(DSL.sequence(DSL.name("market_order_id_seq"), Long.class));
  }

  /**
   * Rebuilds every book whose gate has not been closed yet by replaying its log; returns how many.
   * Call once at platform start, before the scheduler and the API take commands.
   */
  public int recoverOpenBooks() {
    var c = MARKET_COMMAND.as("c");
    var closed = MARKET_COMMAND.as("closed");
    var open =
        dsl.selectDistinct(c.ZONE_CODE, c.SLOT_START)
            .from(c)
            .whereNotExists(
                DSL.selectOne()
                    .from(closed)
                    .where(closed.ZONE_CODE.eq(c.ZONE_CODE))
                    .and(closed.SLOT_START.eq(c.SLOT_START))
                    .and(closed.COMMAND_TYPE.eq((short) CommandType.CLOSE_GATE.code())))
            .fetch();
    for (var r : open) {
      loaded(new Instrument(r.value1(), DeliverySlot.startingAt(r.value2())));
    }
    log.info("Recovered {} open order books from their command logs", open.size());
    return open.size();
  }

  /**
   * Books that have commands but whose gate has not closed, whose gate closure is at or before
   * {@code now}.
   */
  public List<Instrument> booksDueForGateClosure(Instant now) {
    List<Instrument> due = new ArrayList<>();
    for (LoadedBook loaded : books.values()) {
      OrderBook book = loaded.book;
      Instant gate = book.instrument().slot().start().minus(book.zone().gateClosureLead());
      if (!gate.isAfter(now)) {
        due.add(book.instrument());
      }
    }
    due.sort(Comparator.comparing(Instrument::slot).thenComparing(Instrument::zoneCode));
    return due;
  }

  /**
   * Applies {@code command} to the book of {@code instrument} (loaded or created as needed),
   * logging it first and persisting its effects, all in one transaction.
   *
   * @throws IllegalArgumentException when the instrument's zone does not trade
   */
  public Submitted submit(Instrument instrument, OrderCommand command, Instant now) {
    while (true) {
      LoadedBook loaded = loaded(instrument);
      Submitted submitted;
      synchronized (loaded) {
        if (loaded.stale) {
          // a failed commit left this copy behind: take the one rebuilt from the log
          continue;
        }
        try {
          submitted =
              dsl.transactionResult(
                  cfg -> {
                    DSLContext tx = cfg.dsl();
                    long sequence = new PostgresCommandLog(tx, instrument).append(command);
                    CommandResult result = loaded.book.apply(command);
                    if (result.isSuccess()) {
                      project(tx, loaded.book.zone(), instrument, sequence, command, result, now);
                    }
                    return new Submitted(sequence, result, loaded.book.depth(Integer.MAX_VALUE));
                  });
        } catch (RuntimeException e) {
          // the book may hold the command the database rolled back: drop it, the next use replays
          // the log
          loaded.stale = true;
          books.remove(instrument, loaded);
          throw e;
        }
      }
      afterCommit(instrument, loaded, submitted);
      return submitted;
    }
  }

  private void afterCommit(Instrument instrument, LoadedBook loaded, Submitted submitted) {
    if (loaded.book.isClosed()) {
      books.remove(instrument, loaded);
    }
    for (MarketListener listener : listeners) {
      try {
        listener.committed(instrument, submitted.result(), submitted.depth());
      } catch (RuntimeException e) {
        log.warn("Market listener failed on {}: {}", instrument, e.toString());
      }
    }
  }

  /**
   * Closes the gate of {@code instrument}'s book (a call auction clears) unless that already
   * happened; returns the close's result, or empty when it was closed before (so calling it twice,
   * or again after a restart, changes nothing).
   */
  public Optional<Submitted> closeGate(Instrument instrument, Instant now) {
    if (isGateClosed(instrument)) {
      books.remove(instrument);
      return Optional.empty();
    }
    return Optional.of(submit(instrument, new CloseGate(), now));
  }

  /** Whether the log of {@code instrument} holds a gate closure. */
  public boolean isGateClosed(Instrument instrument) {
    return dsl.fetchExists(
        MARKET_COMMAND,
        MARKET_COMMAND
            .ZONE_CODE
            .eq(instrument.zoneCode())
            .and(MARKET_COMMAND.SLOT_START.eq(instrument.slot().start()))
            .and(MARKET_COMMAND.COMMAND_TYPE.eq((short) CommandType.CLOSE_GATE.code())));
  }

  /**
   * The book of {@code instrument} for queries, as its log describes it (an empty book when it has
   * none). Only books with commands and an open gate are kept in memory; others are rebuilt on each
   * call.
   */
  public OrderBook book(Instrument instrument) {
    LoadedBook loaded = books.get(instrument);
    if (loaded != null) {
      return loaded.book;
    }
    long[] commands = new long[1];
    OrderBook book = recover(instrument, commands);
    if (book.isClosed() || commands[0] == 0) {
      return book;
    }
    return books.computeIfAbsent(instrument, i -> new LoadedBook(book)).book;
  }

  /** Depth of a book, consistent with concurrent commands. */
  public DepthSnapshot depth(Instrument instrument, int maxLevels) {
    LoadedBook loaded = books.get(instrument);
    if (loaded == null) {
      return book(instrument).depth(maxLevels);
    }
    synchronized (loaded) {
      return loaded.book.depth(maxLevels);
    }
  }

  /** {@link OrderBook#stateHash()} of a book, taken under its lock. */
  public long stateHash(Instrument instrument) {
    LoadedBook loaded = books.get(instrument);
    if (loaded == null) {
      return book(instrument).stateHash();
    }
    synchronized (loaded) {
      return loaded.book.stateHash();
    }
  }

  private LoadedBook loaded(Instrument instrument) {
    return books.computeIfAbsent(instrument, i -> new LoadedBook(recover(i, new long[1])));
  }

  /** A fresh book fed with the whole log of {@code instrument}; {@code commands[0]} counts them. */
  private OrderBook recover(Instrument instrument, long[] commands) {
    ZoneConfig zone =
        zones
            .zone(instrument.zoneCode())
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "zone " + instrument.zoneCode() + " does not trade"));
    OrderBook book = OrderBook.create(zone, instrument.slot());
    new PostgresCommandLog(dsl, instrument)
        .replay(
            0,
            command -> {
              book.apply(command);
              commands[0]++;
            });
    return book;
  }

  /** Writes the effects of one accepted command into the projection tables. */
  private static void project(
      DSLContext tx,
      ZoneConfig zone,
      Instrument instrument,
      long sequence,
      OrderCommand command,
      CommandResult result,
      Instant now) {
    Instant at = now;
    if (command instanceof PlaceOrder p) {
      tx.insertInto(MARKET_ORDER)
          .set(MARKET_ORDER.ID, p.orderId())
          .set(MARKET_ORDER.ACCOUNT_ID, p.accountId())
          .set(MARKET_ORDER.ZONE_CODE, instrument.zoneCode())
          .set(MARKET_ORDER.SLOT_START, instrument.slot().start())
          .set(MARKET_ORDER.SIDE, p.side().name())
          .set(MARKET_ORDER.ORDER_TYPE, p.orderType().name())
          .set(MARKET_ORDER.QUANTITY_WH, p.quantityWh())
          .set(MARKET_ORDER.LIMIT_PRICE_PER_KWH, p.limitPricePerKwh())
          .set(MARKET_ORDER.OPEN_WH, p.quantityWh())
          .set(MARKET_ORDER.FILLED_WH, 0L)
          .set(MARKET_ORDER.STATE, OrderState.OPEN.name())
          .set(MARKET_ORDER.GREEN, p.green())
          .set(MARKET_ORDER.PREFERRED_PARTNERS, p.preferredPartners().toArray(Long[]::new))
          .set(MARKET_ORDER.RULE_ID, p.ruleId().isPresent() ? p.ruleId().getAsLong() : null)
          .set(MARKET_ORDER.CREATED_AT, at)
          .set(MARKET_ORDER.UPDATED_AT, at)
          .execute();
    } else if (command instanceof CancelOrder c) {
      tx.update(MARKET_ORDER)
          .set(MARKET_ORDER.STATE, OrderState.CANCELLED.name())
          .set(MARKET_ORDER.OPEN_WH, 0L)
          .set(MARKET_ORDER.UPDATED_AT, at)
          .where(MARKET_ORDER.ID.eq(c.orderId()))
          .execute();
    } else if (command instanceof AmendOrder a) {
      tx.update(MARKET_ORDER)
          .set(MARKET_ORDER.QUANTITY_WH, MARKET_ORDER.FILLED_WH.plus(a.quantityWh()))
          .set(MARKET_ORDER.OPEN_WH, a.quantityWh())
          .set(MARKET_ORDER.LIMIT_PRICE_PER_KWH, a.limitPricePerKwh())
          .set(MARKET_ORDER.UPDATED_AT, at)
          .where(MARKET_ORDER.ID.eq(a.orderId()))
          .execute();
    }
    List<Trade> trades = result.trades();
    for (int i = 0; i < trades.size(); i++) {
      Trade t = trades.get(i);
      tx.insertInto(TRADE)
          .set(TRADE.ZONE_CODE, instrument.zoneCode())
          .set(TRADE.SLOT_START, instrument.slot().start())
          .set(TRADE.BUY_ORDER_ID, t.buyOrderId())
          .set(TRADE.BUYER_ACCOUNT_ID, t.buyerAccountId())
          .set(TRADE.SELL_ORDER_ID, t.sellOrderId())
          .set(TRADE.SELLER_ACCOUNT_ID, t.sellerAccountId())
          .set(TRADE.QUANTITY_WH, t.quantityWh())
          .set(TRADE.PRICE_PER_KWH, t.pricePerKwh())
          .set(TRADE.GRID_FEE_PER_KWH, t.gridFeePerKwh())
          .set(TRADE.PRICE_UNIT, zone.priceUnit().name())
          .set(TRADE.CURRENCY, zone.currency())
          .set(TRADE.TIER, t.tier().name())
          .set(TRADE.COMMAND_SEQUENCE, sequence)
          .set(TRADE.FILL_INDEX, i)
          .set(TRADE.TRADED_AT, at)
          .execute();
      fill(tx, t.buyOrderId(), t.quantityWh(), at);
      fill(tx, t.sellOrderId(), t.quantityWh(), at);
    }
    for (OrderCancelled c : result.cancellations()) {
      tx.update(MARKET_ORDER)
          .set(MARKET_ORDER.OPEN_WH, MARKET_ORDER.OPEN_WH.minus(c.cancelledWh()))
          .set(MARKET_ORDER.STATE, OrderState.EXPIRED.name())
          .set(MARKET_ORDER.UPDATED_AT, at)
          .where(MARKET_ORDER.ID.eq(c.orderId()))
          .execute();
    }
    if (command instanceof CloseGate) {
      writeClearingResult(tx, zone, instrument, result, at);
    }
  }

  private static void fill(DSLContext tx, long orderId, long quantityWh, Instant at) {
    tx.update(MARKET_ORDER)
        .set(MARKET_ORDER.FILLED_WH, MARKET_ORDER.FILLED_WH.plus(quantityWh))
        .set(MARKET_ORDER.OPEN_WH, MARKET_ORDER.OPEN_WH.minus(quantityWh))
        .set(
            MARKET_ORDER.STATE,
            DSL.when(MARKET_ORDER.OPEN_WH.eq(quantityWh), OrderState.FILLED.name())
                .otherwise(OrderState.PARTIALLY_FILLED.name()))
        .set(MARKET_ORDER.UPDATED_AT, at)
        .where(MARKET_ORDER.ID.eq(orderId))
        .execute();
  }

  private static void writeClearingResult(
      DSLContext tx, ZoneConfig zone, Instrument instrument, CommandResult result, Instant at) {
    Instant slotStart = instrument.slot().start();
    var totals =
        tx.select(DSL.coalesce(DSL.sum(TRADE.QUANTITY_WH), BigDecimal.ZERO), DSL.count())
            .from(TRADE)
            .where(TRADE.ZONE_CODE.eq(instrument.zoneCode()))
            .and(TRADE.SLOT_START.eq(slotStart))
            .fetchOne();
    long volumeWh = totals.value1().longValueExact();
    Optional<AuctionClearing> clearing = result.clearing();
    tx.insertInto(CLEARING_RESULT)
        .set(CLEARING_RESULT.ZONE_CODE, instrument.zoneCode())
        .set(CLEARING_RESULT.SLOT_START, slotStart)
        .set(CLEARING_RESULT.CLEARING_MODE, zone.clearingMode().name())
        .set(CLEARING_RESULT.VOLUME_WH, volumeWh)
        .set(
            CLEARING_RESULT.PRICE_PER_KWH,
            zone.clearingMode() == ClearingMode.CALL_AUCTION
                    && clearing.isPresent()
                    && clearing.get().volumeWh() > 0
                ? clearing.get().pricePerKwh()
                : null)
        .set(CLEARING_RESULT.GRID_FEE_PER_KWH, zone.gridFeePerKwh())
        .set(CLEARING_RESULT.TRADE_COUNT, totals.value2())
        .set(
            CLEARING_RESULT.WELFARE_MILLI_UNITS,
            clearing.map(AuctionClearing::welfareMilliUnits).orElse(null))
        .set(CLEARING_RESULT.CLEARED_AT, at)
        .execute();
  }

  /** The clearing result of a book whose gate closed; empty before its gate closure. */
  public Optional<ClearingResultRecord> clearingResult(Instrument instrument) {
    return dsl.selectFrom(CLEARING_RESULT)
        .where(CLEARING_RESULT.ZONE_CODE.eq(instrument.zoneCode()))
        .and(CLEARING_RESULT.SLOT_START.eq(instrument.slot().start()))
        .fetchOptional();
  }
}
