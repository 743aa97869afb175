package io.peerwatt.trading.api;

import io.peerwatt.http.ApiError;
import io.peerwatt.http.ApiRequests;
import io.peerwatt.http.Caller;
import io.peerwatt.http.Role;
import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.trading.calendar.ZoneConfig;
import io.peerwatt.trading.market.MarketZones;
import io.peerwatt.trading.market.OrderOutcome;
import io.peerwatt.trading.market.OrderService;
import io.peerwatt.trading.market.Rejection;
import io.peerwatt.trading.market.StandingRuleView;
import io.peerwatt.trading.market.StandingRules;
import io.peerwatt.trading.market.StoredOrder;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * What the market's resources read from requests alike, and how the market's refusals become API
 * errors.
 */
final class MarketRequests {
  private MarketRequests() {}

  /** The caller, who must be a prosumer with a zone. */
  static Caller prosumer(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx).require(Role.PROSUMER);
    if (caller.zoneCode() == null) {
      throw ApiError.forbidden("this prosumer has no zone");
    }
    return caller;
  }

  /** The trading zone's rules; 404 when it does not trade. Blocking. */
  static ZoneConfig zoneOf(MarketZones zones, String zoneCode) {
    return zones.zone(zoneCode).orElseThrow(() -> ApiError.notFound("trading zone " + zoneCode));
  }

  /** The limit price in the zone's unit: the body must name the unit the zone trades in. */
  static long price(JsonObject body, ZoneConfig zone) {
    String field = OrderService.priceField(zone);
    if (body.containsKey(otherPriceField(zone))) {
      throw ApiError.badRequest(
          "WRONG_PRICE_UNIT",
          "zone " + zone.code() + " prices in " + zone.priceUnit() + ": send " + field,
          otherPriceField(zone));
    }
    Object value = body.getValue(field);
    if (!(value instanceof Number n)) {
      throw ApiError.badRequest("MISSING_PRICE", field + " is required", field);
    }
    return n.longValue();
  }

  /** The price of a change, or null when the body names no price in either unit. */
  static Long changedPrice(JsonObject body, ZoneConfig zone) {
    return body.containsKey(OrderService.priceField(zone))
            || body.containsKey(otherPriceField(zone))
        ? price(body, zone)
        : null;
  }

  private static String otherPriceField(ZoneConfig zone) {
    return OrderService.priceField(zone).equals("limitPriceSatPerKwh")
        ? "limitPriceMilliCtPerKwh"
        : "limitPriceSatPerKwh";
  }

  /**
   * The rule's forecast method, or null when the body leaves it out (the document allows only known
   * names).
   */
  static StandingRules.Forecast forecast(JsonObject body) {
    String name = body.getString("forecast");
    return name == null ? null : StandingRules.Forecast.valueOf(name);
  }

  static StoredOrder accepted(OrderOutcome outcome) {
    if (outcome instanceof OrderOutcome.Rejected r) {
      throw toError(r.rejection());
    }
    return ((OrderOutcome.Accepted) outcome).order();
  }

  static StandingRuleView rule(StandingRules.RuleOutcome outcome) {
    if (outcome.rejection() != null) {
      throw toError(outcome.rejection());
    }
    return outcome.rule();
  }

  private static ApiError toError(Rejection r) {
    return new ApiError(r.status(), r.error(), r.message(), r.field());
  }

  /** {@code 2026-11-25T10:00Z/PT15M}, or just its start {@code 2026-11-25T10:00Z}. */
  static DeliverySlot parseSlot(String text) {
    try {
      return DeliverySlot.parse(text.endsWith("/PT15M") ? text : text + "/PT15M");
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest("INVALID_SLOT", e.getMessage(), "slot");
    }
  }

  static DeliverySlot slotOrNull(Object text) {
    return text == null ? null : parseSlot(text.toString());
  }
}
