package io.peerwatt.trading.matching;

import static io.peerwatt.trading.matching.TestMarket.FEE;
import static io.peerwatt.trading.matching.TestMarket.buy;
import static io.peerwatt.trading.matching.TestMarket.sell;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.trading.calendar.ClearingMode;
import io.peerwatt.trading.calendar.ZoneConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Behaviour both book types share, in the style of exchange-core's OrderBookBaseTest: a known,
 * uncrossed book is built before each test, each step is compared with the expected L2 depth, the
 * internal state is validated after every command, and the book is closed and found empty after.
 * Subclasses supply the clearing mode.
 */
abstract class OrderBookBaseTest {
  AbstractOrderBook book;

  abstract ClearingMode mode();

  ZoneConfig zone() {
    return TestMarket.zone(mode(), FEE, false);
  }

  @BeforeEach
  void buildKnownBook() {
    book = (AbstractOrderBook) OrderBook.create(zone(), TestMarket.SLOT);
    ok(buy(1, 1, 20_000, 1_000));
    ok(buy(2, 2, 20_000, 500));
    ok(buy(3, 3, 19_500, 2_000));
    ok(sell(4, 4, 21_000, 800));
    ok(sell(5, 5, 21_500, 1_000));
    ok(sell(6, 1, 22_000, 300));
    expectDepth(
        List.of(level(20_000, 1_500, 2), level(19_500, 2_000, 1)),
        List.of(level(21_000, 800, 1), level(21_500, 1_000, 1), level(22_000, 300, 1)));
  }

  @AfterEach
  void closeAndDrain() {
    if (!book.isClosed()) {
      CommandResult closed = apply(new CloseGate());
      assertThat(closed.code()).isEqualTo(ResultCode.SUCCESS);
    }
    assertThat(book.openOrderCount()).isZero();
    expectDepth(List.of(), List.of());
    assertThat(apply(buy(999, 9, 20_000, 1)).code()).isEqualTo(ResultCode.BOOK_CLOSED);
  }

  CommandResult apply(OrderCommand command) {
    CommandResult result = book.apply(command);
    book.validateInternalState();
    return result;
  }

  CommandResult ok(OrderCommand command) {
    CommandResult result = apply(command);
    assertThat(result.code()).as("%s", command).isEqualTo(ResultCode.SUCCESS);
    return result;
  }

  void rejected(OrderCommand command, ResultCode code) {
    long before = book.stateHash();
    assertThat(apply(command).code()).as("%s", command).isEqualTo(code);
    assertThat(book.stateHash()).as("a rejected command changes nothing").isEqualTo(before);
  }

  static DepthLevel level(long price, long quantityWh, int orders) {
    return new DepthLevel(price, quantityWh, orders);
  }

  void expectDepth(List<DepthLevel> bids, List<DepthLevel> offers) {
    assertThat(book.depth(100)).isEqualTo(new DepthSnapshot(bids, offers));
  }

  /** Order ids at one price level, in priority order. */
  List<Long> queueAt(Side side, long price) {
    List<Long> ids = new ArrayList<>();
    for (Level level : book.sideOf(side).levels()) {
      if (level.price == price) {
        for (Order o = level.head; o != null; o = o.next) {
          ids.add(o.id);
        }
      }
    }
    return ids;
  }

  @Test
  void cancelRemovesTheOrder() {
    ok(new CancelOrder(2, 2));
    expectDepth(
        List.of(level(20_000, 1_000, 1), level(19_500, 2_000, 1)),
        List.of(level(21_000, 800, 1), level(21_500, 1_000, 1), level(22_000, 300, 1)));
    assertThat(book.order(2)).isEmpty();
  }

  @Test
  void cancelOfUnknownOrForeignOrderIsRejected() {
    rejected(new CancelOrder(77, 2), ResultCode.UNKNOWN_ORDER_ID);
    rejected(new CancelOrder(2, 3), ResultCode.NOT_ORDER_OWNER);
    rejected(new AmendOrder(2, 3, 100, 20_000), ResultCode.NOT_ORDER_OWNER);
    rejected(new AmendOrder(77, 3, 100, 20_000), ResultCode.UNKNOWN_ORDER_ID);
  }

  @Test
  void shrinkingKeepsPriorityGrowingLosesIt() {
    ok(new AmendOrder(1, 1, 400, 20_000));
    assertThat(queueAt(Side.BUY, 20_000)).containsExactly(1L, 2L);
    expectDepth(
        List.of(level(20_000, 900, 2), level(19_500, 2_000, 1)),
        List.of(level(21_000, 800, 1), level(21_500, 1_000, 1), level(22_000, 300, 1)));
    ok(new AmendOrder(1, 1, 450, 20_000));
    assertThat(queueAt(Side.BUY, 20_000)).containsExactly(2L, 1L);
    assertThat(book.order(1).orElseThrow().openWh()).isEqualTo(450);
  }

