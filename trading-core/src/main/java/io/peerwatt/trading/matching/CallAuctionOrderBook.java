package io.peerwatt.trading.matching;

import io.peerwatt.trading.calendar.ZoneConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Collects orders until gate closure, then clears them in one uniform-price auction ({@link
 * UniformPriceAuction}). Orders never trade before {@link CloseGate}, so arrival order has no
 * effect on the outcome.
 */
final class CallAuctionOrderBook extends AbstractOrderBook {

  CallAuctionOrderBook(ZoneConfig zone, Instrument instrument) {
    super(zone, instrument);
  }

  @Override
  CommandResult placeValidated(Order o) {
    rest(o);
    return CommandResult.of(ResultCode.SUCCESS);
  }

  @Override
  CommandResult reenter(Order o) {
    sideOf(o.side).add(o);
    return CommandResult.of(ResultCode.SUCCESS);
  }

  @Override
  CommandResult closeGate() {
    UniformPriceAuction.Outcome outcome =
        UniformPriceAuction.clear(collect(bids), collect(offers), feePerKwh);
    List<Trade> trades = new ArrayList<>(outcome.pairs().size());
    for (UniformPriceAuction.Pair pair : outcome.pairs()) {
      pair.buy().openWh -= pair.quantityWh();
      pair.buy().filledWh += pair.quantityWh();
      pair.sell().openWh -= pair.quantityWh();
      pair.sell().filledWh += pair.quantityWh();
      trades.add(
          trade(pair.buy(), pair.sell(), pair.quantityWh(), outcome.pricePerKwh(), pair.tier()));
      // level totals are not kept up to date here: the book is dropped right after
    }
    Set<Order> excluded = outcome.excludedAon();
    List<OrderCancelled> cancellations =
        cancelAllOpen(
            excluded.isEmpty()
                ? o -> CancelReason.GATE_CLOSED
                : o ->
                    excluded.contains(o)
                        ? CancelReason.AON_NOT_FILLABLE
                        : CancelReason.GATE_CLOSED);
    return new CommandResult(
        ResultCode.SUCCESS,
        trades,
        cancellations,
        Optional.of(
            new AuctionClearing(
                outcome.volumeWh(), outcome.pricePerKwh(), outcome.welfareMilliUnits())));
  }

  /** All open orders of a side in merit order: best price first, then lower order id. */
  private static Order[] collect(BookSide side) {
    List<Level> levels = side.levels();
    int n = 0;
    for (Level level : levels) {
      n += level.count;
    }
    Order[] out = new Order[n];
    int k = 0;
    for (Level level : levels) {
      int from = k;
      for (Order o = level.head; o != null; o = o.next) {
        out[k++] = o;
      }
      // within a level, time priority does not count in an auction: order ids decide
      Arrays.sort(out, from, k, (a, b) -> Long.compare(a.id, b.id));
    }
    return out;
  }
}
