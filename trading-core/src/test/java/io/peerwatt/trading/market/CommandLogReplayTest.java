package io.peerwatt.trading.market;

import static io.peerwatt.db.schema.Tables.ACCOUNT;
import static io.peerwatt.db.schema.Tables.MARKET_COMMAND;
import static io.peerwatt.db.schema.Tables.ZONE;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.PriceUnit;
import io.peerwatt.trading.calendar.ClearingMode;
import io.peerwatt.trading.calendar.ZoneConfig;
import io.peerwatt.trading.matching.Instrument;
import io.peerwatt.trading.matching.OrderType;
import io.peerwatt.trading.matching.Side;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The PostgreSQL command log rebuilds every book to the identical state, and gate closure happens
 * once.
 */
@ExtendWith(PostgresExtension.class)
class CommandLogReplayTest {
  static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

  static ZoneConfig zone(String code, ClearingMode mode) {
    return new ZoneConfig(
        code,
        "EUR",
        PriceUnit.MILLI_CT_PER_KWH,
        mode,
        Duration.ofMinutes(15),
        100,
        30_000,
        false,
        ZoneId.of("Europe/Berlin"),
        1,
        1_000_000,
        0,
        500_000);
  }

  static long account(DSLContext dsl, String name, String zone) {
    return dsl.insertInto(ACCOUNT)
        .set(ACCOUNT.USERNAME, name)
        .set(ACCOUNT.ROLE, "prosumer")
        .set(ACCOUNT.PASSWORD_HASH, "x")
        .set(ACCOUNT.ZONE_CODE, zone)
        .returning(ACCOUNT.ID)
        .fetchOne()
        .getId();
  }

  @Test
  void replayAfterRestartGivesIdenticalStateHashes(DSLContext dsl) {
    for (ClearingMode mode : ClearingMode.values()) {
      String code = "RP-" + mode.code();
      dsl.insertInto(ZONE).set(ZONE.CODE, code).set(ZONE.NAME, code).execute();
      MarketZones zones = new MarketZones(dsl);
      zones.save(zone(code, mode));
      List<Long> accounts =
          List.of(
              account(dsl, "a" + code, code),
              account(dsl, "b" + code, code),
              account(dsl, "c" + code, code));
      MarketEngine engine = new MarketEngine(dsl, zones);
      OrderService orders = new OrderService(dsl, zones, engine);
      List<DeliverySlot> slots =
          List.of(
              DeliverySlot.parse("2026-11-25T12:00Z/PT15M"),
              DeliverySlot.parse("2026-11-25T12:15Z/PT15M"));
      Random random = new Random(42 + mode.code());
      for (int i = 0; i < 150; i++) {
        long account = accounts.get(random.nextInt(accounts.size()));
        DeliverySlot slot = slots.get(random.nextInt(slots.size()));
        int action = random.nextInt(10);
        List<StoredOrder> mine = orders.ordersOf(account, code, slot, true);
        if (action < 2 && !mine.isEmpty()) {
          orders.cancel(account, mine.get(0).id(), NOW);
        } else if (action < 4 && !mine.isEmpty()) {
          orders.amend(
              account,
              mine.get(0).id(),
              1L + random.nextInt(2000),
              10_000L + random.nextInt(20_000),
              NOW);
        } else {
          orders.place(
              account,
              new OrderService.NewOrder(
                  code,
                  slot.toString(),
                  random.nextBoolean() ? Side.BUY : Side.SELL,
                  random.nextInt(3000) - 10,
                  10_000L + random.nextInt(20_000),
                  OrderType.values()[random.nextInt(3)],
                  random.nextBoolean(),
                  List.of(),
                  OptionalLong.empty()),
              NOW);
        }
      }
      long[] before =
          slots.stream().mapToLong(s -> engine.stateHash(new Instrument(code, s))).toArray();
      MarketEngine restarted = new MarketEngine(dsl, zones);
      assertThat(restarted.recoverOpenBooks()).isGreaterThanOrEqualTo(slots.size());
      long[] after =
          slots.stream().mapToLong(s -> restarted.stateHash(new Instrument(code, s))).toArray();
      assertThat(after).isEqualTo(before);
      for (DeliverySlot s : slots) {
        Instrument instrument = new Instrument(code, s);
        assertThat(restarted.depth(instrument, 100)).isEqualTo(engine.depth(instrument, 100));
      }
    }
  }

