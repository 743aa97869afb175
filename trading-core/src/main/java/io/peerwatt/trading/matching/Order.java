package io.peerwatt.trading.matching;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/** An open order inside a book: mutable, linked into its price level and its account's list. */
final class Order {
  final long id;
  final long accountId;
  final Side side;
  final OrderType type;
  final boolean green;
  final long[] partners;

  /** 0 when no rule placed the order (rule ids are positive). */
  final long ruleId;

  long price;
  long openWh;
  long filledWh;

  Level level;
  Order prev;
  Order next;
  Order accountPrev;
  Order accountNext;

  Order(PlaceOrder place) {
    this.id = place.orderId();
    this.accountId = place.accountId();
    this.side = place.side();
    this.type = place.orderType();
    this.green = place.green();
    List<Long> p = place.preferredPartners();
    this.partners = new long[p.size()];
    for (int i = 0; i < partners.length; i++) {
      partners[i] = p.get(i);
    }
    this.ruleId = place.ruleId().orElse(0L);
    this.price = place.limitPricePerKwh();
    this.openWh = place.quantityWh();
  }

  boolean prefers(long account) {
    for (long p : partners) {
      if (p == account) {
        return true;
      }
    }
    return false;
  }

  OrderView view() {
    List<Long> p = new ArrayList<>(partners.length);
    for (long a : partners) {
      p.add(a);
    }
    return new OrderView(
        id,
        accountId,
        side,
        type,
        price,
        openWh,
        filledWh,
        green,
        p,
        ruleId == 0 ? OptionalLong.empty() : OptionalLong.of(ruleId));
  }
}
