package io.peerwatt.webui;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The utility report's figures arranged for people: per household, and as chart series. */
public final class ReportSummary {
  private ReportSummary() {}

  /**
   * One household (its metering points) over the report's period.
   *
   * @param statementSat the statements' satoshi total: positive, the hub paid the household
   */
  public record Household(
      String meteringPoints,
      long accountId,
      long slots,
      long importWh,
      long exportWh,
      long boughtWh,
      long soldWh,
      long residualImportWh,
      long residualExportWh,
      long statementSat,
      long paidSat,
      boolean flagged) {}

  /** The report's rows summed per metering point (per account), in account order. */
  public static List<Household> perMeteringPoint(JsonArray rows) {
    Map<Long, long[]> sums = new TreeMap<>();
    Map<Long, String> points = new TreeMap<>();
    Map<Long, Boolean> flagged = new TreeMap<>();
    for (Object o : rows) {
      JsonObject r = (JsonObject) o;
      long account = r.getLong("accountId");
      points.put(
          account,
          String.join(
              ", ",
              r.getJsonArray("meteringPoints", new JsonArray()).stream()
                  .map(String::valueOf)
                  .toList()));
      flagged.merge(
          account,
          r.getBoolean("missing", false) || r.getBoolean("estimated", false),
          Boolean::logicalOr);
      long[] s = sums.computeIfAbsent(account, a -> new long[9]);
      String[] keys = {
        "importWh",
        "exportWh",
        "boughtWh",
        "soldWh",
        "residualImportWh",
        "residualExportWh",
        "statementSat",
        "paidSat"
      };
      for (int i = 0; i < keys.length; i++) {
        s[i] = Math.addExact(s[i], r.getLong(keys[i], 0L));
      }
      s[8]++;
    }
    List<Household> out = new ArrayList<>();
    sums.forEach(
        (account, s) ->
            out.add(
                new Household(
                    points.get(account),
                    account,
                    s[8],
                    s[0],
                    s[1],
                    s[2],
                    s[3],
                    s[4],
                    s[5],
                    s[6],
                    s[7],
                    flagged.get(account))));
    return out;
  }
}