  @Test
  void concurrentCommandsToOneBookAreLoggedInTheOrderTheyWereApplied(DSLContext dsl)
      throws Exception {
    String code = "CO-1";
    dsl.insertInto(ZONE).set(ZONE.CODE, code).set(ZONE.NAME, code).execute();
    MarketZones zones = new MarketZones(dsl);
    zones.save(zone(code, ClearingMode.CONTINUOUS));
    MarketEngine engine = new MarketEngine(dsl, zones);
    OrderService orders = new OrderService(dsl, zones, engine);
    DeliverySlot slot = DeliverySlot.parse("2026-11-25T17:00Z/PT15M");
    var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
    for (int t = 0; t < 4; t++) {
      long account = account(dsl, "co-" + t, code);
      Side side = t % 2 == 0 ? Side.BUY : Side.SELL;
      done.add(
          pool.submit(
              () -> {
                for (int i = 0; i < 20; i++) {
                  orders.place(
                      account,
                      new OrderService.NewOrder(
                          code,
                          slot.toString(),
                          side,
                          100 + i,
                          side == Side.BUY ? 19_000 + 100L * i : 21_000 - 100L * i,
                          OrderType.LIMIT,
                          false,
                          List.of(),
                          OptionalLong.empty()),
                      NOW);
                }
              }));
    }
    for (var f : done) {
      f.get();
    }
    pool.shutdown();
    Instrument instrument = new Instrument(code, slot);
    assertThat(dsl.fetchCount(MARKET_COMMAND, MARKET_COMMAND.ZONE_CODE.eq(code))).isEqualTo(80);
    long live = engine.stateHash(instrument);
    MarketEngine restarted = new MarketEngine(dsl, zones);
    restarted.recoverOpenBooks();
    assertThat(restarted.stateHash(instrument)).isEqualTo(live);
    // prices cross half-way, so the threads also traded with each other
    assertThat(
            dsl.fetchCount(
                io.peerwatt.db.schema.Tables.TRADE,
                io.peerwatt.db.schema.Tables.TRADE.ZONE_CODE.eq(code)))
        .isPositive();
  }

  @Test
  void closingAContinuousBookRecordsItsTradedVolume(DSLContext dsl) {
    String code = "CC-1";
    dsl.insertInto(ZONE).set(ZONE.CODE, code).set(ZONE.NAME, code).execute();
    MarketZones zones = new MarketZones(dsl);
    zones.save(zone(code, ClearingMode.CONTINUOUS));
    long seller = account(dsl, "cc-seller", code);
    long buyer = account(dsl, "cc-buyer", code);
    MarketEngine engine = new MarketEngine(dsl, zones);
    OrderService orders = new OrderService(dsl, zones, engine);
    DeliverySlot slot = DeliverySlot.parse("2026-11-25T16:00Z/PT15M");
    orders.place(
        seller,
        new OrderService.NewOrder(
            code,
            slot.toString(),
            Side.SELL,
            800,
            10_000,
            OrderType.LIMIT,
            false,
            List.of(),
            OptionalLong.empty()),
        NOW);
    orders.place(
        buyer,
        new OrderService.NewOrder(
            code,
            slot.toString(),
            Side.BUY,
            300,
            20_000,
            OrderType.LIMIT,
            false,
            List.of(),
            OptionalLong.empty()),
        NOW);
    orders.place(
        buyer,
        new OrderService.NewOrder(
            code,
            slot.toString(),
            Side.BUY,
            200,
            20_000,
            OrderType.IOC,
            false,
            List.of(),
            OptionalLong.empty()),
        NOW);
    Instrument instrument = new Instrument(code, slot);
    engine.closeGate(instrument, Instant.parse("2026-11-25T15:45:00Z")).orElseThrow();
    var result =
        dsl.selectFrom(io.peerwatt.db.schema.Tables.CLEARING_RESULT)
            .where(io.peerwatt.db.schema.Tables.CLEARING_RESULT.ZONE_CODE.eq(code))
            .fetchOne();
    assertThat(result.getVolumeWh()).isEqualTo(500);
    assertThat(result.getTradeCount()).isEqualTo(2);
    assertThat(result.getPricePerKwh()).isNull();
    assertThat(result.getClearingMode()).isEqualTo("CONTINUOUS");
    // the rest of the offer expired with the gate
    StoredOrder offer = orders.ordersOf(seller, code, slot, false).get(0);
    assertThat(offer.state()).isEqualTo(OrderState.EXPIRED);
    assertThat(offer.filledWh()).isEqualTo(500);
    assertThat(offer.openWh()).isZero();
  }

