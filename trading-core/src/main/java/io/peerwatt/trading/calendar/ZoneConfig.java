package io.peerwatt.trading.calendar;

import io.peerwatt.protocol.PriceUnit;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Objects;

/**
 * The market rules of one grid zone. Every price and fee is a {@code long} in {@link #priceUnit()}
 * per kWh (0.001 ct/kWh of {@link #currency()} or sat/kWh for BSV zones); quantities are Wh.
 *
 * @param code zone code, 1 to 32 characters {@code [A-Za-z0-9_-]}, e.g. {@code DE-BERLIN-1}
 * @param currency ISO 4217 code of the market currency, or {@code BSV}
 * @param priceUnit unit of every price in this zone
 * @param clearingMode call auction (default) or continuous
 * @param gateClosureLead how long before delivery start the book closes (default 15 min)
 * @param gridFeePerKwh network fee the buyer pays on top of the energy price, per kWh, never
 *     negative
 * @param imbalancePricePerKwh price at which deviations from traded volumes are settled, per kWh
 * @param negativePricesAllowed whether limit prices below zero are accepted
 * @param localZone the zone's civil time zone: it defines the local delivery day and D-1 opening
 * @param minQuantityWh smallest order quantity, at least 1 Wh
 * @param maxQuantityWh largest order quantity
 * @param minPricePerKwh lowest accepted limit price (checked after the negative-price rule)
 * @param maxPricePerKwh highest accepted limit price
 */
public record ZoneConfig(
    String code,
    String currency,
    PriceUnit priceUnit,
    ClearingMode clearingMode,
    Duration gateClosureLead,
    long gridFeePerKwh,
    long imbalancePricePerKwh,
    boolean negativePricesAllowed,
    ZoneId localZone,
    long minQuantityWh,
    long maxQuantityWh,
    long minPricePerKwh,
    long maxPricePerKwh) {

  /** Gate closure lead used when a zone does not configure one. */
  public static final Duration DEFAULT_GATE_CLOSURE_LEAD = Duration.ofMinutes(15);

  /**
   * Bound on prices and quantities that keeps every product and sum in the matching engine inside a
   * {@code long}: 10^12 Wh (1 TWh) per order, 10^12 units per kWh.
   */
  public static final long MAX_MAGNITUDE = 1_000_000_000_000L;

  /**
   * @throws IllegalArgumentException if the configuration is inconsistent
   */
  public ZoneConfig {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(currency, "currency");
    Objects.requireNonNull(priceUnit, "priceUnit");
    Objects.requireNonNull(clearingMode, "clearingMode");
    Objects.requireNonNull(gateClosureLead, "gateClosureLead");
    Objects.requireNonNull(localZone, "localZone");
    if (!code.matches("[A-Za-z0-9_-]{1,32}")) {
      throw new IllegalArgumentException(
          "zone code must be 1-32 of [A-Za-z0-9_-], got '" + code + "'");
    }
    if (priceUnit == PriceUnit.SAT_PER_KWH != currency.equals("BSV")) {
      throw new IllegalArgumentException(
          "zone " + code + ": sat/kWh goes with currency BSV and only with it, got " + currency);
    }
    if (!currency.matches("[A-Z]{3}")) {
      throw new IllegalArgumentException(
          "zone " + code + ": currency must be 3 capitals, got " + currency);
    }
    if (gateClosureLead.isNegative() || gateClosureLead.compareTo(Duration.ofDays(1)) > 0) {
      throw new IllegalArgumentException("zone " + code + ": gate closure lead must be 0..24h");
    }
    if (gridFeePerKwh < 0 || gridFeePerKwh > MAX_MAGNITUDE) {
      throw new IllegalArgumentException("zone " + code + ": grid fee must be 0.." + MAX_MAGNITUDE);
    }
    if (minQuantityWh < 1 || maxQuantityWh < minQuantityWh || maxQuantityWh > MAX_MAGNITUDE) {
      throw new IllegalArgumentException(
          "zone " + code + ": need 1 <= minQuantityWh <= maxQuantityWh <= " + MAX_MAGNITUDE);
    }
    if (minPricePerKwh > maxPricePerKwh
        || minPricePerKwh < -MAX_MAGNITUDE
        || maxPricePerKwh > MAX_MAGNITUDE) {
      throw new IllegalArgumentException(
          "zone "
              + code
              + ": need -"
              + MAX_MAGNITUDE
              + " <= minPrice <= maxPrice <= "
              + MAX_MAGNITUDE);
    }
    if (Math.abs(imbalancePricePerKwh) > MAX_MAGNITUDE) {
      throw new IllegalArgumentException("zone " + code + ": imbalance price out of range");
    }
  }
}
