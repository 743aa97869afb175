package io.peerwatt.benchmarks.trading;

import exchange.core2.core.common.OrderAction;
import exchange.core2.core.common.OrderType;
import exchange.core2.core.common.cmd.OrderCommand;
import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.PriceUnit;
import io.peerwatt.trading.calendar.ClearingMode;
import io.peerwatt.trading.calendar.ZoneConfig;
import io.peerwatt.trading.matching.AmendOrder;
import io.peerwatt.trading.matching.CancelOrder;
import io.peerwatt.trading.matching.CommandResult;
import io.peerwatt.trading.matching.Instrument;
import io.peerwatt.trading.matching.OrderBook;
import io.peerwatt.trading.matching.PlaceOrder;
import io.peerwatt.trading.matching.ResultCode;
import io.peerwatt.trading.matching.Side;
import io.peerwatt.trading.matching.Trade;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;

/**
 * A command stream in the shape of exchange-core's published single-book benchmark: about 1,000
 * open orders over about 750 price levels, then a mix of 9% GTC, 3% IOC, 6% cancel and 82% move.
 *
 * <p>The stream is generated once by running it through a PeerWatt book (fee 0, so both engines
 * cross and price identically): cancels and moves only aim at orders still open, a move keeps the
 * open quantity, and commands PeerWatt would refuse as self-trades are not emitted (exchange-core
 * has no self-trade prevention), so both engines do the same work. The counts actually generated
 * are in {@link #mixSummary()}.
 */
final class ContinuousMix {
  static final ZoneConfig ZONE =
      new ZoneConfig(
          "BENCH",
          "EUR",
          PriceUnit.MILLI_CT_PER_KWH,
          ClearingMode.CONTINUOUS,
          Duration.ofMinutes(15),
          0,
          0,
          false,
          ZoneId.of("Europe/Berlin"),
          1,
          1_000_000,
          0,
          10_000_000);
  static final DeliverySlot SLOT = DeliverySlot.parse("2026-11-25T10:00Z/PT15M");
  static final Instrument INSTRUMENT = new Instrument("BENCH", SLOT);

  private static final long CENTER = 1_000_000;
  private static final int HALF_RANGE = 750;
  private static final long RESERVE_BID_PRICE = CENTER + 10 * HALF_RANGE;

  /** Commands that build the starting book (about 1,000 open orders). */
  final List<io.peerwatt.trading.matching.OrderCommand> peerwattInitial = new ArrayList<>();

  /** The measured stream. */
  final List<io.peerwatt.trading.matching.OrderCommand> peerwattOps = new ArrayList<>();

  final List<OrderCommand> exchangeInitial = new ArrayList<>();
  final List<OrderCommand> exchangeOps = new ArrayList<>();
  private final int[] kindCounts = new int[4];

  private final Random random;
  private final OrderBook shadow = OrderBook.create(ZONE, SLOT);
  private final List<Long> open = new ArrayList<>();
  private final Map<Long, Integer> openIndex = new HashMap<>();
  private final Map<Long, Boolean> isBuy = new HashMap<>();
  private long nextOrderId = 1;

  private ContinuousMix(long seed) {
    this.random = new Random(seed);
  }

  static ContinuousMix generate(long seed, int openTarget, int opCount) {
    ContinuousMix mix = new ContinuousMix(seed);
    while (mix.open.size() < openTarget) {
      mix.emitPlace(true, false, false);
    }
    while (mix.peerwattOps.size() < opCount) {
      int u = mix.random.nextInt(100);
      int kind = u < 9 ? 0 : u < 12 ? 1 : u < 18 ? 2 : 3;
      // keep the book near its target size, as exchange-core's generator does
      if (kind == 2 && mix.open.size() < openTarget * 3 / 4) {
        kind = 0;
      } else if (kind == 0 && mix.open.size() > openTarget * 5 / 4) {
        kind = 2;
      }
      boolean emitted =
          switch (kind) {
            case 0 -> mix.emitPlace(false, false, true);
            case 1 -> mix.emitPlace(false, true, true);
            case 2 -> mix.emitCancel();
            default -> mix.emitMove();
          };
      if (emitted) {
        mix.kindCounts[kind]++;
      }
    }
    return mix;
  }

