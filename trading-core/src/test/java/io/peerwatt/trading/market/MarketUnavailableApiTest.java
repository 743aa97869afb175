package io.peerwatt.trading.market;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.db.schema.tables.records.ClearingResultRecord;
import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.db.testing.TestDatabase;
import io.peerwatt.protocol.testing.MutableClock;
import io.peerwatt.trading.TradingSettings;
import io.peerwatt.trading.matching.CommandResult;
import io.peerwatt.trading.matching.DepthSnapshot;
import io.peerwatt.trading.matching.Instrument;
import io.peerwatt.trading.matching.OrderCommand;
import io.peerwatt.trading.testing.ApiClient;
import io.peerwatt.trading.testing.TradingHarness;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * When a book does not answer in time (a cluster's zone owner taking over), placing, amending and
 * cancelling answer 503 MARKET_UNAVAILABLE saying what to do, never 500.
 */
@ExtendWith(PostgresExtension.class)
class MarketUnavailableApiTest {
  private static final String SLOT = "2026-11-26T10:00Z/PT15M";

  /** The in-process engine, except that while {@link #answering} is off no command is answered. */
  private static final class SilentBooks implements OrderBooks {
    final MarketEngine engine;
    final AtomicBoolean answering = new AtomicBoolean(true);

    SilentBooks(MarketEngine engine) {
      this.engine = engine;
    }

    @Override
    public CommandResult submit(Instrument instrument, OrderCommand command, Instant now) {
      if (!answering.get()) {
        throw new BooksUnavailableException(
            "the book of zone " + instrument.zoneCode() + " did not answer within 15 s",
            Duration.ofSeconds(15),
            null);
      }
      return engine.submit(instrument, command, now);
    }

    @Override
    public void addListener(MarketListener listener) {
      engine.addListener(listener);
    }

    @Override
    public long nextOrderId() {
      return engine.nextOrderId();
    }

    @Override
    public int recoverOpenBooks() {
      return engine.recoverOpenBooks();
    }

    @Override
    public List<Instrument> booksDueForGateClosure(Instant now) {
      return engine.booksDueForGateClosure(now);
    }

    @Override
    public Optional<CommandResult> closeGate(Instrument instrument, Instant now) {
      return engine.closeGate(instrument, now);
    }

    @Override
    public DepthSnapshot depth(Instrument instrument, int maxLevels) {
      return engine.depth(instrument, maxLevels);
    }

    @Override
    public Optional<ClearingResultRecord> clearingResult(Instrument instrument) {
      return engine.clearingResult(instrument);
    }
  }

  @Test
  void aBookThatDoesNotAnswerIs503WithWhatToDo(TestDatabase db, @TempDir Path dataDir) {
    SilentBooks[] books = new SilentBooks[1];
    TradingHarness h =
        TradingHarness.start(
            db,
            TradingSettings.defaults(dataDir),
            new MutableClock(Instant.parse("2026-11-25T10:00:00Z")),
            dsl -> {
              books[0] = new SilentBooks(new MarketEngine(dsl, new MarketZones(dsl)));
              return new Market(dsl, books[0], Market.Schedule.SOLE);
            });
    try {
      String operator = h.operator("root");
      h.zone(operator, "DE-CONT", ApiClient.zoneBody("Zone DE-CONT", "CONTINUOUS", 100, 10));
      ApiClient.Account alice = h.prosumer(operator, "alice", "DE-CONT");
      JsonObject order =
          new JsonObject()
              .put("zone", "DE-CONT")
              .put("slot", SLOT)
              .put("side", "SELL")
              .put("quantityWh", 1000)
              .put("limitPriceMilliCtPerKwh", 20_000)
              .put("type", "LIMIT");
      long id =
          ApiClient.check(h.post("/orders", alice.token(), order), 201)
              .bodyAsJsonObject()
              .getLong("id");

      books[0].answering.set(false);
      HttpResponse<Buffer> placed = h.post("/orders", alice.token(), order);
      assertThat(placed.statusCode()).isEqualTo(503);
      assertThat(placed.bodyAsJsonObject().getString("error")).isEqualTo("MARKET_UNAVAILABLE");
      assertThat(placed.bodyAsJsonObject().getString("message"))
          .contains("did not answer within 15 s")
          .contains("the order may still be placed: list your orders before placing it again");
      HttpResponse<Buffer> amended =
          h.patch("/orders/" + id, alice.token(), new JsonObject().put("quantityWh", 500));
      assertThat(amended.statusCode()).isEqualTo(503);
      assertThat(amended.bodyAsJsonObject().getString("error")).isEqualTo("MARKET_UNAVAILABLE");
      HttpResponse<Buffer> cancelled = h.delete("/orders/" + id, alice.token());
      assertThat(cancelled.statusCode()).isEqualTo(503);
      assertThat(cancelled.bodyAsJsonObject().getString("message"))
          .contains("the change may still be applied");

      books[0].answering.set(true);
      assertThat(ApiClient.ok(h.delete("/orders/" + id, alice.token())).getString("state"))
          .isEqualTo("CANCELLED");
    } finally {
      h.close();
    }
  }
}
