package io.peerwatt.webui;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The flexibility pages' reading of the grid operator's form and their figures. */
class FlexPagesTest {
  private static final ZoneView AMSTERDAM =
      ZoneView.of(new JsonObject().put("code", "NL-1").put("localTimeZone", "Europe/Amsterdam"));

  private static Map<String, String> form(String start, String slots, String limits, String eur) {
    Map<String, String> f = new HashMap<>();
    f.put("direction", "REDUCE_EXPORT");
    f.put("start", start);
    f.put("slots", slots);
    f.put("limitKw", limits);
    f.put("priceEur", eur);
    return f;
  }

  @Test
  void anEventIsReadInTheZonesTimeWithOneLimitForEverySlotOrOnePerSlot() {
    Map<String, String> errors = new LinkedHashMap<>();
    JsonObject body =
        FlexPages.eventBody(AMSTERDAM, form("2026-12-06T17:30", "3", "2.5", "0,125"), errors);
    assertThat(errors).isEmpty();
    // 17:30 in Amsterdam in winter is 16:30 UTC
    assertThat(body)
        .isEqualTo(
            new JsonObject()
                .put("zone", "NL-1")
                .put("direction", "REDUCE_EXPORT")
                .put("start", "2026-12-06T16:30:00Z")
                .put("limitsW", new JsonArray().add(2500L).add(2500L).add(2500L))
                .put("pricePerKwh", 12_500L));
    assertThat(
            FlexPages.eventBody(AMSTERDAM, form("2026-12-06T17:30", "2", "1 0.5", "1"), errors)
                .getJsonArray("limitsW"))
        .containsExactly(1000L, 500L);
    assertThat(errors).isEmpty();
  }

  @Test
  void eachWrongFieldIsNamedInWords() {
    Map<String, String> errors = new LinkedHashMap<>();
    FlexPages.eventBody(AMSTERDAM, form("2026-12-06T17:20", "97", "-1", "0.000001"), errors);
    assertThat(errors)
        .containsEntry("start", "Start on a quarter-hour (:00, :15, :30 or :45).")
        .containsEntry("slots", "Enter a number of quarter-hours from 1 to 96.")
        .containsEntry("limitKw", "\"-1\" is not a limit in kW (at most 3 decimals, not negative).")
        .containsEntry(
            "priceEur", "Enter the price in euros per kWh, e.g. 0.25 (at most 5 decimals).");
    errors.clear();
    Map<String, String> noDirection = form("", "2", "1 2 3", "0.2");
    noDirection.put("direction", "BOTH");
    FlexPages.eventBody(AMSTERDAM, noDirection, errors);
    assertThat(errors.keySet()).containsExactly("direction", "start", "limitKw");
    assertThat(errors.get("limitKw"))
        .isEqualTo("Enter one limit for every slot, or one per slot: 3 limits for 2 slots.");
  }

  @Test
  void fullDeliveryEarnsTheAcceptedEnergyOfEverySlotAtThePriceFloored() {
    JsonObject request =
        new JsonObject()
            .put("start", "2026-12-06T17:00:00Z")
            .put("end", "2026-12-06T17:45:00Z")
            .put("pricePerKwh", 25_001L);
    // 1001 W over a quarter-hour is 250 Wh (floored), three slots: 750 Wh at 25.001 ct/kWh
    assertThat(FlexView.earnedAtFullDelivery(request, 1001)).isEqualTo(18_750);
    assertThat(FlexView.percent(0.555)).isEqualTo("56 %");
    assertThat(FlexView.percent("n/a")).isEmpty();
    JsonObject needing =
        new JsonObject()
            .put(
                "slots",
                new JsonArray()
                    .add(new JsonObject().put("neededW", 500L).put("acceptedW", 700L))
                    .add(new JsonObject().put("neededW", 2000L).put("acceptedW", 700L)));
    assertThat(FlexView.neededW(needing)).isEqualTo(2000);
    assertThat(FlexView.stillNeededW(needing)).isEqualTo(1300);
  }

  @Test
  void theStatementsFlexibilityLinesAreSummedPerAcceptance() {
    JsonArray statements =
        new JsonArray()
            .add(
                new JsonObject()
                    .put(
                        "lines",
                        new JsonArray()
                            .add(line("FLEXIBILITY_DELIVERY", 7, 200, 5000, 12))
                            .add(line("ENERGY_SALE", 7, 999, 999, 999))))
            .add(
                new JsonObject()
                    .put(
                        "lines",
                        new JsonArray()
                            .add(line("FLEXIBILITY_DELIVERY", 7, 100, 2500, 6))
                            .add(line("FLEXIBILITY_DELIVERY", 8, 50, 1250, 3))));
    Map<Long, FlexView.Paid> paid = FlexView.paidByAcceptance(statements);
    assertThat(paid)
        .containsExactly(
            Map.entry(7L, new FlexView.Paid(300, 7500, 18)),
            Map.entry(8L, new FlexView.Paid(50, 1250, 3)));
    assertThat(FlexView.total(paid.values())).isEqualTo(new FlexView.Paid(350, 8750, 21));
    assertThat(FlexView.total(Map.<Long, FlexView.Paid>of().values())).isNull();
  }

  private static JsonObject line(String kind, long tradeId, long wh, long amount, long sat) {
    return new JsonObject()
        .put("kind", kind)
        .put("tradeId", tradeId)
        .put("quantityWh", wh)
        .put("amount", amount)
        .put("amountSat", sat);
  }
}
