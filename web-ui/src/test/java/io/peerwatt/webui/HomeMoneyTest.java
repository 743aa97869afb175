package io.peerwatt.webui;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class HomeMoneyTest {
  private static JsonObject line(String kind, long wh, long amount) {
    return new JsonObject().put("kind", kind).put("quantityWh", wh).put("amount", amount);
  }

  private static JsonObject quarter(long imp, long exp, long bought, long sold) {
    return new JsonObject()
        .put("importWh", imp)
        .put("exportWh", exp)
        .put("boughtWh", bought)
        .put("soldWh", sold)
        .put("gridImportWh", Math.max(0, imp - bought))
        .put("gridExportWh", Math.max(0, exp - sold));
  }

  @Test
  void linesAreSummedByKindInStatementOrder() {
    JsonArray statements =
        new JsonArray()
            .add(
                new JsonObject()
                    .put("totalAmount", -3_240L)
                    .put(
                        "lines",
                        new JsonArray()
                            .add(line("ENERGY_PURCHASE", 200, -3_000))
                            .add(line("GRID_FEE", 200, -240))))
            .add(
                new JsonObject()
                    .put("totalAmount", 5_000L)
                    .put(
                        "lines",
                        new JsonArray()
                            .add(line("ENERGY_SALE", 300, 9_000))
                            .add(line("SELLER_SHORTFALL", 100, -4_000))));
    assertThat(HomeMoney.lines(statements))
        .extracting(l -> l.kind().code(), HomeMoney.Line::quantityWh, HomeMoney.Line::amount)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("ENERGY_SALE", 300L, 9_000L),
            org.assertj.core.groups.Tuple.tuple("ENERGY_PURCHASE", 200L, -3_000L),
            org.assertj.core.groups.Tuple.tuple("GRID_FEE", 200L, -240L),
            org.assertj.core.groups.Tuple.tuple("SELLER_SHORTFALL", 100L, -4_000L));
    assertThat(HomeMoney.net(statements)).isEqualTo(1_760);
  }

  @Test
  void theGridRestIsAtTheTariffsExceptImportAlreadyOnAStatement() {
    // retail 30 ct/kWh, feed-in 8 ct/kWh
    JsonArray quarters =
        new JsonArray()
            // bought 200 of 500 drawn: the 300 beyond are on the statement (imbalance)
            .add(quarter(500, 0, 200, 0))
            // no trade: 400 drawn at retail
            .add(quarter(400, 0, 0, 0))
            // sold 100 of 600 sent: 500 at feed-in
            .add(quarter(0, 600, 0, 100));
    HomeMoney.Comparison c = HomeMoney.compare(quarters, -9_000, 30_000, 8_000);
    // without trading: 900 Wh x 30 ct - 600 Wh x 8 ct = 27 ct - 4.8 ct
    assertThat(c.withoutP2pCost()).isEqualTo(27_000 - 4_800);
    // with: the statements' 9 ct paid + 400 Wh x 30 ct - 500 Wh x 8 ct
    assertThat(c.withP2pCost()).isEqualTo(9_000 + 12_000 - 4_000);
    assertThat(c.saved()).isEqualTo(22_200 - 17_000);
  }

  @Test
  void ordersSayWhatHappened() {
    JsonObject partExpired =
        new JsonObject().put("state", "EXPIRED").put("quantityWh", 1_000L).put("filledWh", 400L);
    assertThat(OrderWords.state(partExpired))
        .isEqualTo("part filled: 0.400 kWh of 1.000 kWh; the rest expired at the gate");
    assertThat(OrderWords.state(partExpired.copy().put("filledWh", 0L)))
        .isEqualTo("expired unfilled at the gate");
    assertThat(OrderWords.state(partExpired.copy().put("state", "FILLED").put("filledWh", 1_000L)))
        .isEqualTo("filled: 1.000 kWh");
  }

  @Test
  void theOrderFormOffersTheFirstSlotWithTimeToTrade() {
    JsonArray slots =
        new JsonArray()
            .add(
                new JsonObject()
                    .put("slot", "a")
                    .put("state", "CLOSED")
                    .put("secondsToGateClosure", 0L))
            .add(
                new JsonObject()
                    .put("slot", "b")
                    .put("state", "OPEN")
                    .put("secondsToGateClosure", 20L))
            .add(
                new JsonObject()
                    .put("slot", "c")
                    .put("state", "OPEN")
                    .put("secondsToGateClosure", 920L));
    assertThat(MarketPages.nextTradable(slots)).isEqualTo("c");
  }
}
