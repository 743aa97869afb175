package io.peerwatt.trading.market;

import static io.peerwatt.db.schema.Tables.CLEARING_RESULT;
import static io.peerwatt.db.schema.Tables.MARKET_ORDER;
import static io.peerwatt.db.schema.Tables.TRADE;

import io.peerwatt.trading.calendar.ClearingMode;
import io.peerwatt.trading.calendar.ZoneConfig;
import io.peerwatt.trading.matching.AmendOrder;
import io.peerwatt.trading.matching.AuctionClearing;
import io.peerwatt.trading.matching.CancelOrder;
import io.peerwatt.trading.matching.CloseGate;
import io.peerwatt.trading.matching.CommandResult;
import io.peerwatt.trading.matching.Instrument;
import io.peerwatt.trading.matching.OrderCancelled;
import io.peerwatt.trading.matching.OrderCommand;
import io.peerwatt.trading.matching.PlaceOrder;
import io.peerwatt.trading.matching.Trade;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * What an accepted command does to the tables the API reads ({@code market_order}, {@code trade},
 * {@code clearing_result}). The single-process {@link MarketEngine} writes it in the transaction
 * that logs the command; a cluster node writes it from the results its zone owners committed.
 */
public final class MarketProjection {
  private MarketProjection() {}

  /**
   * Writes the effects of one accepted command into the projection tables, on {@code tx} (the
   * caller's transaction).
   *
   * @param zone the rules of the book's zone
   * @param sequence the command's place in its book's log, unique per book: recorded with its
   *     trades
   * @param command the command the book accepted
   * @param result the book's answer, a success
   * @param now when the command was taken: the orders' and trades' timestamps
   */
  public static void project(
      DSLContext tx,
      ZoneConfig zone,
      Instrument instrument,
      long sequence,
      OrderCommand command,
      CommandResult result,
      Instant now) {
    Instant at = now;
    if (command instanceof PlaceOrder p) {
      tx.insertInto(MARKET_ORDER)
          .set(MARKET_ORDER.ID, p.orderId())
          .set(MARKET_ORDER.ACCOUNT_ID, p.accountId())
          .set(MARKET_ORDER.ZONE_CODE, instrument.zoneCode())
          .set(MARKET_ORDER.SLOT_START, instrument.slot().start())
          .set(MARKET_ORDER.SIDE, p.side().name())
          .set(MARKET_ORDER.ORDER_TYPE, p.orderType().name())
          .set(MARKET_ORDER.QUANTITY_WH, p.quantityWh())
          .set(MARKET_ORDER.LIMIT_PRICE_PER_KWH, p.limitPricePerKwh())
          .set(MARKET_ORDER.OPEN_WH, p.quantityWh())
          .set(MARKET_ORDER.FILLED_WH, 0L)
          .set(MARKET_ORDER.STATE, OrderState.OPEN.name())
          .set(MARKET_ORDER.GREEN, p.green())
          .set(MARKET_ORDER.PREFERRED_PARTNERS, p.preferredPartners().toArray(Long[]::new))
          .set(MARKET_ORDER.RULE_ID, p.ruleId().isPresent() ? p.ruleId().getAsLong() : null)
          .set(MARKET_ORDER.CREATED_AT, at)
          .set(MARKET_ORDER.UPDATED_AT, at)
          .execute();
    } else if (command instanceof CancelOrder c) {
      tx.update(MARKET_ORDER)
          .set(MARKET_ORDER.STATE, OrderState.CANCELLED.name())
          .set(MARKET_ORDER.OPEN_WH, 0L)
          .set(MARKET_ORDER.UPDATED_AT, at)
          .where(MARKET_ORDER.ZONE_CODE.eq(instrument.zoneCode()), MARKET_ORDER.ID.eq(c.orderId()))
          .execute();
    } else if (command instanceof AmendOrder a) {
      tx.update(MARKET_ORDER)
          .set(MARKET_ORDER.QUANTITY_WH, MARKET_ORDER.FILLED_WH.plus(a.quantityWh()))
          .set(MARKET_ORDER.OPEN_WH, a.quantityWh())
          .set(MARKET_ORDER.LIMIT_PRICE_PER_KWH, a.limitPricePerKwh())
          .set(MARKET_ORDER.UPDATED_AT, at)
          .where(MARKET_ORDER.ZONE_CODE.eq(instrument.zoneCode()), MARKET_ORDER.ID.eq(a.orderId()))
          .execute();
    }
    List<Trade> trades = result.trades();
    for (int i = 0; i < trades.size(); i++) {
      Trade t = trades.get(i);
      tx.insertInto(TRADE)
          .set(TRADE.ZONE_CODE, instrument.zoneCode())
          .set(TRADE.SLOT_START, instrument.slot().start())
          .set(TRADE.BUY_ORDER_ID, t.buyOrderId())
          .set(TRADE.BUYER_ACCOUNT_ID, t.buyerAccountId())
          .set(TRADE.SELL_ORDER_ID, t.sellOrderId())
          .set(TRADE.SELLER_ACCOUNT_ID, t.sellerAccountId())
          .set(TRADE.QUANTITY_WH, t.quantityWh())
          .set(TRADE.PRICE_PER_KWH, t.pricePerKwh())
          .set(TRADE.GRID_FEE_PER_KWH, t.gridFeePerKwh())
          .set(TRADE.PRICE_UNIT, zone.priceUnit().name())
          .set(TRADE.CURRENCY, zone.currency())
          .set(TRADE.TIER, t.tier().name())
          .set(TRADE.COMMAND_SEQUENCE, sequence)
          .set(TRADE.FILL_INDEX, i)
          .set(TRADE.TRADED_AT, at)
          .execute();
      fill(tx, instrument.zoneCode(), t.buyOrderId(), t.quantityWh(), at);
      fill(tx, instrument.zoneCode(), t.sellOrderId(), t.quantityWh(), at);
    }
    for (OrderCancelled c : result.cancellations()) {
      tx.update(MARKET_ORDER)
          .set(MARKET_ORDER.OPEN_WH, MARKET_ORDER.OPEN_WH.minus(c.cancelledWh()))
          .set(MARKET_ORDER.STATE, OrderState.EXPIRED.name())
          .set(MARKET_ORDER.UPDATED_AT, at)
          .where(MARKET_ORDER.ZONE_CODE.eq(instrument.zoneCode()), MARKET_ORDER.ID.eq(c.orderId()))
          .execute();
    }
    if (command instanceof CloseGate) {
      writeClearingResult(tx, zone, instrument, result, at);
    }
  }

