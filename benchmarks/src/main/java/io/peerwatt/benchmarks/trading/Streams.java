package io.peerwatt.benchmarks.trading;

import exchange.core2.collections.objpool.ObjectsPool;
import exchange.core2.core.common.CoreSymbolSpecification;
import exchange.core2.core.common.OrderAction;
import exchange.core2.core.common.SymbolType;
import exchange.core2.core.common.cmd.CommandResultCode;
import exchange.core2.core.common.cmd.OrderCommand;
import exchange.core2.core.common.config.LoggingConfiguration;
import exchange.core2.core.orderbook.IOrderBook;
import exchange.core2.core.orderbook.OrderBookDirectImpl;
import exchange.core2.core.orderbook.OrderBookEventsHelper;
import io.peerwatt.trading.matching.OrderBook;

/**
 * The one generated stream both continuous benchmarks use, built once per JVM, and the books it is
 * fed to: PeerWatt's continuous book and exchange-core's {@link OrderBookDirectImpl} (its fastest
 * book), driven directly without the disruptor pipeline.
 */
final class Streams {
  static final int OPEN_ORDERS = 1_000;
  static final int OPS = 200_000;
  static final ContinuousMix MIX = ContinuousMix.generate(42, OPEN_ORDERS, OPS);
  static final io.peerwatt.trading.matching.OrderCommand[] PEERWATT_OPS =
      MIX.peerwattOps.toArray(new io.peerwatt.trading.matching.OrderCommand[0]);
  static final OrderCommand[] EXCHANGE_OPS = MIX.exchangeOps.toArray(new OrderCommand[0]);

  private static final CoreSymbolSpecification SYMBOL =
      CoreSymbolSpecification.builder()
          .symbolId(1)
          .type(SymbolType.CURRENCY_EXCHANGE_PAIR)
          .baseCurrency(1)
          .quoteCurrency(2)
          .baseScaleK(1)
          .quoteScaleK(1)
          .takerFee(0)
          .makerFee(0)
          .build();

  private Streams() {}

  static OrderBook freshPeerwattBook() {
    OrderBook book = OrderBook.create(ContinuousMix.ZONE, ContinuousMix.SLOT);
    for (io.peerwatt.trading.matching.OrderCommand c : MIX.peerwattInitial) {
      book.apply(c);
    }
    return book;
  }

  static IOrderBook freshExchangeBook() {
    IOrderBook book =
        new OrderBookDirectImpl(
            SYMBOL,
            ObjectsPool.createDefaultTestPool(),
            OrderBookEventsHelper.NON_POOLED_EVENTS_HELPER,
            LoggingConfiguration.DEFAULT);
    for (OrderCommand c : MIX.exchangeInitial) {
      if (apply(book, c) != CommandResultCode.SUCCESS) {
        throw new IllegalStateException("exchange-core refused " + c);
      }
    }
    return book;
  }

  /**
   * Feeds one reused command to exchange-core, clearing the outputs of its previous use first and
   * marking it as passed by the risk stage (its order book only places orders so marked).
   */
  static CommandResultCode apply(IOrderBook book, OrderCommand c) {
    c.matcherEvent = null;
    c.resultCode = CommandResultCode.VALID_FOR_MATCHING_ENGINE;
    return IOrderBook.processCommand(book, c);
  }

  /** Runs the whole stream through both engines once and checks they end in the same book. */
  static String verifyEquivalence() {
    OrderBook peerwatt = freshPeerwattBook();
    IOrderBook exchange = freshExchangeBook();
    for (io.peerwatt.trading.matching.OrderCommand c : PEERWATT_OPS) {
      if (!peerwatt.apply(c).isSuccess()) {
        throw new IllegalStateException("PeerWatt rejected " + c);
      }
    }
    for (OrderCommand c : EXCHANGE_OPS) {
      CommandResultCode code = apply(exchange, c);
      if (code != CommandResultCode.SUCCESS) {
        throw new IllegalStateException("exchange-core answered " + code + " to " + c);
      }
    }
    var depth = peerwatt.depth(Integer.MAX_VALUE);
    long bidWh = depth.bids().stream().mapToLong(l -> l.quantityWh()).sum();
    long askWh = depth.offers().stream().mapToLong(l -> l.quantityWh()).sum();
    int ecOrders = exchange.getOrdersNum(OrderAction.BID) + exchange.getOrdersNum(OrderAction.ASK);
    if (ecOrders != peerwatt.openOrderCount()
        || exchange.getTotalOrdersVolume(OrderAction.BID) != bidWh
        || exchange.getTotalOrdersVolume(OrderAction.ASK) != askWh) {
      throw new IllegalStateException(
          "engines diverged: exchange-core "
              + ecOrders
              + " orders, PeerWatt "
              + peerwatt.openOrderCount());
    }
    return MIX.mixSummary()
        + "; both engines end with "
        + ecOrders
        + " open orders on "
        + (depth.bids().size() + depth.offers().size())
        + " price levels";
  }
}
