package io.peerwatt.trading.matching;

import static io.peerwatt.trading.matching.TestMarket.FEE;
import static io.peerwatt.trading.matching.TestMarket.buy;
import static io.peerwatt.trading.matching.TestMarket.sell;
import static io.peerwatt.trading.matching.TestMarket.withPreferences;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.trading.calendar.ClearingMode;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallAuctionOrderBookTest extends OrderBookBaseTest {

  @Override
  ClearingMode mode() {
    return ClearingMode.CALL_AUCTION;
  }

  static Trade trade(
      long buy, long buyer, long sell, long seller, long wh, long price, PreferenceTier tier) {
    return new Trade(buy, buyer, sell, seller, wh, price, FEE, tier);
  }

  @Test
  void crossingOrdersWaitForTheAuction() {
    CommandResult r = ok(buy(7, 7, 21_700, 1_000));
    assertThat(r.trades()).isEmpty();
    expectDepth(
        List.of(level(21_700, 1_000, 1), level(20_000, 1_500, 2), level(19_500, 2_000, 1)),
        List.of(level(21_000, 800, 1), level(21_500, 1_000, 1), level(22_000, 300, 1)));
  }

  @Test
  void clearsAtTheMidpointOfTheClearingInterval() {
    ok(buy(7, 7, 21_700, 1_000));
    ok(sell(8, 8, 19_000, 600));
    CommandResult r = ok(new CloseGate());
    // 1 000 Wh cross; order 4 is the marginal offer, partly filled, so the interval is [21 000, 21
    // 000]
    assertThat(r.clearing())
        .contains(new AuctionClearing(1_000, 21_000, BigInteger.valueOf(1_800_000)));
    assertThat(r.trades())
        .containsExactly(
            trade(7, 7, 8, 8, 600, 21_000, PreferenceTier.OPEN),
            trade(7, 7, 4, 4, 400, 21_000, PreferenceTier.OPEN));
    assertThat(r.cancellations())
        .contains(new OrderCancelled(4, 4, 400, CancelReason.GATE_CLOSED))
        .noneMatch(c -> c.orderId() == 7 || c.orderId() == 8);
  }

  @Test
  void theMarginalLevelIsSharedProRataWithLargestRemainder() {
    ok(sell(9, 9, 19_000, 1_000));
    CommandResult r = ok(new CloseGate());
    // orders 1 (1 000 Wh) and 2 (500 Wh) share 1 000 Wh: 666.7 and 333.3, the spare Wh to order 1
    assertThat(r.trades())
        .containsExactly(
            trade(1, 1, 9, 9, 667, 19_900, PreferenceTier.OPEN),
            trade(2, 2, 9, 9, 333, 19_900, PreferenceTier.OPEN));
    assertThat(r.clearing().orElseThrow().pricePerKwh()).isEqualTo(20_000 - FEE);
  }

  @Test
  void equalRemaindersGoToTheLowerOrderId() {
    book = (AbstractOrderBook) OrderBook.create(zone(), TestMarket.SLOT);
    ok(buy(12, 1, 20_000, 100));
    ok(buy(11, 2, 20_000, 100));
    ok(buy(13, 3, 20_000, 100));
    ok(sell(20, 4, 19_000, 200));
    CommandResult r = ok(new CloseGate());
    // 200 over three equal bids: 66 each, two spare Wh to ids 11 and 12
    assertThat(r.trades())
        .extracting(Trade::buyOrderId, Trade::quantityWh)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(11L, 67L),
            org.assertj.core.groups.Tuple.tuple(12L, 67L),
            org.assertj.core.groups.Tuple.tuple(13L, 66L));
  }

  @Test
  void priceRoundsTowardsNegativeInfinity() {
    book =
        (AbstractOrderBook) OrderBook.create(TestMarket.zone(mode(), FEE, true), TestMarket.SLOT);
    ok(buy(1, 1, 20_001 + FEE, 100));
    ok(sell(2, 2, 20_000, 100));
    assertThat(ok(new CloseGate()).clearing().orElseThrow().pricePerKwh()).isEqualTo(20_000);
    book =
        (AbstractOrderBook) OrderBook.create(TestMarket.zone(mode(), FEE, true), TestMarket.SLOT);
    ok(buy(1, 1, -199 + FEE, 100));
    ok(sell(2, 2, -200, 100));
    assertThat(ok(new CloseGate()).clearing().orElseThrow().pricePerKwh()).isEqualTo(-200);
  }

  @Test
  void nothingCrossesNothingTrades() {
    CommandResult r = ok(new CloseGate());
    assertThat(r.trades()).isEmpty();
    assertThat(r.clearing()).contains(new AuctionClearing(0, 0, BigInteger.ZERO));
  }

  @Test
  void preferredPartnersArePairedFirstThenGreen() {
    book = (AbstractOrderBook) OrderBook.create(zone(), TestMarket.SLOT);
    ok(withPreferences(buy(1, 10, 30_000, 100), false, List.of(12L)));
    ok(withPreferences(buy(2, 20, 30_000, 100), true, List.of()));
    ok(sell(3, 11, 10_000, 100));
    ok(sell(4, 12, 11_000, 100));
    ok(withPreferences(sell(5, 13, 12_000, 100), true, List.of()));
    ok(buy(6, 30, 30_000, 100));
    CommandResult r = ok(new CloseGate());
    long price = r.clearing().orElseThrow().pricePerKwh();
    assertThat(r.trades())
        .containsExactly(
            trade(1, 10, 4, 12, 100, price, PreferenceTier.PARTNER),
            trade(2, 20, 5, 13, 100, price, PreferenceTier.GREEN),
            trade(6, 30, 3, 11, 100, price, PreferenceTier.OPEN));
  }

  @Test
  void aSellerCanPreferABuyer() {
    book = (AbstractOrderBook) OrderBook.create(zone(), TestMarket.SLOT);
    ok(buy(1, 10, 30_000, 100));
    ok(buy(2, 20, 29_000, 100));
    ok(withPreferences(sell(3, 11, 10_000, 100), false, List.of(20L)));
    ok(sell(4, 12, 11_000, 100));
    CommandResult r = ok(new CloseGate());
    assertThat(r.trades())
        .extracting(Trade::buyOrderId, Trade::sellOrderId, Trade::tier)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(2L, 3L, PreferenceTier.PARTNER),
            org.assertj.core.groups.Tuple.tuple(1L, 4L, PreferenceTier.OPEN));
  }

  @Test
  void anAllOrNoneOrderThatWouldFillPartlyIsLeftOut() {
    book = (AbstractOrderBook) OrderBook.create(zone(), TestMarket.SLOT);
    ok(buy(1, 1, 30_000, 1_000).withType(OrderType.AON));
    ok(buy(2, 2, 25_000, 300));
    ok(sell(3, 3, 10_000, 600));
    CommandResult r = ok(new CloseGate());
    assertThat(r.trades())
        .containsExactly(
            trade(2, 2, 3, 3, 300, r.clearing().orElseThrow().pricePerKwh(), PreferenceTier.OPEN));
    assertThat(r.cancellations())
        .contains(new OrderCancelled(1, 1, 1_000, CancelReason.AON_NOT_FILLABLE));
    assertThat(r.clearing().orElseThrow().volumeWh()).isEqualTo(300);
  }
}
