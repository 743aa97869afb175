package io.peerwatt.trading.market;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.db.testing.TestDatabase;
import io.peerwatt.protocol.testing.MutableClock;
import io.peerwatt.trading.testing.ApiClient;
import io.peerwatt.trading.testing.TradingHarness;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Orders through HTTP: validation naming the field, 401/403, ownership, cancel and amend, market
 * data.
 */
@ExtendWith(PostgresExtension.class)
class OrdersApiTest {
  /** Slots of 2026-11-26 (local Berlin day) are open on the 25th at 10:00 UTC. */
  static final String SLOT = "2026-11-26T10:00Z/PT15M";

  @TempDir static Path dataDir;
  static TradingHarness h;
  static String operator;
  static ApiClient.Account alice;
  static ApiClient.Account bob;
  static ApiClient.Account carol;

  @BeforeAll
  static void start(TestDatabase db) {
    h = TradingHarness.start(db, dataDir, new MutableClock(Instant.parse("2026-11-25T10:00:00Z")));
    operator = h.operator("root");
    h.zone(operator, "DE-CONT", ApiClient.zoneBody("Zone DE-CONT", "CONTINUOUS", 100, 10));
    h.zone(operator, "DE-OTHER", ApiClient.zoneBody("Zone DE-OTHER", "CALL_AUCTION", 100, 10));
    alice = h.prosumer(operator, "alice", "DE-CONT");
    bob = h.prosumer(operator, "bob", "DE-CONT");
    carol = h.prosumer(operator, "carol", "DE-OTHER");
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  static JsonObject order(String side, long quantityWh, long price) {
    return new JsonObject()
        .put("zone", "DE-CONT")
        .put("slot", SLOT)
        .put("side", side)
        .put("quantityWh", quantityWh)
        .put("limitPriceMilliCtPerKwh", price)
        .put("type", "LIMIT");
  }

  @Test
  void placedOrderIsAnsweredWithItsStateAndListedAsMine() {
    HttpResponse<Buffer> r =
        ApiClient.check(h.post("/orders", alice.token(), order("SELL", 1000, 25_000)), 201);
    JsonObject o = r.bodyAsJsonObject();
    assertThat(o.getString("state")).isEqualTo("OPEN");
    assertThat(o.getLong("openWh")).isEqualTo(1000);
    assertThat(o.getString("slot")).isEqualTo(SLOT);
    JsonArray mine = h.get("/orders", alice.token()).bodyAsJsonObject().getJsonArray("orders");
    assertThat(mine.stream().map(x -> ((JsonObject) x).getLong("id"))).contains(o.getLong("id"));
  }

  @Test
  void validationErrorsNameTheField() {
    HttpResponse<Buffer> tooSmall = h.post("/orders", alice.token(), order("BUY", 5, 25_000));
    assertThat(tooSmall.statusCode()).isEqualTo(400);
    assertThat(tooSmall.bodyAsJsonObject().getString("error")).isEqualTo("QUANTITY_BELOW_MIN");
    assertThat(tooSmall.bodyAsJsonObject().getString("field")).isEqualTo("quantityWh");

    HttpResponse<Buffer> huge =
        h.post("/orders", alice.token(), order("BUY", 10_000_000_000_000_000L, 25_000));
    assertThat(huge.statusCode()).isEqualTo(400);
    assertThat(huge.bodyAsJsonObject().getString("field")).isEqualTo("quantityWh");

    HttpResponse<Buffer> negative = h.post("/orders", alice.token(), order("BUY", 100, -1));
    assertThat(negative.statusCode()).isEqualTo(400);
    assertThat(negative.bodyAsJsonObject().getString("field")).isEqualTo("limitPriceMilliCtPerKwh");

    HttpResponse<Buffer> noSide = h.post("/orders", alice.token(), order("SIDEWAYS", 100, 1));
    assertThat(noSide.statusCode()).isEqualTo(400);
    assertThat(noSide.bodyAsJsonObject().getString("field")).isEqualTo("side");

    HttpResponse<Buffer> badSlot =
        h.post(
            "/orders", alice.token(), order("BUY", 100, 1).put("slot", "2026-11-26T10:05Z/PT15M"));
    assertThat(badSlot.statusCode()).isEqualTo(400);
    assertThat(badSlot.bodyAsJsonObject().getString("field")).isEqualTo("slot");

    HttpResponse<Buffer> notOpen =
        h.post(
            "/orders", alice.token(), order("BUY", 100, 1).put("slot", "2026-11-28T10:00Z/PT15M"));
    assertThat(notOpen.statusCode()).isEqualTo(400);
    assertThat(notOpen.bodyAsJsonObject().getString("error")).isEqualTo("SLOT_NOT_OPEN");

    HttpResponse<Buffer> noPrice =
        h.post(
            "/orders",
            alice.token(),
            order("BUY", 100, 1).put("limitPriceMilliCtPerKwh", (Object) null));
    assertThat(noPrice.statusCode()).isEqualTo(400);
    assertThat(noPrice.bodyAsJsonObject().getString("field")).isEqualTo("limitPriceMilliCtPerKwh");
  }

  @Test
  void unauthenticatedIs401AndOthersAre403() {
    assertThat(h.post("/orders", null, order("BUY", 100, 1)).statusCode()).isEqualTo(401);
    assertThat(h.get("/orders", null).statusCode()).isEqualTo(401);
    assertThat(h.get("/stream", null).statusCode()).isEqualTo(401);
    // another zone, another account, not a prosumer
    assertThat(h.post("/orders", carol.token(), order("BUY", 100, 1)).statusCode()).isEqualTo(403);
    assertThat(
            h.post("/orders", alice.token(), order("BUY", 100, 1).put("accountId", bob.id()))
                .statusCode())
        .isEqualTo(403);
    assertThat(h.post("/orders", operator, order("BUY", 100, 1)).statusCode()).isEqualTo(403);
  }

  @Test
  void aProsumerCannotSeeCancelOrAmendAnothersOrder() {
    long id =
        ApiClient.check(h.post("/orders", bob.token(), order("BUY", 200, 1_000)), 201)
            .bodyAsJsonObject()
            .getLong("id");
    assertThat(h.get("/orders/" + id, alice.token()).statusCode()).isEqualTo(404);
    assertThat(h.delete("/orders/" + id, alice.token()).statusCode()).isEqualTo(404);
    assertThat(
            h.patch("/orders/" + id, alice.token(), new JsonObject().put("quantityWh", 100))
                .statusCode())
        .isEqualTo(404);
    assertThat(
            h.get("/orders", alice.token()).bodyAsJsonObject().getJsonArray("orders").stream()
                .map(x -> ((JsonObject) x).getLong("id")))
        .doesNotContain(id);
    assertThat(h.get("/orders/" + id, bob.token()).bodyAsJsonObject().getString("state"))
        .isEqualTo("OPEN");
  }

  @Test
  void cancelAndAmend() {
    long id =
        ApiClient.check(h.post("/orders", bob.token(), order("BUY", 300, 2_000)), 201)
            .bodyAsJsonObject()
            .getLong("id");
    JsonObject amended =
        ApiClient.check(
                h.patch(
                    "/orders/" + id,
                    bob.token(),
                    new JsonObject().put("quantityWh", 500).put("limitPriceMilliCtPerKwh", 2_500)),
                200)
            .bodyAsJsonObject();
    assertThat(amended.getLong("openWh")).isEqualTo(500);
    assertThat(amended.getLong("limitPriceMilliCtPerKwh")).isEqualTo(2_500);
    JsonObject cancelled =
        ApiClient.check(h.delete("/orders/" + id, bob.token()), 200).bodyAsJsonObject();
    assertThat(cancelled.getString("state")).isEqualTo("CANCELLED");
    HttpResponse<Buffer> again = h.delete("/orders/" + id, bob.token());
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(again.bodyAsJsonObject().getString("error")).isEqualTo("ORDER_NOT_OPEN");
  }

  @Test
  void continuousMatchingTradesAtTheRestingPriceAndShowsInTradesAndBook() {
    String slot = "2026-11-26T12:00Z/PT15M";
    ApiClient.check(
        h.post("/orders", alice.token(), order("SELL", 400, 20_000).put("slot", slot)), 201);
    JsonObject buy =
        ApiClient.check(
                h.post("/orders", bob.token(), order("BUY", 1000, 30_000).put("slot", slot)), 201)
            .bodyAsJsonObject();
    assertThat(buy.getString("state")).isEqualTo("PARTIALLY_FILLED");
    assertThat(buy.getLong("filledWh")).isEqualTo(400);
    JsonArray bobTrades =
        h.get("/trades?slot=2026-11-26T12:00Z", bob.token())
            .bodyAsJsonObject()
            .getJsonArray("trades");
    assertThat(bobTrades).hasSize(1);
    assertThat(bobTrades.getJsonObject(0).getLong("pricePerKwh")).isEqualTo(20_000);
    assertThat(bobTrades.getJsonObject(0).getString("side")).isEqualTo("BUY");
    JsonArray aliceTrades =
        h.get("/trades?slot=2026-11-26T12:00Z", alice.token())
            .bodyAsJsonObject()
            .getJsonArray("trades");
    assertThat(aliceTrades.getJsonObject(0).getString("side")).isEqualTo("SELL");
    JsonArray carolTrades =
        h.get("/trades", carol.token()).bodyAsJsonObject().getJsonArray("trades");
    assertThat(carolTrades).isEmpty();
    JsonObject book =
        ApiClient.check(h.get("/market/DE-CONT/2026-11-26T12:00Z/book", alice.token()), 200)
            .bodyAsJsonObject();
    assertThat(book.getJsonArray("offers")).isEmpty();
    assertThat(book.getJsonArray("bids").getJsonObject(0).getLong("quantityWh")).isEqualTo(600);
    assertThat(book.getString("state")).isEqualTo("OPEN");
    // the slot may also be given as the whole URL-encoded interval
    JsonObject sameBook =
        ApiClient.check(h.get("/market/DE-CONT/2026-11-26T12:00Z%2FPT15M/book", alice.token()), 200)
            .bodyAsJsonObject();
    assertThat(sameBook).isEqualTo(book);
  }

  @Test
  void liveStreamSendsBookDepthOfMyZoneAndMyTrades() throws Exception {
    String slot = "2026-11-26T14:00Z/PT15M";
    StringBuffer received = new StringBuffer();
    java.util.concurrent.CountDownLatch connected = new java.util.concurrent.CountDownLatch(1);
    var client = h.vertx.createHttpClient();
    client
        .request(io.vertx.core.http.HttpMethod.GET, h.port(), "127.0.0.1", "/api/v1/stream")
        .compose(req -> req.putHeader("Authorization", "Bearer " + alice.token()).send())
        .onSuccess(
            resp -> {
              resp.handler(chunk -> received.append(chunk.toString()));
              connected.countDown();
            });
    assertThat(connected.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    ApiClient.eventually(() -> received.toString().contains(": connected"));
    ApiClient.check(
        h.post("/orders", alice.token(), order("SELL", 250, 20_000).put("slot", slot)), 201);
    ApiClient.check(
        h.post("/orders", bob.token(), order("BUY", 250, 20_100).put("slot", slot)), 201);
    ApiClient.eventually(() -> received.toString().contains("event: trade"));
    assertThat(received.toString()).contains("event: book").contains("\"slot\":\"" + slot + "\"");
    client.close();
  }

  @Test
  void selfTradeIsRefusedNamingThePrice() {
    String slot = "2026-11-26T16:00Z/PT15M";
    ApiClient.check(
        h.post("/orders", alice.token(), order("SELL", 100, 20_000).put("slot", slot)), 201);
    HttpResponse<Buffer> crossing =
        h.post("/orders", alice.token(), order("BUY", 100, 25_000).put("slot", slot));
    assertThat(crossing.statusCode()).isEqualTo(400);
    assertThat(crossing.bodyAsJsonObject().getString("error")).isEqualTo("SELF_TRADE");
    assertThat(crossing.bodyAsJsonObject().getString("field")).isEqualTo("limitPriceMilliCtPerKwh");
  }

  @Test
  void openSlotsListGateClosures() {
    JsonObject slots =
        ApiClient.check(h.get("/market/DE-CONT/slots", alice.token()), 200).bodyAsJsonObject();
    JsonArray list = slots.getJsonArray("slots");
    // 10:00 UTC on the 25th: 10:00 is delivering, 10:15 closed (gate 15 min ahead), then the rest
    // of the 25th
    // from 10:30 and all 96 slots of the 26th (Berlin) are open
    assertThat(list.getJsonObject(0).getString("slot")).isEqualTo("2026-11-25T10:00Z/PT15M");
    assertThat(list.getJsonObject(0).getString("state")).isEqualTo("DELIVERING");
    assertThat(list.getJsonObject(1).getString("state")).isEqualTo("CLOSED");
    assertThat(list.getJsonObject(2).getString("slot")).isEqualTo("2026-11-25T10:30Z/PT15M");
    assertThat(list.getJsonObject(2).getString("state")).isEqualTo("OPEN");
    assertThat(list.getJsonObject(2).getLong("secondsToGateClosure")).isEqualTo(900);
    assertThat(list).hasSize(2 + 50 + 96);
    assertThat(list.getJsonObject(list.size() - 1).getString("slot"))
        .isEqualTo("2026-11-26T22:45Z/PT15M");
  }
}