  @Test
  void priceChangeMovesTheOrderToTheBackOfItsNewLevel() {
    ok(new AmendOrder(1, 1, 1_000, 19_500));
    assertThat(queueAt(Side.BUY, 19_500)).containsExactly(3L, 1L);
    ok(new AmendOrder(1, 1, 1_000, 20_000));
    assertThat(queueAt(Side.BUY, 20_000)).containsExactly(2L, 1L);
    expectDepth(
        List.of(level(20_000, 1_500, 2), level(19_500, 2_000, 1)),
        List.of(level(21_000, 800, 1), level(21_500, 1_000, 1), level(22_000, 300, 1)));
  }

  @Test
  void amendIsValidatedLikeAPlacement() {
    rejected(new AmendOrder(1, 1, 0, 20_000), ResultCode.QUANTITY_NOT_POSITIVE);
    rejected(new AmendOrder(1, 1, 2_000_000, 20_000), ResultCode.QUANTITY_ABOVE_MAX);
    rejected(new AmendOrder(1, 1, 100, -1), ResultCode.NEGATIVE_PRICE_NOT_ALLOWED);
    rejected(new AmendOrder(1, 1, 100, 600_000), ResultCode.PRICE_ABOVE_MAX);
  }

  @Test
  void placementRejectionsNameTheField() {
    rejected(buy(0, 1, 20_000, 100), ResultCode.INVALID_ORDER_ID);
    rejected(buy(10, 0, 20_000, 100), ResultCode.INVALID_ACCOUNT_ID);
    rejected(
        PlaceOrder.limit(10, 1, new Instrument("DE-OTHER", TestMarket.SLOT), Side.BUY, 100, 20_000),
        ResultCode.WRONG_ZONE);
    rejected(
        PlaceOrder.limit(
            10, 1, new Instrument("DE-TEST", TestMarket.SLOT.next()), Side.BUY, 100, 20_000),
        ResultCode.WRONG_SLOT);
    rejected(buy(10, 1, 20_000, 0), ResultCode.QUANTITY_NOT_POSITIVE);
    rejected(buy(10, 1, 20_000, 1_000_001), ResultCode.QUANTITY_ABOVE_MAX);
    rejected(sell(10, 1, -1, 100), ResultCode.NEGATIVE_PRICE_NOT_ALLOWED);
    rejected(sell(10, 1, 500_001, 100), ResultCode.PRICE_ABOVE_MAX);
    rejected(
        TestMarket.withPreferences(buy(10, 1, 20_000, 100), false, List.of(1L)),
        ResultCode.INVALID_PREFERRED_PARTNER);
    rejected(
        TestMarket.withPreferences(buy(10, 1, 20_000, 100), false, List.of(5L, 5L)),
        ResultCode.INVALID_PREFERRED_PARTNER);
    List<Long> many = new ArrayList<>();
    for (long a = 100; a < 117; a++) {
      many.add(a);
    }
    rejected(
        TestMarket.withPreferences(buy(10, 1, 20_000, 100), false, many),
        ResultCode.TOO_MANY_PREFERRED_PARTNERS);
    PlaceOrder p = buy(10, 1, 20_000, 100);
    rejected(
        new PlaceOrder(
            10,
            1,
            p.instrument(),
            Side.BUY,
            100,
            20_000,
            OrderType.LIMIT,
            false,
            List.of(),
            OptionalLong.of(0)),
        ResultCode.INVALID_RULE_ID);
    rejected(buy(3, 7, 19_000, 100), ResultCode.DUPLICATE_ORDER_ID);
    assertThat(ResultCode.QUANTITY_ABOVE_MAX.field()).isEqualTo("quantityWh");
    assertThat(ResultCode.NEGATIVE_PRICE_NOT_ALLOWED.field()).isEqualTo("limitPricePerKwh");
  }

  @Test
  void quantityBelowTheZoneMinimumIsRejected() {
    ZoneConfig z = zone();
    book =
        (AbstractOrderBook)
            OrderBook.create(
                new ZoneConfig(
                    z.code(),
                    z.currency(),
                    z.priceUnit(),
                    z.clearingMode(),
                    z.gateClosureLead(),
                    z.gridFeePerKwh(),
                    z.imbalancePricePerKwh(),
                    false,
                    z.localZone(),
                    100,
                    1_000,
                    0,
                    50_000),
                TestMarket.SLOT);
    rejected(buy(1, 1, 20_000, 99), ResultCode.QUANTITY_BELOW_MIN);
    ok(buy(1, 1, 20_000, 100));
  }

