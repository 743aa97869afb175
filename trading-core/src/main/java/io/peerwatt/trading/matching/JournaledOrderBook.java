package io.peerwatt.trading.matching;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.trading.calendar.ZoneConfig;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * A book behind its command log: {@link #submit} appends the command first (write-ahead), then
 * applies it; {@link #recover} rebuilds a book after a restart by replaying its log. Rejected
 * commands are logged too: replay rejects them again, identically. Results of replayed commands are
 * discarded: trades and cancellations are the caller's to store when {@link #submit} returns them
 * (the log is the source of truth: a store that may have missed some can see every replayed result
 * through {@link #recover(ZoneConfig, DeliverySlot, CommandLog, BiConsumer)}).
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
    return recover(zone, slot, log, (command, result) -> {});
  }

  /** Like {@link #recover(ZoneConfig, DeliverySlot, CommandLog)}, showing each replayed result. */
  public static JournaledOrderBook recover(
      ZoneConfig zone,
      DeliverySlot slot,
      CommandLog log,
      BiConsumer<OrderCommand, CommandResult> replayed) {
    Objects.requireNonNull(log, "log");
    Objects.requireNonNull(replayed, "replayed");
    OrderBook book = OrderBook.create(zone, slot);
    log.replay(0, command -> replayed.accept(command, book.apply(command)));
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