  String mixSummary() {
    int n = peerwattOps.size();
    return String.format(
        "%d ops: GTC %.1f%%, IOC %.1f%%, cancel %.1f%%, move %.1f%%; %d open orders at start",
        n,
        100.0 * kindCounts[0] / n,
        100.0 * kindCounts[1] / n,
        100.0 * kindCounts[2] / n,
        100.0 * kindCounts[3] / n,
        peerwattInitial.size());
  }

  /** A price on the passive side of the centre, or (4%) slightly through it. */
  private long price(boolean buy, boolean allowAggressive) {
    boolean aggressive = allowAggressive && random.nextInt(25) == 0;
    int offset = aggressive ? random.nextInt(20) : random.nextInt(HALF_RANGE);
    if (buy) {
      return aggressive ? CENTER + offset : CENTER - 1 - offset;
    }
    return aggressive ? CENTER - 1 - offset : CENTER + offset;
  }

  private boolean emitPlace(boolean initial, boolean ioc, boolean allowAggressive) {
    boolean buy = random.nextBoolean();
    long uid = 1 + random.nextInt(2_000);
    long price = price(buy, allowAggressive);
    long size = 1 + random.nextInt(100);
    long id = nextOrderId;
    PlaceOrder place =
        new PlaceOrder(
            id,
            uid,
            INSTRUMENT,
            buy ? Side.BUY : Side.SELL,
            size,
            price,
            ioc
                ? io.peerwatt.trading.matching.OrderType.IOC
                : io.peerwatt.trading.matching.OrderType.LIMIT,
            false,
            List.of(),
            OptionalLong.empty());
    CommandResult r = shadow.apply(place);
    if (r.code() == ResultCode.SELF_TRADE) {
      return false;
    }
    check(r);
    nextOrderId++;
    isBuy.put(id, buy);
    if (shadow.order(id).isPresent()) {
      track(id);
    }
    forgetFilled(r);
    OrderCommand ec =
        OrderCommand.newOrder(
            ioc ? OrderType.IOC : OrderType.GTC,
            id,
            uid,
            price,
            buy ? RESERVE_BID_PRICE : 0,
            size,
            buy ? OrderAction.BID : OrderAction.ASK);
    (initial ? peerwattInitial : peerwattOps).add(place);
    (initial ? exchangeInitial : exchangeOps).add(ec);
    return true;
  }

  private boolean emitCancel() {
    if (open.isEmpty()) {
      return false;
    }
    long id = open.get(random.nextInt(open.size()));
    long uid = shadow.order(id).orElseThrow().accountId();
    check(shadow.apply(new CancelOrder(id, uid)));
    untrack(id);
    peerwattOps.add(new CancelOrder(id, uid));
    exchangeOps.add(OrderCommand.cancel(id, uid));
    return true;
  }

  private boolean emitMove() {
    if (open.isEmpty()) {
      return false;
    }
    long id = open.get(random.nextInt(open.size()));
    var order = shadow.order(id).orElseThrow();
    long price = price(isBuy.get(id), true);
    if (price == order.limitPricePerKwh()) {
      return false;
    }
    AmendOrder amend = new AmendOrder(id, order.accountId(), order.openWh(), price);
    CommandResult r = shadow.apply(amend);
    if (r.code() == ResultCode.SELF_TRADE) {
      return false;
    }
    check(r);
    if (shadow.order(id).isEmpty()) {
      untrack(id);
    }
    forgetFilled(r);
    peerwattOps.add(amend);
    exchangeOps.add(OrderCommand.update(id, order.accountId(), price));
    return true;
  }

  private static void check(CommandResult r) {
    if (!r.isSuccess()) {
      throw new IllegalStateException("generator produced a rejected command: " + r.code());
    }
  }

  private void forgetFilled(CommandResult r) {
    for (Trade t : r.trades()) {
      for (long id : new long[] {t.buyOrderId(), t.sellOrderId()}) {
        if (openIndex.containsKey(id) && shadow.order(id).isEmpty()) {
          untrack(id);
        }
      }
    }
  }

  private void track(long id) {
    openIndex.put(id, open.size());
    open.add(id);
  }

  private void untrack(long id) {
    int i = openIndex.remove(id);
    long last = open.remove(open.size() - 1);
    if (last != id) {
      open.set(i, last);
      openIndex.put(last, i);
    }
  }

  /** Open orders and their levels after the whole stream, per the shadow book. */
  int shadowOpenOrders() {
    return shadow.openOrderCount();
  }

  int shadowLevels() {
    var depth = shadow.depth(Integer.MAX_VALUE);
    return depth.bids().size() + depth.offers().size();
  }
}
