package io.peerwatt.trading.market;

import static io.peerwatt.db.schema.Tables.CLEARING_RESULT;
import static io.peerwatt.db.schema.Tables.MARKET_COMMAND;

import io.peerwatt.db.schema.tables.records.ClearingResultRecord;
import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.trading.calendar.ZoneConfig;
import io.peerwatt.trading.matching.CloseGate;
import io.peerwatt.trading.matching.CommandResult;
import io.peerwatt.trading.matching.CommandType;
import io.peerwatt.trading.matching.DepthSnapshot;
import io.peerwatt.trading.matching.Instrument;
import io.peerwatt.trading.matching.OrderBook;
import io.peerwatt.trading.matching.OrderCommand;
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
public final class MarketEngine implements OrderBooks {
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

  /** What one command did: its place in the log, the book's answer and the depth after it. */
  private record Submitted(long sequence, CommandResult result, DepthSnapshot depth) {}

  public MarketEngine(DSLContext dsl, MarketZones zones) {
    this.dsl = Objects.requireNonNull(dsl, "dsl");
    this.zones = Objects.requireNonNull(zones, "zones");
  }

  /** Registers a listener told about every committed command. */
  @Override
  public void addListener(MarketListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** A new platform-wide order id (from {@code market_order_id_seq}). */
  @Override
  public long nextOrderId() {
    return OrderBooks.nextOrderId(dsl);
  }

  /**
   * Rebuilds every book whose gate has not been closed yet by replaying its log; returns how many.
   * Call once at platform start, before the scheduler and the API take commands.
   */
  @Override
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
  @Override
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
  @Override
  public CommandResult submit(Instrument instrument, OrderCommand command, Instant now) {
    return logged(instrument, command, now).result();
  }

  private Submitted logged(Instrument instrument, OrderCommand command, Instant now) {
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
                      MarketProjection.project(
                          tx, loaded.book.zone(), instrument, sequence, command, result, now);
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
  @Override
  public Optional<CommandResult> closeGate(Instrument instrument, Instant now) {
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
  @Override
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

  /** The clearing result of a book whose gate closed; empty before its gate closure. */
  @Override
  public Optional<ClearingResultRecord> clearingResult(Instrument instrument) {
    return dsl.selectFrom(CLEARING_RESULT)
        .where(CLEARING_RESULT.ZONE_CODE.eq(instrument.zoneCode()))
        .and(CLEARING_RESULT.SLOT_START.eq(instrument.slot().start()))
        .fetchOptional();
  }
}
