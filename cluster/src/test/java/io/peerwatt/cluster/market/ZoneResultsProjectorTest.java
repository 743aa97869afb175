package io.peerwatt.cluster.market;

import static io.peerwatt.db.schema.Tables.ACCOUNT;
import static io.peerwatt.db.schema.Tables.CLEARING_RESULT;
import static io.peerwatt.db.schema.Tables.MARKET_COMMAND;
import static io.peerwatt.db.schema.Tables.MARKET_ORDER;
import static io.peerwatt.db.schema.Tables.TRADE;
import static io.peerwatt.db.schema.Tables.ZONE;
import static io.peerwatt.db.schema.Tables.ZONE_RESULT_OFFSET;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.cluster.KafkaTestCluster;
import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.trading.calendar.ZoneConfig;
import io.peerwatt.trading.market.MarketEngine;
import io.peerwatt.trading.market.MarketZones;
import io.peerwatt.trading.matching.CancelOrder;
import io.peerwatt.trading.matching.CloseGate;
import io.peerwatt.trading.matching.Instrument;
import io.peerwatt.trading.matching.PlaceOrder;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Commands through Kafka (sender, a zone owner, the results projector) leave PostgreSQL with the
 * same orders, trades and clearing results as the single-process {@link MarketEngine} writes for
 * the same commands, while projectors join, stop mid-stream and restart.
 */
@ExtendWith(PostgresExtension.class)
class ZoneResultsProjectorTest {
  private static final int PARTITIONS = 4;
  private static final int ORDERS = 1_500;

  /** The test zones under codes the {@code zone} table takes (upper case). */
  private static final List<String> CODES =
      TestZones.CODES.stream().map(code -> code.toUpperCase(Locale.ROOT)).toList();

