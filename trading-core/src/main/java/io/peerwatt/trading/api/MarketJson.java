package io.peerwatt.trading.api;

import io.peerwatt.trading.calendar.ZoneConfig;
import io.peerwatt.trading.market.OrderService;
import io.peerwatt.trading.market.StandingRuleView;
import io.peerwatt.trading.market.StoredOrder;
import io.peerwatt.trading.market.TradeView;
import io.peerwatt.trading.matching.DepthLevel;
import io.peerwatt.trading.matching.DepthSnapshot;
import io.peerwatt.trading.matching.Instrument;
import io.peerwatt.trading.matching.Trade;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** The market's JSON forms, shared by the REST handlers and the live stream. */
final class MarketJson {
  private MarketJson() {}

  static JsonObject order(StoredOrder o, ZoneConfig zone) {
    return new JsonObject()
        .put("id", o.id())
        .put("accountId", o.accountId())
        .put("zone", o.zoneCode())
        .put("slot", o.slot().toString())
        .put("side", o.side().name())
        .put("type", o.orderType().name())
        .put("quantityWh", o.quantityWh())
        .put(OrderService.priceField(zone), o.limitPricePerKwh())
        .put("openWh", o.openWh())
        .put("filledWh", o.filledWh())
        .put("state", o.state().name())
        .put("green", o.green())
        .put("preferredPartners", new JsonArray(List.copyOf(o.preferredPartners())))
        .put("ruleId", o.ruleId().isPresent() ? o.ruleId().getAsLong() : null)
        .put("createdAt", o.createdAt().toString())
        .put("updatedAt", o.updatedAt().toString());
  }

  /** A trade from the point of view of {@code accountId} (side BUY or SELL). */
  static JsonObject trade(TradeView t, long accountId) {
    return new JsonObject()
        .put("id", t.id())
        .put("zone", t.zoneCode())
        .put("slot", t.slot().toString())
        .put("side", t.buyerAccountId() == accountId ? "BUY" : "SELL")
        .put("buyOrderId", t.buyOrderId())
        .put("sellOrderId", t.sellOrderId())
        .put("quantityWh", t.quantityWh())
        .put("pricePerKwh", t.pricePerKwh())
        .put("gridFeePerKwh", t.gridFeePerKwh())
        .put("priceUnit", t.priceUnit())
        .put("currency", t.currency())
        .put("tier", t.tier().name())
        .put("tradedAt", t.tradedAt().toString());
  }

  /** A fill as streamed live to its buyer and seller. */
  static JsonObject liveTrade(Instrument instrument, Trade t) {
    return new JsonObject()
        .put("zone", instrument.zoneCode())
        .put("slot", instrument.slot().toString())
        .put("buyOrderId", t.buyOrderId())
        .put("buyerAccountId", t.buyerAccountId())
        .put("sellOrderId", t.sellOrderId())
        .put("sellerAccountId", t.sellerAccountId())
        .put("quantityWh", t.quantityWh())
        .put("pricePerKwh", t.pricePerKwh())
        .put("gridFeePerKwh", t.gridFeePerKwh())
        .put("tier", t.tier().name());
  }

  static JsonObject depth(Instrument instrument, DepthSnapshot depth) {
    return new JsonObject()
        .put("zone", instrument.zoneCode())
        .put("slot", instrument.slot().toString())
        .put("bids", levels(depth.bids()))
        .put("offers", levels(depth.offers()));
  }

  private static JsonArray levels(List<DepthLevel> levels) {
    JsonArray out = new JsonArray();
    for (DepthLevel l : levels) {
      out.add(
          new JsonObject()
              .put("pricePerKwh", l.pricePerKwh())
              .put("quantityWh", l.quantityWh())
              .put("orderCount", l.orderCount()));
    }
    return out;
  }

  static JsonObject rule(StandingRuleView r, ZoneConfig zone) {
    return new JsonObject()
        .put("id", r.id())
        .put("meteringPointId", r.meteringPointId())
        .put("zone", r.zoneCode())
        .put("side", r.side().name())
        .put("reserveWh", r.reserveWh())
        .put(OrderService.priceField(zone), r.limitPricePerKwh())
        .put("dailyCapWh", r.dailyCapWh())
        .put("lookbackDays", r.lookbackDays())
        .put("forecast", r.forecast().name())
        .put("horizonMinutes", r.horizonMinutes())
        .put("state", r.state())
        .put(
            "status",
            new JsonObject()
                .put("code", r.statusCode())
                .put("message", r.statusMessage())
                .put("lastRunAt", r.lastRunAt() == null ? null : r.lastRunAt().toString()))
        .put("ordersPlaced", r.ordersPlaced())
        .put("createdAt", r.createdAt().toString())
        .put("updatedAt", r.updatedAt().toString());
  }
}
