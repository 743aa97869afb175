package io.peerwatt.trading.matching;

import io.peerwatt.trading.calendar.ZoneConfig;
import java.util.List;

/** Field checks shared by both book types; the first failing field wins, in declaration order. */
final class OrderValidator {
  private OrderValidator() {}

  static ResultCode validatePlace(PlaceOrder p, ZoneConfig zone, Instrument instrument) {
    if (p.orderId() <= 0) {
      return ResultCode.INVALID_ORDER_ID;
    }
    if (p.accountId() <= 0) {
      return ResultCode.INVALID_ACCOUNT_ID;
    }
    if (!p.instrument().zoneCode().equals(instrument.zoneCode())) {
      return ResultCode.WRONG_ZONE;
    }
    if (!p.instrument().slot().equals(instrument.slot())) {
      return ResultCode.WRONG_SLOT;
    }
    ResultCode quantityAndPrice =
        validateQuantityAndPrice(p.quantityWh(), p.limitPricePerKwh(), zone);
    if (!quantityAndPrice.isSuccess()) {
      return quantityAndPrice;
    }
    List<Long> partners = p.preferredPartners();
    if (partners.size() > PlaceOrder.MAX_PREFERRED_PARTNERS) {
      return ResultCode.TOO_MANY_PREFERRED_PARTNERS;
    }
    for (int i = 0; i < partners.size(); i++) {
      long partner = partners.get(i);
      if (partner <= 0 || partner == p.accountId() || partners.subList(0, i).contains(partner)) {
        return ResultCode.INVALID_PREFERRED_PARTNER;
      }
    }
    if (p.ruleId().isPresent() && p.ruleId().getAsLong() <= 0) {
      return ResultCode.INVALID_RULE_ID;
    }
    return ResultCode.SUCCESS;
  }

  static ResultCode validateQuantityAndPrice(long quantityWh, long pricePerKwh, ZoneConfig zone) {
    if (quantityWh <= 0) {
      return ResultCode.QUANTITY_NOT_POSITIVE;
    }
    if (quantityWh < zone.minQuantityWh()) {
      return ResultCode.QUANTITY_BELOW_MIN;
    }
    if (quantityWh > zone.maxQuantityWh()) {
      return ResultCode.QUANTITY_ABOVE_MAX;
    }
    if (pricePerKwh < 0 && !zone.negativePricesAllowed()) {
      return ResultCode.NEGATIVE_PRICE_NOT_ALLOWED;
    }
    if (pricePerKwh < zone.minPricePerKwh()) {
      return ResultCode.PRICE_BELOW_MIN;
    }
    if (pricePerKwh > zone.maxPricePerKwh()) {
      return ResultCode.PRICE_ABOVE_MAX;
    }
    return ResultCode.SUCCESS;
  }
}
