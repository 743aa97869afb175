package io.peerwatt.trading.market;

import static io.peerwatt.db.schema.Tables.CLEARING_RESULT;
import static io.peerwatt.db.schema.Tables.MARKET_COMMAND;
import static io.peerwatt.db.schema.Tables.TRADE;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.db.testing.TestDatabase;
import io.peerwatt.protocol.testing.MutableClock;
import io.peerwatt.trading.testing.ApiClient;
import io.peerwatt.trading.testing.TradingHarness;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduler clears a call auction at gate closure on the injected clock, exactly once, and a
 * restarted platform rebuilds open books from their logs to the identical state.
 */
@ExtendWith(PostgresExtension.class)
class GateClosureApiTest {
  static final String SLOT = "2026-11-25T11:00Z/PT15M";
  @TempDir Path dataDir;

  static JsonObject order(String side, long quantityWh, long price, String slot) {
    return new JsonObject()
        .put("zone", "DE-CALL")
        .put("slot", slot)
        .put("side", side)
        .put("quantityWh", quantityWh)
        .put("limitPriceMilliCtPerKwh", price);
  }

  @Test
  void callAuctionClearsAtGateClosureExactlyOnceAndRestartReplaysOpenBooks(TestDatabase db) {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
    TradingHarness h = TradingHarness.start(db, dataDir, clock);
    String operator = h.operator("root");
    h.zone(operator, "DE-CALL", ApiClient.zoneBody("Zone DE-CALL", "CALL_AUCTION", 100, 10));
    ApiClient.Account alice = h.prosumer(operator, "alice", "DE-CALL");
    ApiClient.Account bob = h.prosumer(operator, "bob", "DE-CALL");
    ApiClient.check(h.post("/orders", alice.token(), order("SELL", 1000, 20_000, SLOT)), 201);
    ApiClient.check(h.post("/orders", alice.token(), order("SELL", 500, 40_000, SLOT)), 201);
    long bid =
        ApiClient.check(h.post("/orders", bob.token(), order("BUY", 600, 30_100, SLOT)), 201)
            .bodyAsJsonObject()
            .getLong("id");
    // a later slot stays open across the restart
    String later = "2026-11-25T15:00Z/PT15M";
    ApiClient.check(h.post("/orders", alice.token(), order("SELL", 700, 21_000, later)), 201);
    long amended =
        ApiClient.check(h.post("/orders", bob.token(), order("BUY", 300, 19_000, later)), 201)
            .bodyAsJsonObject()
            .getLong("id");
    ApiClient.check(
        h.patch("/orders/" + amended, bob.token(), new JsonObject().put("quantityWh", 450)), 200);
    JsonObject bookBefore =
        h.get("/market/DE-CALL/2026-11-25T15:00Z/book", bob.token()).bodyAsJsonObject();

    // nothing clears before the gate
    assertThat(
            h.get("/market/DE-CALL/2026-11-25T11:00Z/result", bob.token())
                .bodyAsJsonObject()
                .getBoolean("cleared"))
        .isFalse();
    clock.set(Instant.parse("2026-11-25T10:45:00Z"));
    ApiClient.eventually(
        () ->
            h.get("/market/DE-CALL/2026-11-25T11:00Z/result", bob.token())
                .bodyAsJsonObject()
                .getBoolean("cleared"));

    JsonObject result =
        h.get("/market/DE-CALL/2026-11-25T11:00Z/result", bob.token()).bodyAsJsonObject();
    assertThat(result.getLong("volumeWh")).isEqualTo(600);
    assertThat(result.getLong("pricePerKwh")).isBetween(20_000L, 30_000L);
    assertThat(result.getString("state")).isEqualTo("CLOSED");
    JsonArray trades =
        h.get("/trades?slot=" + "2026-11-25T11:00Z", bob.token())
            .bodyAsJsonObject()
            .getJsonArray("trades");
    assertThat(trades).hasSize(1);
    assertThat(trades.getJsonObject(0).getLong("quantityWh")).isEqualTo(600);
    assertThat(trades.getJsonObject(0).getLong("gridFeePerKwh")).isEqualTo(100);
    assertThat(h.get("/orders/" + bid, bob.token()).bodyAsJsonObject().getString("state"))
        .isEqualTo("FILLED");
    // the unfilled offers expired with the gate; the book takes no more orders
    JsonArray aliceOrders =
        h.get("/orders?slot=2026-11-25T11:00Z", alice.token())
            .bodyAsJsonObject()
            .getJsonArray("orders");
    assertThat(aliceOrders.stream().map(o -> ((JsonObject) o).getString("state")))
        .containsOnly("EXPIRED");
    assertThat(
            h.post("/orders", bob.token(), order("BUY", 100, 30_000, SLOT))
                .bodyAsJsonObject()
                .getString("error"))
        .isEqualTo("SLOT_NOT_OPEN");
    h.close();

    // restart: the open book is rebuilt from its log, the closed one is not cleared again
    TradingHarness restarted = TradingHarness.start(db, dataDir, clock);
    try {
      JsonObject bookAfter =
          restarted.get("/market/DE-CALL/2026-11-25T15:00Z/book", bob.token()).bodyAsJsonObject();
      assertThat(bookAfter).isEqualTo(bookBefore);
      clock.set(Instant.parse("2026-11-25T10:46:00Z"));
      ApiClient.check(
          restarted.post("/orders", alice.token(), order("SELL", 100, 25_000, later)), 201);
      assertThat(db.dsl().fetchCount(CLEARING_RESULT)).isEqualTo(1);
      assertThat(db.dsl().fetchCount(TRADE)).isEqualTo(1);
      assertThat(db.dsl().fetchCount(MARKET_COMMAND, MARKET_COMMAND.COMMAND_TYPE.eq((short) 4)))
          .isEqualTo(1);
    } finally {
      restarted.close();
    }
  }
}
