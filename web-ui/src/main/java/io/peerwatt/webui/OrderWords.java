package io.peerwatt.webui;

import io.vertx.core.json.JsonObject;

/**
 * The market's answers in plain words, with the numbers that matter: why an order was refused (the
 * zone's limit, the gate time in local time) and what became of an order.
 */
public final class OrderWords {
  private OrderWords() {}

  /**
   * The sentence for a refused order, from the API's error code.
   *
   * @param slot the slot the order was for (may be null)
   * @param gateClosure the slot's gate closure (ISO instant), or null when unknown
   */
  static String refusal(ApiClient.Answer answer, ZoneView zone, String slot, String gateClosure) {
    String cur = zone.currency();
    String code = answer.object().getString("error", "");
    return switch (code) {
      case "QUANTITY_BELOW_MIN" ->
          "An order in zone "
              + zone.code()
              + " is at least "
              + Format.kwh(zone.minQuantityWh())
              + ".";
      case "QUANTITY_ABOVE_MAX" ->
          "An order in zone "
              + zone.code()
              + " is at most "
              + Format.kwh(zone.maxQuantityWh())
              + ".";
      case "QUANTITY_NOT_POSITIVE" -> "Enter an amount of energy above 0 kWh.";
      case "PRICE_BELOW_MIN" ->
          "The lowest price zone "
              + zone.code()
              + " accepts is "
              + Format.price(zone.minPricePerKwh(), cur)
              + ".";
      case "PRICE_ABOVE_MAX" ->
          "The highest price zone "
              + zone.code()
              + " accepts is "
              + Format.price(zone.maxPricePerKwh(), cur)
              + ".";
      case "NEGATIVE_PRICE_NOT_ALLOWED" ->
          "Zone " + zone.code() + " does not accept prices below 0.";
      case "SELF_TRADE" ->
          "This order would trade with one of your own open orders: cancel that one first, or"
              + " change the price.";
      case "SLOT_NOT_OPEN", "BOOK_CLOSED" ->
          slot == null
              ? "That quarter-hour does not take orders now."
              : "The quarter-hour "
                  + Format.localSlot(slot, zone.timeZone())
                  + " does not take orders now"
                  + (gateClosure == null
                      ? "."
                      : ": its gate closed at "
                          + Format.localTime(java.time.Instant.parse(gateClosure), zone.timeZone())
                          + " ("
                          + zone.timeZone().getId()
                          + " time). Choose a later one.");
      case "MISSING_PRICE" -> "Enter a price in ct/kWh.";
      default -> "The market refused the order: " + answer.message();
    };
  }

  /** What became of an order (the API's JSON form), e.g. "part filled: 0.500 of 1.000 kWh". */
  public static String state(JsonObject order) {
    long quantity = order.getLong("quantityWh", 0L);
    long filled = order.getLong("filledWh", 0L);
    String part = Format.kwh(filled) + " of " + Format.kwh(quantity);
    return switch (order.getString("state", "")) {
      case "OPEN" -> "waiting for a match";
      case "PARTIALLY_FILLED" -> "part filled: " + part + ", the rest is waiting";
      case "FILLED" -> "filled: " + Format.kwh(filled);
      case "CANCELLED" ->
          filled > 0 ? "cancelled after " + part + " filled" : "cancelled, unfilled";
      case "EXPIRED" ->
          filled > 0
              ? "part filled: " + part + "; the rest expired at the gate"
              : "expired unfilled at the gate";
      default -> order.getString("state", "");
    };
  }
}
