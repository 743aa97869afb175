package io.peerwatt.trading.matching;

import io.peerwatt.trading.calendar.ZoneConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Continuous matching with price-time priority. An incoming order trades against the best resting
 * orders while they cross ({@code bid >= offer + fee}), each trade at the resting order's price (a
 * resting offer's price, or a resting bid's limit minus the fee); a LIMIT remainder rests, an IOC
 * remainder is cancelled, an AON order trades completely on entry or not at all. The book is never
 * crossed after a command.
 */
final class ContinuousOrderBook extends AbstractOrderBook {

  ContinuousOrderBook(ZoneConfig zone, Instrument instrument) {
    super(zone, instrument);
  }

  @Override
  CommandResult placeValidated(Order o) {
    if (o.type == OrderType.AON && crossableWh(o) < o.openWh) {
      return new CommandResult(
          ResultCode.SUCCESS,
          List.of(),
          List.of(new OrderCancelled(o.id, o.accountId, o.openWh, CancelReason.AON_NOT_FILLABLE)),
          Optional.empty());
    }
    List<Trade> trades = match(o);
    if (o.openWh == 0) {
      return result(trades, List.of());
    }
    if (o.type == OrderType.LIMIT) {
      rest(o);
      return result(trades, List.of());
    }
    return result(
        trades,
        List.of(new OrderCancelled(o.id, o.accountId, o.openWh, CancelReason.IOC_REMAINDER)));
  }

  @Override
  CommandResult reenter(Order o) {
    List<Trade> trades = match(o);
    if (o.openWh == 0) {
      forget(o);
    } else {
      sideOf(o.side).add(o);
    }
    return result(trades, List.of());
  }

  @Override
  CommandResult closeGate() {
    return new CommandResult(
        ResultCode.SUCCESS,
        List.of(),
        cancelAllOpen(o -> CancelReason.GATE_CLOSED),
        Optional.empty());
  }

  private static CommandResult result(List<Trade> trades, List<OrderCancelled> cancellations) {
    if (trades.isEmpty() && cancellations.isEmpty()) {
      return CommandResult.of(ResultCode.SUCCESS);
    }
    return new CommandResult(ResultCode.SUCCESS, trades, cancellations, Optional.empty());
  }

  private boolean takerCrosses(Order taker, long restingPrice) {
    return taker.side == Side.BUY
        ? crosses(taker.price, restingPrice)
        : crosses(restingPrice, taker.price);
  }

  /**
   * Open quantity on the other side that {@code taker} could trade with, up to its own quantity.
   */
  private long crossableWh(Order taker) {
    long[] available = {0};
    sideOf(taker.side.opposite())
        .forEachFromBest(
            level -> {
              if (!takerCrosses(taker, level.price)) {
                return false;
              }
              available[0] += level.totalWh;
              return available[0] < taker.openWh;
            });
    return available[0];
  }

  /** Trades {@code taker} (not in any level) against the other side while prices cross. */
  private List<Trade> match(Order taker) {
    BookSide other = sideOf(taker.side.opposite());
    List<Trade> trades = List.of();
    while (taker.openWh > 0) {
      Level level = other.best();
      if (level == null || !takerCrosses(taker, level.price)) {
        break;
      }
      long price = taker.side == Side.BUY ? level.price : level.price - feePerKwh;
      if (trades.isEmpty()) {
        trades = new ArrayList<>(4);
      }
      Order maker = level.head;
      while (maker != null && taker.openWh > 0) {
        Order nextMaker = maker.next;
        long quantityWh = Math.min(taker.openWh, maker.openWh);
        taker.openWh -= quantityWh;
        taker.filledWh += quantityWh;
        maker.filledWh += quantityWh;
        trades.add(
            taker.side == Side.BUY
                ? trade(taker, maker, quantityWh, price, PreferenceTier.OPEN)
                : trade(maker, taker, quantityWh, price, PreferenceTier.OPEN));
        if (quantityWh == maker.openWh) {
          removeOpen(maker);
        } else {
          other.reduce(maker, quantityWh);
        }
        maker = nextMaker;
      }
    }
    return trades;
  }
}