  private static KafkaTestCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = KafkaTestCluster.start();
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
  }

  @Test
  void projectsEveryResultExactlyOnceAsTheSingleProcessEngineWritesIt(DSLContext dsl)
      throws Exception {
    MarketZones zones = new MarketZones(dsl);
    List<Long> accounts = setUpZonesAndAccounts(dsl, zones);
    List<ZoneCommand> commands = commands(accounts);
    int firstPart = commands.size() / 2;

    MarketEngine engine = new MarketEngine(dsl, zones);
    Instant now = Instant.parse("2030-01-07T09:00:00Z");
    for (ZoneCommand c : commands) {
      engine.submit(c.instrument(), c.command(), now);
    }
    List<List<Object>> expectedOrders = orders(dsl);
    List<List<Object>> expectedTrades = trades(dsl);
    List<List<Object>> expectedClearings = clearings(dsl);
    assertThat(expectedTrades).hasSizeGreaterThan(100);
    assertThat(expectedClearings).hasSize(CODES.size() * TestZones.SLOTS.size());
    dsl.deleteFrom(CLEARING_RESULT).execute();
    dsl.deleteFrom(TRADE).execute();
    dsl.deleteFrom(MARKET_ORDER).execute();
    dsl.deleteFrom(MARKET_COMMAND).execute();

    String bootstrap = cluster.bootstrapServers();
    ZoneShards shards = new ZoneShards(PARTITIONS, CODES);
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      ZoneTopics.STANDARD.create(admin, shards, (short) 3);
    }
    ZoneOwner owner =
        new ZoneOwner(
            ZoneOwner.Settings.standard(bootstrap, "owner-1", shards),
            zones::zone,
            new ZoneOwner.Listener() {});
    Thread ownerThread = new Thread(owner, "zone-owner");
    ownerThread.start();
    ZoneResultsProjector.Settings settings = ZoneResultsProjector.Settings.standard(bootstrap);
    List<Running> projectors = new ArrayList<>();
    try (ZoneCommandSender sender = new ZoneCommandSender(bootstrap, ZoneTopics.STANDARD, shards)) {
      Running first = start(projectors, settings, dsl, zones, "projector-1");
      for (ZoneCommand c : commands.subList(0, firstPart)) {
        sender.append(c);
      }
      sender.flush();
      await(() -> count(dsl, MARKET_ORDER) > 0, 90, "the first projected orders");
      // a second projector joins while results stream in: the partitions are split between them
      Running second = start(projectors, settings, dsl, zones, "projector-2");
      for (ZoneCommand c : commands.subList(firstPart, commands.size())) {
        sender.append(c);
      }
      sender.flush();
      // both stop mid-stream, the first's partitions going to the second in between; a restarted
      // one goes on from the stored offsets
      first.stop();
      second.stop();
      long storedAtStop = storedOffsets(dsl);
      Running restarted = start(projectors, settings, dsl, zones, "projector-3");
      await(
          () -> count(dsl, CLEARING_RESULT) == expectedClearings.size(),
          120,
          "every gate closure projected");
      restarted.stop();
      System.out.printf(
          "projectors 1 and 2 stopped with %d of %d results projected%n",
          storedAtStop, commands.size());
      assertThat(storedOffsets(dsl))
          .as("offsets stored past every result")
          .isGreaterThanOrEqualTo(commands.size());
    } finally {
      for (Running projector : projectors) {
        projector.stop();
      }
      owner.close();
      ownerThread.join(TimeUnit.SECONDS.toMillis(30));
    }

    assertThat(orders(dsl)).containsExactlyElementsOf(expectedOrders);
    assertThat(trades(dsl)).containsExactlyElementsOf(expectedTrades);
    assertThat(clearings(dsl)).containsExactlyElementsOf(expectedClearings);
  }

  private static Running start(
      List<Running> projectors,
      ZoneResultsProjector.Settings settings,
      DSLContext dsl,
      MarketZones zones,
      String name) {
    Running running = Running.start(new ZoneResultsProjector(settings, dsl, zones), name);
    projectors.add(running);
    return running;
  }

  /** The sum of the stored next offsets of the results partitions. */
  private static long storedOffsets(DSLContext dsl) {
    BigDecimal sum =
        dsl.select(ZONE_RESULT_OFFSET.NEXT_OFFSET.sum())
            .from(ZONE_RESULT_OFFSET)
            .fetchSingle()
            .value1();
    return sum == null ? 0 : sum.longValueExact();
  }

  /** A projector on its own thread. */
  private record Running(ZoneResultsProjector projector, Thread thread) {
    static Running start(ZoneResultsProjector projector, String name) {
      Thread thread = new Thread(projector, name);
      thread.start();
      return new Running(projector, thread);
    }

    void stop() throws InterruptedException {
      projector.close();
      thread.join(TimeUnit.SECONDS.toMillis(30));
      assertThat(thread.isAlive()).as(thread.getName() + " stopped").isFalse();
    }
  }

  /** The test zones' rows and rules, and forty accounts. */
  private static List<Long> setUpZonesAndAccounts(DSLContext dsl, MarketZones zones) {
    for (String testCode : TestZones.CODES) {
      ZoneConfig rules = TestZones.config(testCode).orElseThrow();
      String code = testCode.toUpperCase(Locale.ROOT);
      dsl.insertInto(ZONE).set(ZONE.CODE, code).set(ZONE.NAME, code).execute();
      zones.save(
          new ZoneConfig(
              code,
              rules.currency(),
              rules.priceUnit(),
              rules.clearingMode(),
              rules.gateClosureLead(),
              rules.gridFeePerKwh(),
              rules.imbalancePricePerKwh(),
              rules.negativePricesAllowed(),
              rules.localZone(),
              rules.minQuantityWh(),
              rules.maxQuantityWh(),
              rules.minPricePerKwh(),
              rules.maxPricePerKwh()));
    }
    List<Long> accounts = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      accounts.add(
          dsl.insertInto(ACCOUNT)
              .set(ACCOUNT.USERNAME, "trader-" + i)
              .set(ACCOUNT.ROLE, "prosumer")
              .set(ACCOUNT.PASSWORD_HASH, "x")
              .set(ACCOUNT.ZONE_CODE, CODES.get(i % CODES.size()))
              .returning(ACCOUNT.ID)
              .fetchOne()
              .getId());
    }
    return accounts;
  }

  /**
   * The test orders with real accounts, a cancel of an earlier order after every tenth (some of
   * them rejected, as already filled), then every book's gate closure.
   */
  private static List<ZoneCommand> commands(List<Long> accounts) {
    List<ZoneCommand> out = new ArrayList<>();
    List<PlaceOrder> placed = new ArrayList<>();
    for (ZoneCommand c : TestZones.orders(ORDERS, 23)) {
      PlaceOrder p = (PlaceOrder) c.command();
      Instrument instrument =
          new Instrument(c.instrument().zoneCode().toUpperCase(Locale.ROOT), c.instrument().slot());
      PlaceOrder order =
          PlaceOrder.limit(
              p.orderId(),
              accounts.get((int) p.accountId() - 1),
              instrument,
              p.side(),
              p.quantityWh(),
              p.limitPricePerKwh());
      out.add(new ZoneCommand(instrument, order));
      placed.add(order);
      if (placed.size() % 10 == 0) {
        PlaceOrder earlier = placed.get(placed.size() - 7);
        out.add(
            new ZoneCommand(
                earlier.instrument(), new CancelOrder(earlier.orderId(), earlier.accountId())));
      }
    }
    for (String zone : CODES) {
      for (var slot : TestZones.SLOTS) {
        out.add(new ZoneCommand(new Instrument(zone, slot), new CloseGate()));
      }
    }
    return out;
  }

  /** Every order, its times left out (the two paths take commands at different times). */
  private static List<List<Object>> orders(DSLContext dsl) {
    return rows(
        dsl.select(
                MARKET_ORDER.ID,
                MARKET_ORDER.ACCOUNT_ID,
                MARKET_ORDER.ZONE_CODE,
                MARKET_ORDER.SLOT_START,
                MARKET_ORDER.SIDE,
                MARKET_ORDER.ORDER_TYPE,
                MARKET_ORDER.QUANTITY_WH,
                MARKET_ORDER.LIMIT_PRICE_PER_KWH,
                MARKET_ORDER.OPEN_WH,
                MARKET_ORDER.FILLED_WH,
                MARKET_ORDER.STATE,
                MARKET_ORDER.GREEN,
                MARKET_ORDER.PREFERRED_PARTNERS,
                MARKET_ORDER.RULE_ID)
            .from(MARKET_ORDER)
            .orderBy(MARKET_ORDER.ID)
            .fetch());
  }

  /**
   * Every trade in book and command order, without id, time and command sequence (a book's log
   * position in one, the command's partition offset in the other).
   */
  private static List<List<Object>> trades(DSLContext dsl) {
    return rows(
        dsl.select(
                TRADE.ZONE_CODE,
                TRADE.SLOT_START,
                TRADE.BUY_ORDER_ID,
                TRADE.BUYER_ACCOUNT_ID,
                TRADE.SELL_ORDER_ID,
                TRADE.SELLER_ACCOUNT_ID,
                TRADE.QUANTITY_WH,
                TRADE.PRICE_PER_KWH,
                TRADE.GRID_FEE_PER_KWH,
                TRADE.PRICE_UNIT,
                TRADE.CURRENCY,
                TRADE.TIER,
                TRADE.FILL_INDEX)
            .from(TRADE)
            .orderBy(TRADE.ZONE_CODE, TRADE.SLOT_START, TRADE.COMMAND_SEQUENCE, TRADE.FILL_INDEX)
            .fetch());
  }

  private static List<List<Object>> clearings(DSLContext dsl) {
    return rows(
        dsl.select(
                CLEARING_RESULT.ZONE_CODE,
                CLEARING_RESULT.SLOT_START,
                CLEARING_RESULT.CLEARING_MODE,
                CLEARING_RESULT.VOLUME_WH,
                CLEARING_RESULT.PRICE_PER_KWH,
                CLEARING_RESULT.GRID_FEE_PER_KWH,
                CLEARING_RESULT.TRADE_COUNT,
                CLEARING_RESULT.WELFARE_MILLI_UNITS)
            .from(CLEARING_RESULT)
            .orderBy(CLEARING_RESULT.ZONE_CODE, CLEARING_RESULT.SLOT_START)
            .fetch());
  }

  private static List<List<Object>> rows(List<? extends Record> records) {
    List<List<Object>> out = new ArrayList<>();
    for (Record r : records) {
      List<Object> values = new ArrayList<>();
      for (Object v : r.intoArray()) {
        values.add(v instanceof Object[] array ? Arrays.asList(array) : v);
      }
      out.add(values);
    }
    return out;
  }

  private static int count(DSLContext dsl, org.jooq.Table<?> table) {
    return dsl.fetchCount(table);
  }

  private static void await(BooleanSupplier condition, int seconds, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
      Thread.sleep(100);
    }
  }
}
