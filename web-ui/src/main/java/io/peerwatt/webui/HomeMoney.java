package io.peerwatt.webui;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A household's money over a period, from its statements (line by line) and what its energy would
 * have cost or earned at the zone's grid tariffs. Integers only: energy in Wh, money in milli-cent,
 * from the household's side (positive: it received).
 */
public final class HomeMoney {
  /** The statement line kinds, in the order a statement lists them, with what each means. */
  static final List<Kind> KINDS =
      List.of(
          new Kind(
              "ENERGY_SALE",
              "Energy you sold to neighbours",
              "what your meter exported of it, at the trade prices"),
          new Kind(
              "ENERGY_PURCHASE",
              "Energy you bought from neighbours",
              "at the trade prices, paid in full whatever your meter imported"),
          new Kind(
              "GRID_FEE", "Grid fee", "on the energy you bought, passed on to the grid operator"),
          new Kind(
              "SELLER_SHORTFALL",
              "Sold but not exported",
              "energy you sold that your meter did not export, charged at the zone's imbalance price"),
          new Kind(
              "BUYER_UNDER_IMPORT",
              "Bought but not used",
              "energy you bought that your meter did not import, credited at the imbalance price"),
          new Kind(
              "BUYER_EXCESS_IMPORT",
              "Used beyond what you bought",
              "import above what you bought in a slot you traded, charged at the imbalance price"),
          new Kind(
              "FLEXIBILITY_DELIVERY",
              "Flexibility for the grid",
              "what your meter showed your battery or inverter delivered, at the request's price"),
          new Kind(
              "DATA_SALE",
              "Data income",
              "what third parties paid for the days of your meter data you shared"),
          new Kind(
              "DATA_PLATFORM_FEE", "Platform fee on data", "the zone's fee on your data income"),
          new Kind(
              "DATA_PURCHASE",
              "Meter data bought",
              "days of households' meter data delivered to your application"));

  /** A statement line kind: its API name, its name for people and what it is for. */
  public record Kind(String code, String label, String explanation) {}

  /** One kind's sums: energy and money. */
  public record Line(Kind kind, long quantityWh, long amount) {}

  /**
   * What the period would have cost without peer-to-peer trading and what it cost with it; costs
   * are positive when the household pays.
   *
   * @param withoutP2pCost all import at the retail price, all export at the feed-in tariff
   * @param withP2pCost the statements' money plus the grid rest at the tariffs
   */
  public record Comparison(long withoutP2pCost, long withP2pCost) {
    /** Positive when trading saved money. */
    public long saved() {
      return withoutP2pCost - withP2pCost;
    }
  }

  private HomeMoney() {}

  /**
   * The statements' lines summed by kind, in {@link #KINDS} order, kinds without lines left out.
   */
  static List<Line> lines(JsonArray statements) {
    Map<String, long[]> sums = new LinkedHashMap<>();
    for (Object o : statements) {
      for (Object l : ((JsonObject) o).getJsonArray("lines", new JsonArray())) {
        JsonObject line = (JsonObject) l;
        long[] sum = sums.computeIfAbsent(line.getString("kind"), k -> new long[2]);
        sum[0] = Math.addExact(sum[0], line.getLong("quantityWh", 0L));
        sum[1] = Math.addExact(sum[1], line.getLong("amount", 0L));
      }
    }
    return KINDS.stream()
        .filter(k -> sums.containsKey(k.code()))
        .map(k -> new Line(k, sums.get(k.code())[0], sums.get(k.code())[1]))
        .toList();
  }

  /** The statements' total, from the household's side. */
  static long net(JsonArray statements) {
    long total = 0;
    for (Object o : statements) {
      total = Math.addExact(total, ((JsonObject) o).getLong("totalAmount", 0L));
    }
    return total;
  }

  /**
   * @param quarterHours the period's energy per quarter-hour ({@code /energy}, PT15M)
   * @param statementNet the statements' total (household's side)
   */
  static Comparison compare(
      JsonArray quarterHours, long statementNet, long retailPerKwh, long feedInPerKwh) {
    long without = 0;
    long gridRest = 0;
    for (Object o : quarterHours) {
      JsonObject q = (JsonObject) o;
      without =
          Math.addExact(
              without,
              energy(q.getLong("importWh", 0L), retailPerKwh)
                  - energy(q.getLong("exportWh", 0L), feedInPerKwh));
      // in a slot the household bought in, import beyond the purchase is on its statement already
      long unbilledImport = q.getLong("boughtWh", 0L) > 0 ? 0 : q.getLong("gridImportWh", 0L);
      gridRest =
          Math.addExact(
              gridRest,
              energy(unbilledImport, retailPerKwh)
                  - energy(q.getLong("gridExportWh", 0L), feedInPerKwh));
    }
    return new Comparison(without, Math.addExact(-statementNet, gridRest));
  }

  /** Wh times a price per kWh, in milli-cent, rounded down. */
  static long energy(long wh, long pricePerKwh) {
    return Math.floorDiv(Math.multiplyExact(wh, pricePerKwh), 1000);
  }
}
