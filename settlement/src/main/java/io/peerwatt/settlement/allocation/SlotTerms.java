package io.peerwatt.settlement.allocation;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.PriceUnit;
import java.util.Objects;

/**
 * The market terms one slot is settled under.
 *
 * @param zoneCode the grid zone
 * @param slot the delivery interval
 * @param currency ISO 4217 code of the market currency, or {@code BSV}
 * @param priceUnit unit of every price: milli-cent per kWh, or sat per kWh for BSV zones; every
 *     line amount is then in milli-cent or satoshi respectively
 * @param imbalancePricePerKwh the zone's price for deviations, in {@code priceUnit}
 */
public record SlotTerms(
    String zoneCode,
    DeliverySlot slot,
    String currency,
    PriceUnit priceUnit,
    long imbalancePricePerKwh) {

  public SlotTerms {
    Objects.requireNonNull(zoneCode, "zoneCode");
    Objects.requireNonNull(slot, "slot");
    Objects.requireNonNull(currency, "currency");
    Objects.requireNonNull(priceUnit, "priceUnit");
    if ((priceUnit == PriceUnit.SAT_PER_KWH) != currency.equals("BSV")) {
      throw new IllegalArgumentException("sat/kWh goes with BSV and only with it: " + currency);
    }
  }
}
