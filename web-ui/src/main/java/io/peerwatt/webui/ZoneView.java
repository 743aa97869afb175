package io.peerwatt.webui;

import io.vertx.core.json.JsonObject;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A zone as its pages need it: its local time zone (every time on a page is shown in it), its
 * currency and its prices, all from the API's zone answer.
 *
 * @param gridFeePerKwh the grid fee a buyer pays on top of the energy price, milli-cent per kWh
 * @param imbalancePricePerKwh the price of deviations from what was traded
 * @param retailPricePerKwh the grid supplier's price for imported energy (0: not configured)
 * @param feedInTariffPerKwh what the grid supplier pays for exported energy
 */
public record ZoneView(
    String code,
    String name,
    ZoneId timeZone,
    String currency,
    long gridFeePerKwh,
    long imbalancePricePerKwh,
    long retailPricePerKwh,
    long feedInTariffPerKwh,
    long minQuantityWh,
    long maxQuantityWh,
    long minPricePerKwh,
    long maxPricePerKwh,
    long gateClosureLeadSeconds,
    String clearingMode,
    JsonObject json) {

  /** The zone of an API answer; UTC and euros when it has no market settings. */
  public static ZoneView of(JsonObject z) {
    ZoneId tz;
    try {
      tz = ZoneId.of(z.getString("localTimeZone", "UTC"));
    } catch (DateTimeException e) {
      tz = ZoneOffset.UTC;
    }
    return new ZoneView(
        z.getString("code", ""),
        z.getString("name", z.getString("code", "")),
        tz,
        z.getString("currency", "EUR"),
        z.getLong("gridFeePerKwh", 0L),
        z.getLong("imbalancePricePerKwh", 0L),
        z.getLong("retailPricePerKwh", 0L),
        z.getLong("feedInTariffPerKwh", 0L),
        z.getLong("minQuantityWh", 1L),
        z.getLong("maxQuantityWh", Long.MAX_VALUE),
        z.getLong("minPricePerKwh", Long.MIN_VALUE),
        z.getLong("maxPricePerKwh", Long.MAX_VALUE),
        z.getLong("gateClosureLeadSeconds", 0L),
        z.getString("clearingMode", ""),
        z);
  }

  /** Whether the zone has grid tariffs to compare peer-to-peer trading with. */
  public boolean hasTariffs() {
    return retailPricePerKwh > 0 || feedInTariffPerKwh > 0;
  }

  /** How the zone clears, in words. */
  public String clearingInWords() {
    return "CONTINUOUS".equals(clearingMode)
        ? "Continuous trading: an order matches at once with the best resting order, at that order's price."
        : "Call auction: all orders for a slot clear together at gate closure, at one price.";
  }
}
