package io.peerwatt.trading.matching;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.trading.calendar.ClearingMode;
import io.peerwatt.trading.calendar.ZoneConfig;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Properties of both clearing modes on random command streams and random books. */
class MatchingPropertiesTest {
  static final long FEE = 20;

  /** One random step: place (kind 0-5), cancel (6-7) or amend (8-9) an earlier order. */
  record Action(
      int kind,
      boolean buy,
      int account,
      int priceStep,
      int quantityWh,
      int typeIndex,
      int target) {}

  @Provide
  Arbitrary<List<Action>> actions() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 9),
            Arbitraries.of(true, false),
            Arbitraries.integers().between(1, 5),
            Arbitraries.integers().between(0, 12),
            Arbitraries.integers().between(1, 40),
            Arbitraries.integers().between(0, 5),
            Arbitraries.integers().between(0, 1_000))
        .as(Action::new)
        .list()
        .ofMinSize(1)
        .ofMaxSize(80);
  }

  static ZoneConfig zone(ClearingMode mode) {
    return TestMarket.zone(mode, FEE, false);
  }

  static long price(int step) {
    return 1_000 + step * 10L;
  }

  /** Turns actions into commands; cancels and amends aim at earlier placements by their owner. */
  static List<OrderCommand> commands(List<Action> actions) {
    List<OrderCommand> out = new ArrayList<>();
    List<PlaceOrder> placed = new ArrayList<>();
    long nextId = 1;
    for (Action a : actions) {
      if (a.kind() < 6 || placed.isEmpty()) {
        OrderType type =
            a.typeIndex() < 4
                ? OrderType.LIMIT
                : a.typeIndex() == 4 ? OrderType.IOC : OrderType.AON;
        PlaceOrder p =
            new PlaceOrder(
                nextId++,
                a.account(),
                TestMarket.instrument(),
                a.buy() ? Side.BUY : Side.SELL,
                a.quantityWh(),
                price(a.priceStep()),
                type,
                a.typeIndex() % 2 == 0,
                List.of(),
                OptionalLong.empty());
        placed.add(p);
        out.add(p);
      } else {
        PlaceOrder target = placed.get(a.target() % placed.size());
        out.add(
            a.kind() < 8
                ? new CancelOrder(target.orderId(), target.accountId())
                : new AmendOrder(
                    target.orderId(), target.accountId(), a.quantityWh(), price(a.priceStep())));
      }
    }
    return out;
  }

  /** Checks every continuous-market property along one command stream. */
  @Property(tries = 300)
  void continuousMatchingKeepsItsPromises(@ForAll("actions") List<Action> actions) {
    ContinuousOrderBook book =
        (ContinuousOrderBook) OrderBook.create(zone(ClearingMode.CONTINUOUS), TestMarket.SLOT);
    Map<Long, Long> limit = new HashMap<>();
    Map<Long, PlaceOrder> accepted = new HashMap<>();
    Map<Long, Long> filled = new HashMap<>();
    long bought = 0;
    long sold = 0;
    for (OrderCommand c : commands(actions)) {
      CommandResult r = book.apply(c);
      book.validateInternalState();
      if (!r.isSuccess()) {
        assertThat(r.trades()).isEmpty();
        continue;
      }
      if (c instanceof PlaceOrder p) {
        accepted.put(p.orderId(), p);
        limit.put(p.orderId(), p.limitPricePerKwh());
      } else if (c instanceof AmendOrder a) {
        limit.put(a.orderId(), a.limitPricePerKwh());
      }
      for (Trade t : r.trades()) {
        assertThat(accepted.get(t.buyOrderId()).side()).isEqualTo(Side.BUY);
        assertThat(accepted.get(t.sellOrderId()).side()).isEqualTo(Side.SELL);
        assertThat(t.buyerAccountId()).isNotEqualTo(t.sellerAccountId());
        // no fill beyond a limit, after the fee
        assertThat(t.buyerPaysPerKwh()).isLessThanOrEqualTo(limit.get(t.buyOrderId()));
        assertThat(t.pricePerKwh()).isGreaterThanOrEqualTo(limit.get(t.sellOrderId()));
        // the trade is at the resting order's price
        long restingPrice =
            t.buyOrderId() == commandOrderId(c) ? t.pricePerKwh() : t.pricePerKwh() + FEE;
        long resting = t.buyOrderId() == commandOrderId(c) ? t.sellOrderId() : t.buyOrderId();
        assertThat(limit.get(resting)).isEqualTo(restingPrice);
        filled.merge(t.buyOrderId(), t.quantityWh(), Long::sum);
        filled.merge(t.sellOrderId(), t.quantityWh(), Long::sum);
        bought += t.quantityWh();
        sold += t.quantityWh();
      }
      // never crossed
      DepthSnapshot top = book.depth(1);
      if (!top.bids().isEmpty() && !top.offers().isEmpty()) {
        assertThat(top.bids().get(0).pricePerKwh() - FEE)
            .isLessThan(top.offers().get(0).pricePerKwh());
      }
      // AON and IOC never rest; AON fills all or nothing
      if (c instanceof PlaceOrder p && p.orderType() != OrderType.LIMIT) {
        assertThat(book.order(p.orderId())).isEmpty();
        if (p.orderType() == OrderType.AON) {
          assertThat(filled.getOrDefault(p.orderId(), 0L)).isIn(0L, p.quantityWh());
        }
      }
    }
    assertThat(bought).isEqualTo(sold);
    // the book's own fill counters agree with the trades it reported
    for (PlaceOrder p : accepted.values()) {
      book.order(p.orderId())
          .ifPresent(v -> assertThat(v.filledWh()).isEqualTo(filled.getOrDefault(p.orderId(), 0L)));
    }
  }

  private static long commandOrderId(OrderCommand c) {
    if (c instanceof PlaceOrder p) {
      return p.orderId();
    }
    return c instanceof AmendOrder a ? a.orderId() : -1;
  }

  /** An auction order before ids are given: account = order id, so no self-trade can arise. */
  record Bid(
      boolean buy, int priceStep, int quantityWh, boolean aon, boolean green, int partnerOffset) {}

  @Provide
  Arbitrary<List<Bid>> auctionBook() {
    return Combinators.combine(
            Arbitraries.of(true, false),
            Arbitraries.integers().between(0, 8),
            Arbitraries.integers().between(1, 60),
            Arbitraries.integers().between(0, 5).map(i -> i == 0),
            Arbitraries.of(true, false),
            Arbitraries.integers().between(0, 6))
        .as(Bid::new)
        .list()
        .ofMinSize(0)
        .ofMaxSize(40);
  }

  static List<PlaceOrder> placements(List<Bid> bids) {
    List<PlaceOrder> out = new ArrayList<>();
    for (int i = 0; i < bids.size(); i++) {
      Bid b = bids.get(i);
      long id = i + 1;
      long partner = (id + b.partnerOffset() - 1) % bids.size() + 1;
      out.add(
          new PlaceOrder(
              id,
              id,
              TestMarket.instrument(),
              b.buy() ? Side.BUY : Side.SELL,
              b.quantityWh(),
              price(b.priceStep()),
              b.aon() ? OrderType.AON : OrderType.LIMIT,
              b.green(),
              b.partnerOffset() > 2 && partner != id ? List.of(partner) : List.of(),
              OptionalLong.empty()));
    }
    return out;
  }

  static CommandResult auction(List<PlaceOrder> orders) {
    OrderBook book = OrderBook.create(zone(ClearingMode.CALL_AUCTION), TestMarket.SLOT);
    for (PlaceOrder p : orders) {
      assertThat(book.apply(p).code()).isEqualTo(ResultCode.SUCCESS);
    }
    return book.apply(new CloseGate());
  }

  @Property(tries = 300)
  void callAuctionKeepsItsPromises(@ForAll("auctionBook") List<Bid> bids) {
    List<PlaceOrder> orders = placements(bids);
    Map<Long, PlaceOrder> byId = new HashMap<>();
    orders.forEach(p -> byId.put(p.orderId(), p));
    CommandResult r = auction(orders);
    AuctionClearing clearing = r.clearing().orElseThrow();
    Map<Long, Long> filled = new HashMap<>();
    long bought = 0;
    long sold = 0;
    BigInteger welfare = BigInteger.ZERO;
    for (Trade t : r.trades()) {
      PlaceOrder buy = byId.get(t.buyOrderId());
      PlaceOrder sell = byId.get(t.sellOrderId());
      assertThat(buy.side()).isEqualTo(Side.BUY);
      assertThat(sell.side()).isEqualTo(Side.SELL);
      // one uniform price, within every filled order's limit after the fee
      assertThat(t.pricePerKwh()).isEqualTo(clearing.pricePerKwh());
      assertThat(t.buyerPaysPerKwh()).isLessThanOrEqualTo(buy.limitPricePerKwh());
      assertThat(t.pricePerKwh()).isGreaterThanOrEqualTo(sell.limitPricePerKwh());
      filled.merge(buy.orderId(), t.quantityWh(), Long::sum);
      filled.merge(sell.orderId(), t.quantityWh(), Long::sum);
      bought += t.quantityWh();
      sold += t.quantityWh();
      welfare =
          welfare.add(
              BigInteger.valueOf(
                  t.quantityWh() * (buy.limitPricePerKwh() - FEE - sell.limitPricePerKwh())));
    }
    assertThat(bought).isEqualTo(sold).isEqualTo(clearing.volumeWh());
    assertThat(welfare).isEqualTo(clearing.welfareMilliUnits());
    for (PlaceOrder p : orders) {
      long f = filled.getOrDefault(p.orderId(), 0L);
      assertThat(f).isBetween(0L, p.quantityWh());
      if (p.orderType() == OrderType.AON) {
        assertThat(f).isIn(0L, p.quantityWh());
      }
      // energy is conserved: filled plus cancelled equals placed
      long cancelled =
          r.cancellations().stream()
              .filter(c -> c.orderId() == p.orderId())
              .mapToLong(OrderCancelled::cancelledWh)
              .sum();
      assertThat(f + cancelled).isEqualTo(p.quantityWh());
    }
    // market clearing: no unfilled bid above the price, no unfilled offer below it
    if (clearing.volumeWh() > 0) {
      for (PlaceOrder p : orders) {
        if (p.orderType() == OrderType.LIMIT
            && filled.getOrDefault(p.orderId(), 0L) < p.quantityWh()) {
          if (p.side() == Side.BUY) {
            assertThat(p.limitPricePerKwh() - FEE).isLessThanOrEqualTo(clearing.pricePerKwh());
          } else {
            assertThat(p.limitPricePerKwh()).isGreaterThanOrEqualTo(clearing.pricePerKwh());
          }
        }
      }
    }
  }

  @Property(tries = 200)
  void callAuctionIgnoresArrivalOrder(@ForAll("auctionBook") List<Bid> bids, @ForAll long seed) {
    List<PlaceOrder> orders = placements(bids);
    List<PlaceOrder> shuffled = new ArrayList<>(orders);
    Collections.shuffle(shuffled, new Random(seed));
    CommandResult a = auction(orders);
    CommandResult b = auction(shuffled);
    assertThat(b.trades()).isEqualTo(a.trades());
    assertThat(b.clearing()).isEqualTo(a.clearing());
    assertThat(new HashSet<>(b.cancellations())).isEqualTo(new HashSet<>(a.cancellations()));
  }

  @Provide
  Arbitrary<List<Bid>> tinyBook() {
    return Combinators.combine(
            Arbitraries.of(true, false),
            Arbitraries.integers().between(0, 8),
            Arbitraries.integers().between(1, 3),
            Arbitraries.integers().between(0, 3).map(i -> i == 0),
            Arbitraries.of(false),
            Arbitraries.of(0))
        .as(Bid::new)
        .list()
        .ofMinSize(1)
        .ofMaxSize(6)
        .filter(
            l ->
                l.stream().filter(Bid::buy).count() <= 3
                    && l.stream().filter(b -> !b.buy()).count() <= 3);
  }

  /**
   * Welfare against brute force: every integer allocation of every bid to every offer that respects
   * quantities, limits after the fee and all-or-none. Without AON orders the auction must reach the
   * optimum; with them it may fall short (uniform pricing can forbid the combinatorial optimum) but
   * can never exceed it.
   */
  @Property(tries = 300)
  void callAuctionWelfareMatchesBruteForce(@ForAll("tinyBook") List<Bid> bids) {
    List<PlaceOrder> orders = placements(bids);
    List<PlaceOrder> buys = orders.stream().filter(p -> p.side() == Side.BUY).toList();
    List<PlaceOrder> sells = orders.stream().filter(p -> p.side() == Side.SELL).toList();
    long best = bruteForce(buys, sells, new long[buys.size()][sells.size()], 0);
    BigInteger welfare = auction(orders).clearing().orElseThrow().welfareMilliUnits();
    if (orders.stream().noneMatch(p -> p.orderType() == OrderType.AON)) {
      assertThat(welfare).isEqualTo(BigInteger.valueOf(best));
    } else {
      assertThat(welfare).isLessThanOrEqualTo(BigInteger.valueOf(best));
    }
  }

  private static long bruteForce(
      List<PlaceOrder> buys, List<PlaceOrder> sells, long[][] x, int cell) {
    int n = buys.size();
    int m = sells.size();
    if (cell == n * m) {
      long total = 0;
      for (int i = 0; i < n; i++) {
        long row = 0;
        for (int j = 0; j < m; j++) {
          row += x[i][j];
          total +=
              x[i][j] * (buys.get(i).limitPricePerKwh() - FEE - sells.get(j).limitPricePerKwh());
        }
        if (row > buys.get(i).quantityWh() || aonViolated(buys.get(i), row)) {
          return Long.MIN_VALUE;
        }
      }
      for (int j = 0; j < m; j++) {
        long col = 0;
        for (int i = 0; i < n; i++) {
          col += x[i][j];
        }
        if (col > sells.get(j).quantityWh() || aonViolated(sells.get(j), col)) {
          return Long.MIN_VALUE;
        }
      }
      return total;
    }
    int i = cell / m;
    int j = cell % m;
    long bestValue = Long.MIN_VALUE;
    boolean crosses = buys.get(i).limitPricePerKwh() - FEE >= sells.get(j).limitPricePerKwh();
    long max = crosses ? Math.min(buys.get(i).quantityWh(), sells.get(j).quantityWh()) : 0;
    for (long q = 0; q <= max; q++) {
      x[i][j] = q;
      bestValue = Math.max(bestValue, bruteForce(buys, sells, x, cell + 1));
    }
    x[i][j] = 0;
    return bestValue;
  }

  private static boolean aonViolated(PlaceOrder p, long filledWh) {
    return p.orderType() == OrderType.AON && filledWh != 0 && filledWh != p.quantityWh();
  }

  @Property(tries = 200)
  void replayingTheLogRebuildsTheSameState(
      @ForAll("actions") List<Action> actions, @ForAll boolean auction, @ForAll boolean close) {
    ClearingMode mode = auction ? ClearingMode.CALL_AUCTION : ClearingMode.CONTINUOUS;
    InMemoryCommandLog log = new InMemoryCommandLog();
    JournaledOrderBook live = JournaledOrderBook.recover(zone(mode), TestMarket.SLOT, log);
    List<CommandResult> results = new ArrayList<>();
    for (OrderCommand c : commands(actions)) {
      results.add(live.submit(c));
    }
    if (close) {
      results.add(live.submit(new CloseGate()));
    }
    assertThat(log.size()).isEqualTo(results.size());
    List<CommandResult> replayedResults = new ArrayList<>();
    JournaledOrderBook restarted =
        JournaledOrderBook.recover(
            zone(mode), TestMarket.SLOT, log, (command, result) -> replayedResults.add(result));
    assertThat(replayedResults).isEqualTo(results);
    assertThat(restarted.book().stateHash()).isEqualTo(live.book().stateHash());
    assertThat(restarted.book().depth(100)).isEqualTo(live.book().depth(100));
    Set<Long> accounts = Set.of(1L, 2L, 3L, 4L, 5L);
    for (long account : accounts) {
      assertThat(restarted.book().ordersOf(account)).isEqualTo(live.book().ordersOf(account));
    }
    // the replayed book goes on exactly like the original
    OrderCommand next = TestMarket.sell(10_000, 3, 1_000, 25);
    assertThat(restarted.submit(next)).isEqualTo(live.submit(next));
    assertThat(restarted.book().stateHash()).isEqualTo(live.book().stateHash());
  }
}
