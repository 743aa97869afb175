package io.peerwatt.trading.flex;

import io.peerwatt.http.ApiError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a flexibility request out of an OpenADR event: one capacity limit per 15-minute interval
 * ({@code IMPORT_CAPACITY_LIMIT} or {@code EXPORT_CAPACITY_LIMIT}, kW) and the price of a kWh of
 * flexibility ({@code PRICE}, descriptor units {@code KWH} currency {@code EUR}). Pure: no I/O.
 */
public final class FlexEvents {
  /** A market slot. */
  public static final Duration SLOT = Duration.ofMinutes(15);

  /** 0.001 ct per EUR: the project's price unit. */
  private static final BigDecimal MILLI_CT_PER_EUR = BigDecimal.valueOf(100_000);

  private FlexEvents() {}

  /**
   * What the event asks for.
   *
   * @param limitsW the limit of each slot, from {@code start}, in W
   * @param pricePerKwh 0.001 ct per kWh of flexibility
   */
  public record Asked(
      FlexDirection direction, Instant start, List<Long> limitsW, long pricePerKwh) {
    public Instant end() {
      return start.plus(SLOT.multipliedBy(limitsW.size()));
    }
  }

  /** Whether the event carries a capacity limit (and so, targeted at a zone, makes a request). */
  public static boolean hasCapacityLimit(JsonObject event) {
    return directionOf(event) != null;
  }

  /**
   * The request the event makes; a 400 {@link ApiError} in words when it carries a capacity limit
   * but not as a flexibility request must.
   */
  public static Asked read(JsonObject event) {
    FlexDirection direction = directionOf(event);
    if (direction == FlexDirection.BOTH) {
      throw refuse("a flexibility request limits import or export, not both in one event");
    }
    JsonObject period = event.getJsonObject("intervalPeriod");
    if (period == null || period.getString("start") == null) {
      throw refuse("a flexibility request needs intervalPeriod.start (its first slot)");
    }
    Instant start;
    try {
      start = OffsetDateTime.parse(period.getString("start")).toInstant();
    } catch (DateTimeParseException e) {
      throw refuse("intervalPeriod.start is not a time");
    }
    if (!"PT15M".equals(period.getString("duration"))) {
      throw refuse(
          "a flexibility request's intervals are 15-minute slots (intervalPeriod.duration PT15M),"
              + " not "
              + period.getString("duration"));
    }
    if (start.getEpochSecond() % SLOT.toSeconds() != 0 || start.getNano() != 0) {
      throw refuse("intervalPeriod.start " + start + " is not the start of a 15-minute slot");
    }
    checkPriceUnits(event);
    JsonArray intervals = event.getJsonArray("intervals", new JsonArray());
    if (intervals.isEmpty() || intervals.size() > 96) {
      throw refuse("a flexibility request has 1 to 96 slots, not " + intervals.size());
    }
    List<Long> limits = new ArrayList<>();
    Long price = null;
    for (int i = 0; i < intervals.size(); i++) {
      JsonObject interval = intervals.getJsonObject(i);
      BigDecimal limitKw = value(interval, direction.limitType());
      if (limitKw == null) {
        throw refuse("interval " + i + " has no " + direction.limitType());
      }
      if (limitKw.signum() < 0) {
        throw refuse("interval " + i + ": a limit of " + limitKw + " kW is negative");
      }
      limits.add(watts(limitKw, i));
      BigDecimal eurPerKwh = value(interval, "PRICE");
      if (eurPerKwh != null) {
        long p = pricePerKwh(eurPerKwh, i);
        if (price != null && price != p) {
          throw refuse("a flexibility request has one price; interval " + i + " names another");
        }
        price = p;
      }
    }
    if (price == null) {
      throw refuse("a flexibility request needs a PRICE (EUR per kWh of flexibility)");
    }
    return new Asked(direction, start, List.copyOf(limits), price);
  }

  /** The direction of the event's capacity limits; null when it has none. */
  private static FlexDirection directionOf(JsonObject event) {
    boolean importLimit = false;
    boolean exportLimit = false;
    for (Object i : event.getJsonArray("intervals", new JsonArray())) {
      for (Object p : ((JsonObject) i).getJsonArray("payloads", new JsonArray())) {
        String type = ((JsonObject) p).getString("type");
        importLimit |= "IMPORT_CAPACITY_LIMIT".equals(type);
        exportLimit |= "EXPORT_CAPACITY_LIMIT".equals(type);
      }
    }
    if (importLimit && exportLimit) {
      return FlexDirection.BOTH;
    }
    return importLimit
        ? FlexDirection.REDUCE_IMPORT
        : exportLimit ? FlexDirection.REDUCE_EXPORT : null;
  }

  private static void checkPriceUnits(JsonObject event) {
    for (Object d : event.getJsonArray("payloadDescriptors", new JsonArray())) {
      JsonObject descriptor = (JsonObject) d;
      if ("PRICE".equals(descriptor.getString("payloadType"))
          && !("KWH".equals(descriptor.getString("units"))
              && "EUR".equals(descriptor.getString("currency")))) {
        throw refuse(
            "the PRICE of a flexibility request is in EUR per kWh (descriptor units KWH, currency"
                + " EUR), not "
                + descriptor.getString("currency")
                + " per "
                + descriptor.getString("units"));
      }
    }
  }

  private static BigDecimal value(JsonObject interval, String type) {
    for (Object p : interval.getJsonArray("payloads", new JsonArray())) {
      JsonObject payload = (JsonObject) p;
      if (type.equals(payload.getString("type"))) {
        JsonArray values = payload.getJsonArray("values", new JsonArray());
        if (values.size() != 1 || !(values.getValue(0) instanceof Number n)) {
          throw refuse(type + " has one number, not " + values.encode());
        }
        return new BigDecimal(n.toString());
      }
    }
    return null;
  }

  /** kW to W, exactly. */
  static long watts(BigDecimal kw, int interval) {
    try {
      return kw.movePointRight(3).longValueExact();
    } catch (ArithmeticException e) {
      throw refuse("interval " + interval + ": " + kw + " kW is not a whole number of watts");
    }
  }

  /** EUR/kWh to 0.001 ct/kWh, exactly. */
  static long pricePerKwh(BigDecimal eurPerKwh, int interval) {
    if (eurPerKwh.signum() < 0) {
      throw refuse("interval " + interval + ": a price of " + eurPerKwh + " EUR/kWh is negative");
    }
    try {
      return eurPerKwh.multiply(MILLI_CT_PER_EUR).longValueExact();
    } catch (ArithmeticException e) {
      throw refuse(
          "interval "
              + interval
              + ": "
              + eurPerKwh
              + " EUR/kWh is finer than 0.001 ct/kWh, the platform's price unit");
    }
  }

  private static ApiError refuse(String message) {
    return ApiError.badRequest("INVALID_FLEX_REQUEST", message, "intervals");
  }
}
