package io.peerwatt.trading.matching;

import io.peerwatt.trading.calendar.DeliverySlot;
import io.peerwatt.trading.calendar.ZoneConfig;
import java.util.Objects;

/**
 * A book behind its command log: {@link #submit} appends the command first (write-ahead), then
 * applies it; {@link #recover} rebuilds a book after a restart by replaying its log. Rejected
 * commands are logged too: replay rejects them again, identically.
 */
public final class JournaledOrderBook {
  private final OrderBook book;
  private final CommandLog log;

  private JournaledOrderBook(OrderBook book, CommandLog log) {
    this.book = book;
    this.log = log;
  }

  /**
   * The book of {@code slot} in {@code zone} in the state its log describes (empty for a new log).
   * Call once per book at startup, before any {@link #submit}.
   */
  public static JournaledOrderBook recover(ZoneConfig zone, DeliverySlot slot, CommandLog log) {
    Objects.requireNonNull(log, "log");
    OrderBook book = OrderBook.create(zone, slot);
    log.replay(0, book::apply);
    return new JournaledOrderBook(book, log);
  }

  /** Logs {@code command} durably, then applies it. */
  public CommandResult submit(OrderCommand command) {
    log.append(command);
    return book.apply(command);
  }

  /** The book, for queries (depth, order lookup, my orders, state hash). */
  public OrderBook book() {
    return book;
  }
}
