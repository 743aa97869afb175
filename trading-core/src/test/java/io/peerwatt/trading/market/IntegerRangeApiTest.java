package io.peerwatt.trading.market;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.db.testing.TestDatabase;
import io.peerwatt.protocol.testing.MutableClock;
import io.peerwatt.trading.testing.ApiClient;
import io.peerwatt.trading.testing.TradingHarness;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, item 5: {@code lookbackDays} 4294967303 was stored as 7 (the JSON reader's int
 * wrapped). Whole numbers beyond an int, and beyond a long, are refused with 400 naming the field
 * and its range, and nothing changes. Real HTTP against real PostgreSQL.
 */
@ExtendWith(PostgresExtension.class)
class IntegerRangeApiTest {
  @TempDir static Path dataDir;
  static TradingHarness h;
  static ApiClient.Account erin;
  static long point;

  @BeforeAll
  static void start(TestDatabase db) {
    h = TradingHarness.start(db, dataDir, new MutableClock(StandingRulesApiTest.START));
    String operator = h.operator("root");
    h.zone(operator, "DE-RANGE", ApiClient.zoneBody("Zone DE-RANGE", "CALL_AUCTION", 100, 10));
    erin = h.prosumer(operator, "erin", "DE-RANGE");
    point = h.meteringPoint(erin.token(), 10_000);
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  private static void refused(HttpResponse<Buffer> r, String field, String range) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getString("field")).as(r.bodyAsString()).isEqualTo(field);
    assertThat(r.bodyAsJsonObject().getString("message")).contains(range);
  }

  @Test
  void aLookbackBeyondTheIntRangeIsRefusedNotWrapped() {
    // 2^32 + 7
    refused(
        h.post(
            "/rules",
            erin.token(),
            StandingRulesApiTest.rule(point, "SELL").put("lookbackDays", 4_294_967_303L)),
        "lookbackDays",
        "1..28");
    long id =
        ApiClient.check(
                h.post("/rules", erin.token(), StandingRulesApiTest.rule(point, "SELL")), 201)
            .bodyAsJsonObject()
            .getLong("id");
    refused(
        h.patch("/rules/" + id, erin.token(), new JsonObject().put("lookbackDays", 4_294_967_303L)),
        "lookbackDays",
        "1..28");
    assertThat(ApiClient.ok(h.get("/rules/" + id, erin.token())).getInteger("lookbackDays"))
        .isEqualTo(7);
    assertThat(ApiClient.ok(h.get("/rules", erin.token())).encode())
        .doesNotContain("\"lookbackDays\":4294967303");
  }

  @Test
  void aNumberBeyondTheLongRangeIsRefusedNotWrapped() {
    // 2^64 + 1 wraps to 1 in a long: it must not address metering point 1
    String body =
        StandingRulesApiTest.rule(point, "BUY")
            .put("meteringPointId", 0)
            .encode()
            .replace("\"meteringPointId\":0", "\"meteringPointId\":18446744073709551617");
    refused(
        h.call(HttpMethod.POST, "/rules", erin.token(), Buffer.buffer(body)),
        "meteringPointId",
        "9223372036854775807");
    String cap =
        StandingRulesApiTest.rule(point, "BUY")
            .encode()
            .replace("\"dailyCapWh\":1000", "\"dailyCapWh\":1e30");
    assertThat(h.call(HttpMethod.POST, "/rules", erin.token(), Buffer.buffer(cap)).statusCode())
        .isEqualTo(400);
  }
}