  @Test
  void aCommandWhoseTransactionFailsLeavesNoTraceInMemoryOrLog(DSLContext dsl) {
    String code = "RB-1";
    dsl.insertInto(ZONE).set(ZONE.CODE, code).set(ZONE.NAME, code).execute();
    MarketZones zones = new MarketZones(dsl);
    zones.save(zone(code, ClearingMode.CONTINUOUS));
    long seller = account(dsl, "rb-seller", code);
    MarketEngine engine = new MarketEngine(dsl, zones);
    OrderService orders = new OrderService(dsl, zones, engine);
    DeliverySlot slot = DeliverySlot.parse("2026-11-25T14:00Z/PT15M");
    Instrument instrument = new Instrument(code, slot);
    orders.place(
        seller,
        new OrderService.NewOrder(
            code,
            slot.toString(),
            Side.SELL,
            800,
            10_000,
            OrderType.LIMIT,
            false,
            List.of(),
            OptionalLong.empty()),
        NOW);
    long before = engine.stateHash(instrument);
    long logged = dsl.fetchCount(MARKET_COMMAND, MARKET_COMMAND.ZONE_CODE.eq(code));
    // an account the database does not know: the book accepts the order, the commit fails (foreign
    // key)
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                orders.place(
                    987_654L,
                    new OrderService.NewOrder(
                        code,
                        slot.toString(),
                        Side.BUY,
                        100,
                        20_000,
                        OrderType.LIMIT,
                        false,
                        List.of(),
                        OptionalLong.empty()),
                    NOW))
        .isInstanceOf(org.jooq.exception.DataAccessException.class);
    assertThat(engine.stateHash(instrument)).isEqualTo(before);
    assertThat(dsl.fetchCount(MARKET_COMMAND, MARKET_COMMAND.ZONE_CODE.eq(code))).isEqualTo(logged);
    assertThat(engine.depth(instrument, 10).offers().get(0).quantityWh()).isEqualTo(800);
  }

  @Test
  void gateClosureIsWrittenOnceEvenWhenAskedAgainAfterARestart(DSLContext dsl) {
    String code = "GC-1";
    dsl.insertInto(ZONE).set(ZONE.CODE, code).set(ZONE.NAME, code).execute();
    MarketZones zones = new MarketZones(dsl);
    zones.save(zone(code, ClearingMode.CALL_AUCTION));
    long seller = account(dsl, "gc-seller", code);
    long buyer = account(dsl, "gc-buyer", code);
    MarketEngine engine = new MarketEngine(dsl, zones);
    OrderService orders = new OrderService(dsl, zones, engine);
    DeliverySlot slot = DeliverySlot.parse("2026-11-25T13:00Z/PT15M");
    orders.place(
        seller,
        new OrderService.NewOrder(
            code,
            slot.toString(),
            Side.SELL,
            800,
            10_000,
            OrderType.LIMIT,
            false,
            List.of(),
            OptionalLong.empty()),
        NOW);
    orders.place(
        buyer,
        new OrderService.NewOrder(
            code,
            slot.toString(),
            Side.BUY,
            500,
            20_000,
            OrderType.LIMIT,
            false,
            List.of(),
            OptionalLong.empty()),
        NOW);
    Instant gate = Instant.parse("2026-11-25T12:45:00Z");
    Instrument instrument = new Instrument(code, slot);
    assertThat(engine.booksDueForGateClosure(gate.minusSeconds(1))).doesNotContain(instrument);
    assertThat(engine.booksDueForGateClosure(gate)).contains(instrument);
    var closed = engine.closeGate(instrument, gate).orElseThrow();
    assertThat(closed.clearing().orElseThrow().volumeWh()).isEqualTo(500);
    assertThat(engine.closeGate(instrument, gate)).isEmpty();
    MarketEngine restarted = new MarketEngine(dsl, zones);
    restarted.recoverOpenBooks();
    assertThat(restarted.booksDueForGateClosure(gate.plusSeconds(3600))).doesNotContain(instrument);
    assertThat(restarted.closeGate(instrument, gate)).isEmpty();
    assertThat(
            dsl.fetchCount(
                MARKET_COMMAND,
                MARKET_COMMAND.ZONE_CODE.eq(code).and(MARKET_COMMAND.COMMAND_TYPE.eq((short) 4))))
        .isEqualTo(1);
    assertThat(restarted.book(instrument).isClosed()).isTrue();
  }
}
