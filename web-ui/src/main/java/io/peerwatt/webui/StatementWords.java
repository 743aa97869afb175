package io.peerwatt.webui;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** What one statement says, in sentences: each money line, and why a deviation was charged. */
public final class StatementWords {
  private StatementWords() {}

  /** The sentences explaining {@code statement} (the API's JSON form). */
  public static List<String> explain(JsonObject statement, ZoneView zone) {
    String cur = statement.getString("currency", zone.currency());
    JsonObject m = statement.getJsonObject("metering", new JsonObject());
    List<String> out = new ArrayList<>();
    long sold = m.getLong("soldWh", 0L);
    long delivered = m.getLong("deliveredWh", 0L);
    long exported = m.getLong("exportWh", 0L);
    long bought = m.getLong("boughtWh", 0L);
    long imported = m.getLong("importWh", 0L);
    if (m.getBoolean("missing", false)) {
      out.add(
          "Your meter's readings around this quarter-hour were missing when it was settled, so it"
              + " counts as "
              + Format.kwh(0)
              + " until they arrive; a new version of this statement follows then.");
    } else if (m.getBoolean("estimated", false)) {
      out.add(
          "A reading at the start or end of this quarter-hour was interpolated across a gap of"
              + " more than 5 minutes.");
    }
    if (sold > 0 && delivered < sold) {
      out.add(
          "You sold "
              + Format.kwh(sold)
              + " but your meter sent "
              + Format.kwh(exported)
              + " to the grid in this quarter-hour: "
              + (delivered == 0
                  ? "nothing of the sale was delivered, so it earned nothing"
                  : "you were paid for the " + Format.kwh(delivered) + " delivered")
              + ", and the missing "
              + Format.kwh(sold - delivered)
              + " was charged at the imbalance price of "
              + Format.price(zone.imbalancePricePerKwh(), cur)
              + " (the grid supplied it to your buyers).");
    }
    if (bought > 0 && imported < bought) {
      out.add(
          "You bought "
              + Format.kwh(bought)
              + " but your meter drew "
              + Format.kwh(imported)
              + ": you pay for all you bought, and the unused "
              + Format.kwh(bought - imported)
              + " is credited at the imbalance price.");
    } else if (bought > 0 && imported > bought) {
      out.add(
          "You drew "
              + Format.kwh(imported)
              + " but bought "
              + Format.kwh(bought)
              + ": the extra "
              + Format.kwh(imported - bought)
              + " is charged at the imbalance price.");
    }
    for (Object o : statement.getJsonArray("lines", new JsonArray())) {
      JsonObject l = (JsonObject) o;
      String label =
          HomeMoney.KINDS.stream()
              .filter(k -> k.code().equals(l.getString("kind")))
              .map(HomeMoney.Kind::label)
              .findFirst()
              .orElse(l.getString("kind"));
      out.add(
          label
              + (l.getLong("tradeId", 0L) > 0 ? " (trade " + l.getLong("tradeId") + ")" : "")
              + ": "
              + Format.kwh(l.getLong("quantityWh", 0L))
              + " at "
              + Format.price(l.getLong("pricePerKwh", 0L), cur)
              + ", "
              + Format.signedMoney(l.getLong("amount", 0L), cur)
              + ".");
    }
    return out;
  }
}
