package io.peerwatt.webui;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Figures of the flexibility pages computed from the API's answers, for their templates. */
public final class FlexView {
  private FlexView() {}

  /** The most reduction a request needs in one of its slots, in W. */
  public static long neededW(JsonObject request) {
    long max = 0;
    for (Object s : request.getJsonArray("slots", new JsonArray())) {
      max = Math.max(max, ((JsonObject) s).getLong("neededW", 0L));
    }
    return max;
  }

  /** What a request still needs beyond what the zone's homes accepted, in W (at least 0). */
  public static long stillNeededW(JsonObject request) {
    JsonArray slots = request.getJsonArray("slots", new JsonArray());
    long accepted = slots.isEmpty() ? 0 : slots.getJsonObject(0).getLong("acceptedW", 0L);
    return Math.max(0, neededW(request) - accepted);
  }

  /**
   * What a request pays at full delivery of {@code watts} over all its slots: the accepted energy
   * per slot (floored to the Wh, as the platform counts it) at the request's price, floored.
   */
  public static long earnedAtFullDelivery(JsonObject request, long watts) {
    long slots =
        ChronoUnit.MINUTES.between(
                Instant.parse(request.getString("start")), Instant.parse(request.getString("end")))
            / 15;
    return Math.multiplyExact(watts / 4 * slots, request.getLong("pricePerKwh")) / 1000;
  }

  /** What the household's acceptances earned over the requests listed, in the price unit. */
  public static long earned(JsonArray requests) {
    return sumOfMySlots(requests, "earned");
  }

  /** What the household's acceptances delivered over the requests listed, in Wh. */
  public static long deliveredWh(JsonArray requests) {
    return sumOfMySlots(requests, "deliveredWh");
  }

  private static long sumOfMySlots(JsonArray requests, String key) {
    long sum = 0;
    for (Object r : requests) {
      for (Object a : ((JsonObject) r).getJsonArray("myAcceptances", new JsonArray())) {
        for (Object s : ((JsonObject) a).getJsonArray("slots", new JsonArray())) {
          sum += ((JsonObject) s).getLong(key, 0L);
        }
      }
    }
    return sum;
  }

  /** A state of charge as the gateway reports it (a fraction of full) in per cent: "55 %". */
  public static String percent(Object fraction) {
    if (!(fraction instanceof Number n)) {
      return "";
    }
    return new BigDecimal(n.toString())
            .movePointRight(2)
            .setScale(0, RoundingMode.HALF_UP)
            .toPlainString()
        + " %";
  }

  /** A rule's directions in words: "import less and export less". */
  public static String directions(JsonArray directions) {
    List<String> words = new ArrayList<>();
    if (directions.contains("REDUCE_IMPORT")) {
      words.add("import less");
    }
    if (directions.contains("REDUCE_EXPORT")) {
      words.add("export less");
    }
    return String.join(" and ", words);
  }

  /** Thousandths as a form shows them: 20500 -> "20.5". */
  public static String milliToText(long thousandths) {
    return Forms.milliToText(thousandths);
  }

  /**
   * What the household's statements paid for one acceptance.
   *
   * @param deliveredWh the energy its lines count
   * @param amount in the market unit (milli-cent)
   * @param satoshis the same in satoshis
   */
  public record Paid(long deliveredWh, long amount, long satoshis) {}

  /**
   * The {@code FLEXIBILITY_DELIVERY} lines of the statements, summed per acceptance (the line's
   * {@code tradeId}).
   */
  public static Map<Long, Paid> paidByAcceptance(JsonArray statements) {
    Map<Long, Paid> out = new LinkedHashMap<>();
    for (Object o : statements) {
      for (Object l : ((JsonObject) o).getJsonArray("lines", new JsonArray())) {
        JsonObject line = (JsonObject) l;
        if ("FLEXIBILITY_DELIVERY".equals(line.getString("kind"))) {
          out.merge(
              line.getLong("tradeId"),
              new Paid(
                  line.getLong("quantityWh", 0L),
                  line.getLong("amount", 0L),
                  line.getLong("amountSat", 0L)),
              (a, b) ->
                  new Paid(
                      Math.addExact(a.deliveredWh(), b.deliveredWh()),
                      Math.addExact(a.amount(), b.amount()),
                      Math.addExact(a.satoshis(), b.satoshis())));
        }
      }
    }
    return out;
  }

  /** The sum of {@code paid}; null when there is nothing paid yet. */
  public static Paid total(Collection<Paid> paid) {
    return paid.stream()
        .reduce(
            (a, b) ->
                new Paid(
                    Math.addExact(a.deliveredWh(), b.deliveredWh()),
                    Math.addExact(a.amount(), b.amount()),
                    Math.addExact(a.satoshis(), b.satoshis())))
        .orElse(null);
  }
}
