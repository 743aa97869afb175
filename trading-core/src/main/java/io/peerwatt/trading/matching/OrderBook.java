package io.peerwatt.trading.matching;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.trading.calendar.ClearingMode;
import io.peerwatt.trading.calendar.ZoneConfig;
import java.util.List;
import java.util.Optional;

/**
 * The book of one instrument (zone, delivery slot): a deterministic state machine. Feed it commands
 * with {@link #apply}; the same command sequence always yields the same results and the same {@link
 * #stateHash()}. Not thread-safe: one owner thread (or one ordered log consumer) per book. Market
 * rules are described in the package documentation.
 */
public interface OrderBook {

  /** A new, empty book for {@code slot} in {@code zone}, clearing as the zone says. */
  static OrderBook create(ZoneConfig zone, DeliverySlot slot) {
    Instrument instrument = new Instrument(zone.code(), slot);
    return zone.clearingMode() == ClearingMode.CALL_AUCTION
        ? new CallAuctionOrderBook(zone, instrument)
        : new ContinuousOrderBook(zone, instrument);
  }

  /** What this book trades. */
  Instrument instrument();

  /** The zone rules this book applies. */
  ZoneConfig zone();

  /**
   * Applies one command. Rejections are results, never exceptions; a rejected command changes
   * nothing.
   */
  CommandResult apply(OrderCommand command);

  /** The open order with this id. */
  Optional<OrderView> order(long orderId);

  /** The open orders of one account, by order id. */
  List<OrderView> ordersOf(long accountId);

  /** Aggregated depth, at most {@code maxLevels} price levels per side, best first. */
  DepthSnapshot depth(int maxLevels);

  /** Number of open orders. */
  int openOrderCount();

  /** Whether gate closure has been applied (the book then rejects every command). */
  boolean isClosed();

  /**
   * A digest of the whole state (open orders in priority order with all their fields, the closed
   * flag and every trade made so far): equal for two books that went through the same commands.
   */
  long stateHash();
}
