package io.peerwatt.trading.matching;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.PriceUnit;
import io.peerwatt.trading.calendar.ClearingMode;
import io.peerwatt.trading.calendar.ZoneConfig;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.OptionalLong;

/** Zones, slots and order shorthands shared by the matching tests. */
final class TestMarket {
  static final DeliverySlot SLOT = DeliverySlot.parse("2026-11-25T10:00Z/PT15M");

  /** 0.1 ct/kWh grid fee. */
  static final long FEE = 100;

  private TestMarket() {}

  static ZoneConfig zone(ClearingMode mode, long fee, boolean negativeAllowed) {
    return new ZoneConfig(
        "DE-TEST",
        "EUR",
        PriceUnit.MILLI_CT_PER_KWH,
        mode,
        Duration.ofMinutes(15),
        fee,
        30_000,
        negativeAllowed,
        ZoneId.of("Europe/Berlin"),
        1,
        1_000_000,
        -500_000,
        500_000);
  }

  static Instrument instrument() {
    return new Instrument("DE-TEST", SLOT);
  }

  static PlaceOrder buy(long id, long account, long price, long quantityWh) {
    return PlaceOrder.limit(id, account, instrument(), Side.BUY, quantityWh, price);
  }

  static PlaceOrder sell(long id, long account, long price, long quantityWh) {
    return PlaceOrder.limit(id, account, instrument(), Side.SELL, quantityWh, price);
  }

  static PlaceOrder withPreferences(PlaceOrder p, boolean green, List<Long> partners) {
    return new PlaceOrder(
        p.orderId(),
        p.accountId(),
        p.instrument(),
        p.side(),
        p.quantityWh(),
        p.limitPricePerKwh(),
        p.orderType(),
        green,
        partners,
        OptionalLong.empty());
  }
}
