package io.peerwatt.trading.matching;

import io.peerwatt.trading.calendar.ZoneConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/** State and command handling shared by both clearing modes. */
abstract class AbstractOrderBook implements OrderBook {
  final ZoneConfig zone;
  final Instrument instrument;
  final long feePerKwh;
  final BookSide bids = new BookSide(Side.BUY);
  final BookSide offers = new BookSide(Side.SELL);
  final LongMap<Order> index = new LongMap<>();

  /** Head of each account's list of open orders. */
  private final LongMap<Order> accountHeads = new LongMap<>();

  boolean closed;

  /**
   * Running digest of every trade made, part of {@link #stateHash()}; {@link BookStateCodec}
   * carries it across a snapshot.
   */
  long tradeDigest;

  AbstractOrderBook(ZoneConfig zone, Instrument instrument) {
    this.zone = Objects.requireNonNull(zone, "zone");
    this.instrument = Objects.requireNonNull(instrument, "instrument");
    if (!instrument.zoneCode().equals(zone.code())) {
      throw new IllegalArgumentException(
          "instrument " + instrument + " is not in zone " + zone.code());
    }
    this.feePerKwh = zone.gridFeePerKwh();
  }

  @Override
  public Instrument instrument() {
    return instrument;
  }

  @Override
  public ZoneConfig zone() {
    return zone;
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public int openOrderCount() {
    return index.size();
  }

  @Override
  public final CommandResult apply(OrderCommand command) {
    Objects.requireNonNull(command, "command");
    if (closed) {
      return CommandResult.of(ResultCode.BOOK_CLOSED);
    }
    if (command instanceof PlaceOrder p) {
      return place(p);
    }
    if (command instanceof CancelOrder c) {
      return cancel(c);
    }
    if (command instanceof AmendOrder a) {
      return amend(a);
    }
    closed = true;
    return closeGate();
  }

  private CommandResult place(PlaceOrder p) {
    ResultCode code = OrderValidator.validatePlace(p, zone, instrument);
    if (!code.isSuccess()) {
      return CommandResult.of(code);
    }
    if (index.get(p.orderId()) != null) {
      return CommandResult.of(ResultCode.DUPLICATE_ORDER_ID);
    }
    if (wouldSelfTrade(p.accountId(), p.side(), p.limitPricePerKwh())) {
      return CommandResult.of(ResultCode.SELF_TRADE);
    }
    return placeValidated(new Order(p));
  }

  private CommandResult cancel(CancelOrder c) {
    Order o = index.get(c.orderId());
    if (o == null) {
      return CommandResult.of(ResultCode.UNKNOWN_ORDER_ID);
    }
    if (o.accountId != c.accountId()) {
      return CommandResult.of(ResultCode.NOT_ORDER_OWNER);
    }
    removeOpen(o);
    return CommandResult.of(ResultCode.SUCCESS);
  }

  private CommandResult amend(AmendOrder a) {
    Order o = index.get(a.orderId());
    if (o == null) {
      return CommandResult.of(ResultCode.UNKNOWN_ORDER_ID);
    }
    if (o.accountId != a.accountId()) {
      return CommandResult.of(ResultCode.NOT_ORDER_OWNER);
    }
    ResultCode code =
        OrderValidator.validateQuantityAndPrice(a.quantityWh(), a.limitPricePerKwh(), zone);
    if (!code.isSuccess()) {
      return CommandResult.of(code);
    }
    if (a.limitPricePerKwh() == o.price) {
      if (a.quantityWh() <= o.openWh) {
        sideOf(o.side).reduce(o, o.openWh - a.quantityWh());
        return CommandResult.of(ResultCode.SUCCESS);
      }
    } else if (wouldSelfTrade(o.accountId, o.side, a.limitPricePerKwh())) {
      return CommandResult.of(ResultCode.SELF_TRADE);
    }
    sideOf(o.side).remove(o);
    o.price = a.limitPricePerKwh();
    o.openWh = a.quantityWh();
    return reenter(o);
  }

  /** Handles a valid new order that is not yet in any structure. */
  abstract CommandResult placeValidated(Order o);

  /**
   * Handles an amended order already taken out of its level (still indexed and in its account
   * list).
   */
  abstract CommandResult reenter(Order o);

  /** Ends trading ({@link #closed} is already set): clear or stop, cancel what is left. */
  abstract CommandResult closeGate();

  BookSide sideOf(Side side) {
    return side == Side.BUY ? bids : offers;
  }

  /** Whether a bid at {@code bidPrice} may trade with an offer at {@code offerPrice}. */
  final boolean crosses(long bidPrice, long offerPrice) {
    return bidPrice - feePerKwh >= offerPrice;
  }

  /**
   * Whether an order of {@code accountId} on {@code side} at {@code price} crosses one of its own.
   */
  private boolean wouldSelfTrade(long accountId, Side side, long price) {
    // own orders on the other side are never better than that side's best: if the best does not
    // cross, none of them does
    Level best = sideOf(side.opposite()).best();
    if (best == null
        || !(side == Side.BUY ? crosses(price, best.price) : crosses(best.price, price))) {
      return false;
    }
    for (Order o = accountHeads.get(accountId); o != null; o = o.accountNext) {
      if (o.side != side
          && (side == Side.BUY ? crosses(price, o.price) : crosses(o.price, price))) {
        return true;
      }
    }
    return false;
  }

  /** Adds a new order to the index, its account and its price level. */
  final void rest(Order o) {
    index.put(o.id, o);
    Order head = accountHeads.get(o.accountId);
    accountHeads.put(o.accountId, o);
    o.accountNext = head;
    if (head != null) {
      head.accountPrev = o;
    }
    sideOf(o.side).add(o);
  }

  /** Removes an open order from every structure. */
  final void removeOpen(Order o) {
    if (o.level != null) {
      sideOf(o.side).remove(o);
    }
    forget(o);
  }

  /** Removes an order that is no longer in a price level from the index and its account. */
  final void forget(Order o) {
    index.remove(o.id);
    if (o.accountPrev == null) {
      if (o.accountNext == null) {
        accountHeads.remove(o.accountId);
      } else {
        accountHeads.put(o.accountId, o.accountNext);
      }
    } else {
      o.accountPrev.accountNext = o.accountNext;
    }
    if (o.accountNext != null) {
      o.accountNext.accountPrev = o.accountPrev;
    }
    o.accountPrev = null;
    o.accountNext = null;
  }

  /** Creates a trade and folds it into the state digest. */
  final Trade trade(Order buy, Order sell, long quantityWh, long price, PreferenceTier tier) {
    tradeDigest = mix(mix(mix(mix(tradeDigest, buy.id), sell.id), quantityWh), price);
    return new Trade(
        buy.id, buy.accountId, sell.id, sell.accountId, quantityWh, price, feePerKwh, tier);
  }

  /**
   * Cancels everything still open after gate closure, bids then offers, best level first, with
   * {@code reasonOf} deciding each reason; orders with nothing open left are dropped silently.
   */
  final List<OrderCancelled> cancelAllOpen(Function<Order, CancelReason> reasonOf) {
    List<OrderCancelled> out = new ArrayList<>();
    for (BookSide side : List.of(bids, offers)) {
      for (Level level : side.levels()) {
        for (Order o = level.head; o != null; o = o.next) {
          if (o.openWh > 0) {
            out.add(new OrderCancelled(o.id, o.accountId, o.openWh, reasonOf.apply(o)));
          }
        }
      }
    }
    // the book is closed for good: drop all structures at once instead of order by order
    bids.clear();
    offers.clear();
    index.clear();
    accountHeads.clear();
    return out;
  }

  @Override
  public Optional<OrderView> order(long orderId) {
    Order o = index.get(orderId);
    return o == null ? Optional.empty() : Optional.of(o.view());
  }

  @Override
  public List<OrderView> ordersOf(long accountId) {
    List<OrderView> out = new ArrayList<>();
    for (Order o = accountHeads.get(accountId); o != null; o = o.accountNext) {
      out.add(o.view());
    }
    out.sort(Comparator.comparingLong(OrderView::orderId));
    return out;
  }

  @Override
  public DepthSnapshot depth(int maxLevels) {
    return new DepthSnapshot(bids.depth(maxLevels), offers.depth(maxLevels));
  }

  @Override
  public long stateHash() {
    long h = mix(mix(17, closed ? 1 : 0), tradeDigest);
    for (BookSide side : List.of(bids, offers)) {
      h = mix(h, side.size());
      for (Level level : side.levels()) {
        h = mix(mix(mix(h, level.price), level.totalWh), level.count);
        for (Order o = level.head; o != null; o = o.next) {
          h = mix(mix(mix(mix(h, o.id), o.accountId), o.side.code()), o.type.code());
          h = mix(mix(mix(mix(mix(h, o.price), o.openWh), o.filledWh), o.green ? 1 : 0), o.ruleId);
          for (long p : o.partners) {
            h = mix(h, p);
          }
        }
      }
    }
    return h;
  }

  private static long mix(long h, long v) {
    long x = (h ^ v) * 0x9E3779B97F4A7C15L;
    return Long.rotateLeft(x, 31) ^ (x >>> 29) ^ h * 31;
  }

  /**
   * Checks every structural invariant and throws {@link IllegalStateException} on the first broken
   * one; tests call it after each command.
   */
  void validateInternalState() {
    int counted = 0;
    for (BookSide side : List.of(bids, offers)) {
      List<Level> levels = side.levels();
      if (levels.isEmpty() != side.isEmpty() || !levels.isEmpty() && levels.get(0) != side.best()) {
        throw new IllegalStateException(side.side + " best level wrong");
      }
      for (int i = 0; i < levels.size(); i++) {
        Level level = levels.get(i);
        if (i > 0) {
          long better = levels.get(i - 1).price;
          if (side.side == Side.BUY ? better <= level.price : better >= level.price) {
            throw new IllegalStateException(side.side + " levels out of order at " + level.price);
          }
        }
        long total = 0;
        int count = 0;
        for (Order o = level.head; o != null; o = o.next) {
          if (o.level != level || o.price != level.price || o.side != side.side || o.openWh <= 0) {
            throw new IllegalStateException("order " + o.id + " inconsistent with its level");
          }
          if (index.get(o.id) != o) {
            throw new IllegalStateException("order " + o.id + " missing from the index");
          }
          total += o.openWh;
          count++;
        }
        if (count == 0 || total != level.totalWh || count != level.count) {
          throw new IllegalStateException("level " + level.price + " totals wrong");
        }
        counted += count;
      }
    }
    if (counted != index.size()) {
      throw new IllegalStateException("index holds " + index.size() + " orders, levels " + counted);
    }
    int[] inAccounts = {0};
    accountHeads.forEach(
        (account, head) -> {
          if (head.accountPrev != null) {
            throw new IllegalStateException("account head " + account + " has a predecessor");
          }
          for (Order o = head; o != null; o = o.accountNext) {
            if (o.accountId != account || index.get(o.id) != o) {
              throw new IllegalStateException("account list of " + account + " wrong at " + o.id);
            }
            inAccounts[0]++;
          }
        });
    if (inAccounts[0] != index.size()) {
      throw new IllegalStateException("account lists hold " + inAccounts[0] + " orders");
    }
  }
}