  /**
   * Fills order {@code orderId} of zone {@code zoneCode}: the order's key, so one row (one shard).
   */
  private static void fill(
      DSLContext tx, String zoneCode, long orderId, long quantityWh, Instant at) {
    tx.update(MARKET_ORDER)
        .set(MARKET_ORDER.FILLED_WH, MARKET_ORDER.FILLED_WH.plus(quantityWh))
        .set(MARKET_ORDER.OPEN_WH, MARKET_ORDER.OPEN_WH.minus(quantityWh))
        .set(
            MARKET_ORDER.STATE,
            DSL.when(MARKET_ORDER.OPEN_WH.eq(quantityWh), OrderState.FILLED.name())
                .otherwise(OrderState.PARTIALLY_FILLED.name()))
        .set(MARKET_ORDER.UPDATED_AT, at)
        .where(MARKET_ORDER.ZONE_CODE.eq(zoneCode), MARKET_ORDER.ID.eq(orderId))
        .execute();
  }

  private static void writeClearingResult(
      DSLContext tx, ZoneConfig zone, Instrument instrument, CommandResult result, Instant at) {
    Instant slotStart = instrument.slot().start();
    var totals =
        tx.select(DSL.coalesce(DSL.sum(TRADE.QUANTITY_WH), BigDecimal.ZERO), DSL.count())
            .from(TRADE)
            .where(TRADE.ZONE_CODE.eq(instrument.zoneCode()))
            .and(TRADE.SLOT_START.eq(slotStart))
            .fetchOne();
    long volumeWh = totals.value1().longValueExact();
    Optional<AuctionClearing> clearing = result.clearing();
    tx.insertInto(CLEARING_RESULT)
        .set(CLEARING_RESULT.ZONE_CODE, instrument.zoneCode())
        .set(CLEARING_RESULT.SLOT_START, slotStart)
        .set(CLEARING_RESULT.CLEARING_MODE, zone.clearingMode().name())
        .set(CLEARING_RESULT.VOLUME_WH, volumeWh)
        .set(
            CLEARING_RESULT.PRICE_PER_KWH,
            zone.clearingMode() == ClearingMode.CALL_AUCTION
                    && clearing.isPresent()
                    && clearing.get().volumeWh() > 0
                ? clearing.get().pricePerKwh()
                : null)
        .set(CLEARING_RESULT.GRID_FEE_PER_KWH, zone.gridFeePerKwh())
        .set(CLEARING_RESULT.TRADE_COUNT, totals.value2())
        .set(
            CLEARING_RESULT.WELFARE_MILLI_UNITS,
            clearing.map(AuctionClearing::welfareMilliUnits).orElse(null))
        .set(CLEARING_RESULT.CLEARED_AT, at)
        .execute();
  }
}
