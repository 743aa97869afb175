package io.peerwatt.trading.matching;

import static io.peerwatt.trading.matching.TestMarket.FEE;
import static io.peerwatt.trading.matching.TestMarket.buy;
import static io.peerwatt.trading.matching.TestMarket.sell;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.trading.calendar.ClearingMode;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContinuousOrderBookTest extends OrderBookBaseTest {

  @Override
  ClearingMode mode() {
    return ClearingMode.CONTINUOUS;
  }

  static Trade trade(long buy, long buyer, long sell, long seller, long wh, long price) {
    return new Trade(buy, buyer, sell, seller, wh, price, FEE, PreferenceTier.OPEN);
  }

  @Test
  void aBidSweepsOffersAtTheirPricesAndRestsTheRest() {
    CommandResult r = ok(buy(10, 9, 21_600, 2_000));
    assertThat(r.trades())
        .containsExactly(trade(10, 9, 4, 4, 800, 21_000), trade(10, 9, 5, 5, 1_000, 21_500));
    assertThat(r.trades().get(0).buyerPaysPerKwh()).isEqualTo(21_100);
    expectDepth(
        List.of(level(21_600, 200, 1), level(20_000, 1_500, 2), level(19_500, 2_000, 1)),
        List.of(level(22_000, 300, 1)));
    assertThat(book.order(10).orElseThrow().filledWh()).isEqualTo(1_800);
  }

  @Test
  void aBidMustCoverTheOfferPlusTheGridFee() {
    ok(buy(10, 9, 21_000 + FEE - 1, 100));
    assertThat(queueAt(Side.SELL, 21_000)).containsExactly(4L);
    CommandResult r = ok(buy(11, 9, 21_000 + FEE, 100));
    assertThat(r.trades()).containsExactly(trade(11, 9, 4, 4, 100, 21_000));
  }

  @Test
  void anOfferTakesRestingBidsInTimePriorityAtTheBidMinusFee() {
    CommandResult r = ok(sell(10, 9, 19_800, 2_000));
    assertThat(r.trades())
        .containsExactly(trade(1, 1, 10, 9, 1_000, 19_900), trade(2, 2, 10, 9, 500, 19_900));
    expectDepth(
        List.of(level(19_500, 2_000, 1)),
        List.of(
            level(19_800, 500, 1),
            level(21_000, 800, 1),
            level(21_500, 1_000, 1),
            level(22_000, 300, 1)));
  }

  @Test
  void iocRemainderIsCancelled() {
    CommandResult r = ok(buy(10, 9, 21_100, 1_000).withType(OrderType.IOC));
    assertThat(r.trades()).containsExactly(trade(10, 9, 4, 4, 800, 21_000));
    assertThat(r.cancellations())
        .containsExactly(new OrderCancelled(10, 9, 200, CancelReason.IOC_REMAINDER));
    assertThat(book.order(10)).isEmpty();
  }

  @Test
  void allOrNoneFillsCompletelyOrNotAtAll() {
    long before = book.stateHash();
    CommandResult none = ok(buy(10, 9, 21_600, 1_900).withType(OrderType.AON));
    assertThat(none.trades()).isEmpty();
    assertThat(none.cancellations())
        .containsExactly(new OrderCancelled(10, 9, 1_900, CancelReason.AON_NOT_FILLABLE));
    assertThat(book.stateHash()).isEqualTo(before);
    CommandResult all = ok(buy(11, 9, 21_600, 1_800).withType(OrderType.AON));
    assertThat(all.trades()).extracting(Trade::quantityWh).containsExactly(800L, 1_000L);
    assertThat(book.order(11)).isEmpty();
  }

  @Test
  void amendingIntoTheSpreadTradesAtOnce() {
    CommandResult r = ok(new AmendOrder(3, 3, 2_000, 21_100));
    assertThat(r.trades()).containsExactly(trade(3, 3, 4, 4, 800, 21_000));
    expectDepth(
        List.of(level(21_100, 1_200, 1), level(20_000, 1_500, 2)),
        List.of(level(21_500, 1_000, 1), level(22_000, 300, 1)));
  }

  @Test
  void partialFillKeepsTheMakersPlace() {
    ok(sell(10, 9, 19_900, 300));
    assertThat(queueAt(Side.BUY, 20_000)).containsExactly(1L, 2L);
    assertThat(book.order(1).orElseThrow().openWh()).isEqualTo(700);
    assertThat(book.order(1).orElseThrow().filledWh()).isEqualTo(300);
  }
}