  @Test
  void anOrderThatCouldTradeWithTheSameAccountIsRejected() {
    // account 4 offers at 21 000: its own bid at 21 100 (= offer + fee) would cross it
    rejected(buy(10, 4, 21_000 + FEE, 100), ResultCode.SELF_TRADE);
    ok(buy(10, 4, 21_000 + FEE - 1, 100));
    // account 1 bids 20 000: its own offer at 19 900 would cross
    rejected(sell(11, 1, 20_000 - FEE, 100), ResultCode.SELF_TRADE);
    rejected(new AmendOrder(6, 1, 300, 19_900), ResultCode.SELF_TRADE);
    ok(new AmendOrder(6, 1, 300, 19_901));
  }

  @Test
  void negativePricesWhereTheZoneAllowsThem() {
    book =
        (AbstractOrderBook) OrderBook.create(TestMarket.zone(mode(), FEE, true), TestMarket.SLOT);
    ok(sell(1, 1, -5_000, 100));
    ok(buy(2, 2, -20_000, 100));
    expectDepth(List.of(level(-20_000, 100, 1)), List.of(level(-5_000, 100, 1)));
  }

  @Test
  void ordersOfAnAccountAndLookup() {
    assertThat(book.ordersOf(1)).extracting(OrderView::orderId).containsExactly(1L, 6L);
    assertThat(book.ordersOf(42)).isEmpty();
    OrderView o6 = book.order(6).orElseThrow();
    assertThat(o6.side()).isEqualTo(Side.SELL);
    assertThat(o6.limitPricePerKwh()).isEqualTo(22_000);
    assertThat(o6.openWh()).isEqualTo(300);
    assertThat(o6.filledWh()).isZero();
  }

  @Test
  void depthIsLimitedToTheRequestedLevels() {
    assertThat(book.depth(1))
        .isEqualTo(
            new DepthSnapshot(List.of(level(20_000, 1_500, 2)), List.of(level(21_000, 800, 1))));
  }

  @Test
  void gateClosureCancelsWhatIsLeftAndClosesTheBook() {
    CommandResult closed = ok(new CloseGate());
    assertThat(closed.cancellations())
        .extracting(OrderCancelled::orderId)
        .containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(closed.cancellations()).allMatch(c -> c.reason() == CancelReason.GATE_CLOSED);
    assertThat(book.isClosed()).isTrue();
    assertThat(apply(new CancelOrder(1, 1)).code()).isEqualTo(ResultCode.BOOK_CLOSED);
  }

  @Test
  void sameCommandsGiveTheSameStateHash() {
    OrderBook twin = OrderBook.create(zone(), TestMarket.SLOT);
    for (OrderCommand c :
        List.of(
            buy(1, 1, 20_000, 1_000),
            buy(2, 2, 20_000, 500),
            buy(3, 3, 19_500, 2_000),
            sell(4, 4, 21_000, 800),
            sell(5, 5, 21_500, 1_000),
            sell(6, 1, 22_000, 300))) {
      twin.apply(c);
    }
    assertThat(twin.stateHash()).isEqualTo(book.stateHash());
    ok(new AmendOrder(1, 1, 999, 20_000));
    assertThat(twin.stateHash()).isNotEqualTo(book.stateHash());
  }

  @Test
  void levelsThatEmptyAndReturnKeepTheBookConsistent() {
    java.util.Random random = new java.util.Random(3);
    List<Long> open = new ArrayList<>();
    for (long id = 100; id < 600; id++) {
      ok(buy(id, 1_000 + id, 10_000 + random.nextInt(300) * 10L, 10));
      open.add(id);
    }
    while (open.size() > 3) {
      long id = open.remove(random.nextInt(open.size()));
      ok(new CancelOrder(id, 1_000 + id));
      if (random.nextInt(3) == 0) {
        long again = id + 1_000;
        ok(buy(again, 1_000 + again, 10_000 + random.nextInt(300) * 10L, 10));
        open.add(again);
      }
    }
    long[] prices =
        open.stream().mapToLong(id -> book.order(id).orElseThrow().limitPricePerKwh()).toArray();
    assertThat(book.depth(100).bids())
        .extracting(DepthLevel::pricePerKwh)
        .containsSubsequence(20_000L, 19_500L)
        .contains(java.util.Arrays.stream(prices).boxed().toArray(Long[]::new));
  }

  @Test
  void slotTextRoundTrips() {
    assertThat(book.instrument().slot()).isEqualTo(DeliverySlot.parse("2026-11-25T10:00Z/PT15M"));
    assertThat(book.instrument()).hasToString("DE-TEST 2026-11-25T10:00Z/PT15M");
  }
}
