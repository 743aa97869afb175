package io.peerwatt.webui;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.function.ToLongFunction;

/**
 * The series the pages' charts ({@code static/charts.js}) draw, in kWh and ct/kWh as doubles: for
 * drawing only, the pages' tables show the exact figures.
 */
final class Charts {
  private Charts() {}

  /** A household's energy: sold counts only what the meter exported, the rest went to the grid. */
  static JsonObject householdEnergy(JsonArray intervals) {
    return energy(
        intervals,
        i -> Math.min(i.getLong("soldWh"), i.getLong("exportWh")),
        i -> i.getLong("gridExportWh"));
  }

  /**
   * A zone's energy: in a zone every peer-to-peer kWh is bought and sold, so it is drawn once,
   * above the axis; below it, all the zone exported.
   */
  static JsonObject zoneEnergy(JsonArray intervals) {
    return energy(intervals, i -> 0, i -> i.getLong("exportWh"));
  }

  /**
   * Energy per interval of the API's energy series: bought and grid import above the axis, sold and
   * grid export below.
   *
   * @param soldWh what an interval counts as sold to peers
   * @param gridExportWh what it counts as sent to the grid
   */
  private static JsonObject energy(
      JsonArray intervals,
      ToLongFunction<JsonObject> soldWh,
      ToLongFunction<JsonObject> gridExportWh) {
    JsonArray x = new JsonArray();
    JsonArray bought = new JsonArray();
    JsonArray gridImport = new JsonArray();
    JsonArray sold = new JsonArray();
    JsonArray gridExport = new JsonArray();
    for (Object o : intervals) {
      JsonObject i = (JsonObject) o;
      x.add(Instant.parse(i.getString("start")).getEpochSecond());
      bought.add(i.getLong("boughtWh") / 1000.0);
      gridImport.add(i.getLong("gridImportWh") / 1000.0);
      sold.add(soldWh.applyAsLong(i) / 1000.0);
      gridExport.add(gridExportWh.applyAsLong(i) / 1000.0);
    }
    return new JsonObject()
        .put("x", x)
        .put("bought", bought)
        .put("gridImport", gridImport)
        .put("sold", sold)
        .put("gridExport", gridExport);
  }

  /** Clearing price (ct/kWh) and volume (kWh) per traded slot of the API's market history. */
  static JsonObject prices(JsonArray traded) {
    JsonArray x = new JsonArray();
    JsonArray volume = new JsonArray();
    JsonArray price = new JsonArray();
    for (Object o : traded) {
      JsonObject s = (JsonObject) o;
      x.add(Format.slotStart(s.getString("slot")).getEpochSecond());
      volume.add(s.getLong("volumeWh") / 1000.0);
      price.add(s.getLong("averagePricePerKwh") / 1000.0);
    }
    return new JsonObject().put("x", x).put("volume", volume).put("price", price);
  }

  /**
   * A flexibility event's slots in kW: the reduction needed, the power accepted and, once a slot
   * ended, the power delivered (null before).
   */
  static JsonObject flexibility(JsonArray slots) {
    JsonArray x = new JsonArray();
    JsonArray needed = new JsonArray();
    JsonArray accepted = new JsonArray();
    JsonArray delivered = new JsonArray();
    for (Object o : slots) {
      JsonObject s = (JsonObject) o;
      x.add(Instant.parse(s.getString("start")).getEpochSecond());
      needed.add(s.getLong("neededW") / 1000.0);
      accepted.add(s.getLong("acceptedW") / 1000.0);
      delivered.add(s.containsKey("deliveredW") ? s.getLong("deliveredW") / 1000.0 : null);
    }
    return new JsonObject()
        .put("x", x)
        .put("needed", needed)
        .put("accepted", accepted)
        .put("delivered", delivered);
  }
}
