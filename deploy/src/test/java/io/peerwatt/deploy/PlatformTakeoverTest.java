package io.peerwatt.deploy;

import static io.peerwatt.db.schema.Tables.TRADE;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.cluster.KafkaTestCluster;
import io.peerwatt.cluster.market.ResultWatcher;
import io.peerwatt.cluster.market.ResultWatcher.Seen;
import io.peerwatt.cluster.market.ZoneCommand;
import io.peerwatt.cluster.market.ZoneCommandSender;
import io.peerwatt.cluster.market.ZoneShards;
import io.peerwatt.cluster.market.ZoneTopics;
import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.db.testing.TestDatabase;
import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.testing.MutableClock;
import io.peerwatt.trading.market.MarketZones;
import io.peerwatt.trading.matching.CommandResult;
import io.peerwatt.trading.matching.Instrument;
import io.peerwatt.trading.matching.OrderBook;
import io.peerwatt.trading.matching.PlaceOrder;
import io.peerwatt.trading.matching.Side;
import io.peerwatt.trading.matching.Trade;
import io.peerwatt.trading.testing.ApiClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, item 1 with whole platform nodes: two {@code peerwatt platform --roles market} JVMs own
 * the 6 zone shards of 20 zones; 10,000 orders with unique ids stream in; the owner of a zone is
 * killed with SIGKILL mid-stream. The other node serves that zone again within 15 s, every command
 * has exactly one committed result, the results and the trades its projector wrote to PostgreSQL
 * equal what one process applying the same commands gets: nothing lost, nothing doubled.
 */
@ExtendWith(PostgresExtension.class)
class PlatformTakeoverTest {
  private static final int PARTITIONS = 6;
  private static final int ZONES = 20;
  private static final int ORDERS = 10_000;
  private static final int ACCOUNTS = 10;
  private static final List<DeliverySlot> SLOTS =
      List.of(
          DeliverySlot.parse("2030-01-07T10:00Z/PT15M"),
          DeliverySlot.parse("2030-01-07T10:15Z/PT15M"));

  @Test
  void theOtherNodeServesAKilledOwnersZonesWithNothingLostOrDoubled(
      TestDatabase db, @TempDir Path dir) throws Exception {
    try (KafkaTestCluster kafka = KafkaTestCluster.start();
        PlatformHarness api =
            MarketOnKafkaTest.node(
                dir,
                db,
                kafka,
                "api",
                "api",
                new MutableClock(Instant.parse("2029-12-01T00:00:00Z")),
                PARTITIONS)) {
      String ops = api.operator("ops", PlatformHarness.OPS_PASSWORD);
      List<String> zones = new ArrayList<>();
      for (int z = 0; z < ZONES; z++) {
        zones.add("TK-" + z);
        api.api.zone(ops, zones.get(z), ApiClient.zoneBody("Zone " + z, "CONTINUOUS", 100, 1));
      }
      List<Long> accounts = new ArrayList<>();
      for (int a = 0; a < ACCOUNTS; a++) {
        accounts.add(api.api.prosumer(ops, "trader" + a, zones.get(a)).id());
      }
      ZoneShards shards = ZoneShards.inDatabase(PARTITIONS, db.dsl());
      List<ZoneCommand> commands = orders(zones, accounts);
      Map<String, String> env = Map.of("PEERWATT_KAFKA_ZONE_PARTITIONS", "" + PARTITIONS);
      String bootstrap = kafka.bootstrapServers();
      try (ResultWatcher watcher = new ResultWatcher(bootstrap, ZoneTopics.STANDARD, PARTITIONS);
          PlatformProcess one = PlatformProcess.start(dir, db, bootstrap, "m1", "market", env);
          PlatformProcess two = PlatformProcess.start(dir, db, bootstrap, "m2", "market", env);
          ZoneCommandSender sender =
              new ZoneCommandSender(bootstrap, ZoneTopics.STANDARD, shards)) {
        one.awaitPort();
        two.awaitPort();
        for (ZoneCommand c : commands.subList(0, ORDERS / 2)) {
          sender.append(c);
        }
        sender.flush();
        await("the first half answered", () -> watcher.seen().size() >= ORDERS / 2, 120);
        String zone = zones.get(0);
        int partition = shards.partitionOf(zone).getAsInt();
        String owner = lastWriter(watcher.seen(), partition);
        PlatformProcess victim = owner.equals("m1") ? one : two;
        String survivor = owner.equals("m1") ? "m2" : "m1";
        long killedAt = System.currentTimeMillis();
        victim.kill();
        for (ZoneCommand c : commands.subList(ORDERS / 2, ORDERS)) {
          sender.append(c);
        }
        sender.flush();
        await("every command answered", () -> watcher.seen().size() >= ORDERS, 120);
        List<Seen> seen = watcher.seen();

        long servedAgain =
            seen.stream()
                .filter(s -> s.partition() == partition && s.node().equals(survivor))
                .filter(s -> s.seenAtMillis() > killedAt)
                .mapToLong(Seen::seenAtMillis)
                .min()
                .orElseThrow();
        Duration takeover = Duration.ofMillis(servedAgain - killedAt);
        System.out.printf(
            "platform takeover: %s owned %s (partition %d), killed; %s served it again after %d ms%n",
            owner, zone, partition, survivor, takeover.toMillis());
        assertThat(takeover).isLessThan(Duration.ofSeconds(15));

        // one committed result per command, equal to one process's
        Map<Long, Seen> byCommand = new HashMap<>();
        for (Seen s : seen) {
          long key = ((long) s.partition() << 40) | s.result().commandOffset();
          assertThat(byCommand.put(key, s)).as("a second result for one command").isNull();
        }
        assertThat(byCommand).hasSize(ORDERS);
        List<Trade> expected = new ArrayList<>();
        List<Long> expectedHashes = new ArrayList<>();
        applyInOneProcess(db, commands, expected, expectedHashes);
        List<Trade> filled = new ArrayList<>();
        Map<Long, Long> hashByOrder = new HashMap<>();
        for (Seen s : byCommand.values()) {
          filled.addAll(s.result().result().trades());
          hashByOrder.put(
              ((PlaceOrder) s.result().command()).orderId(), s.result().bookStateHash());
        }
        assertThat(filled).containsExactlyInAnyOrderElementsOf(expected);
        for (int i = 0; i < ORDERS; i++) {
          long orderId = ((PlaceOrder) commands.get(i).command()).orderId();
          assertThat(hashByOrder.get(orderId)).isEqualTo(expectedHashes.get(i));
        }
        System.out.printf(
            "platform takeover: %d commands, %d results, %d fills as one process, 0 lost, 0 doubled%n",
            ORDERS, byCommand.size(), expected.size());
        // the survivor's projector wrote every fill once
        await("every trade projected", () -> db.dsl().fetchCount(TRADE) == expected.size(), 60);
        assertThat(
                db.dsl()
                    .selectDistinct(TRADE.BUY_ORDER_ID, TRADE.SELL_ORDER_ID, TRADE.COMMAND_SEQUENCE)
                    .from(TRADE)
                    .fetch())
            .hasSize(expected.size());
      }
    }
  }

  /** Limit orders with unique ids round-robin over the zones, prices crossing so many fill. */
  private static List<ZoneCommand> orders(List<String> zones, List<Long> accounts) {
    Random random = new Random(17);
    List<ZoneCommand> out = new ArrayList<>(ORDERS);
    for (int i = 0; i < ORDERS; i++) {
      Instrument instrument =
          new Instrument(zones.get(i % zones.size()), SLOTS.get(random.nextInt(SLOTS.size())));
      out.add(
          new ZoneCommand(
              instrument,
              PlaceOrder.limit(
                  1_000_000L + i,
                  accounts.get(random.nextInt(accounts.size())),
                  instrument,
                  random.nextBoolean() ? Side.BUY : Side.SELL,
                  1 + random.nextInt(50),
                  9_500 + 100L * random.nextInt(11))));
    }
    return out;
  }

  /** The same commands through one process's books, in the order sent. */
  private static void applyInOneProcess(
      TestDatabase db, List<ZoneCommand> commands, List<Trade> trades, List<Long> hashes) {
    MarketZones rules = new MarketZones(db.dsl());
    Map<Instrument, OrderBook> books = new HashMap<>();
    for (ZoneCommand c : commands) {
      OrderBook book =
          books.computeIfAbsent(
              c.instrument(),
              i -> OrderBook.create(rules.zone(i.zoneCode()).orElseThrow(), i.slot()));
      CommandResult result = book.apply(c.command());
      trades.addAll(result.trades());
      hashes.add(book.stateHash());
    }
  }

  private static String lastWriter(List<Seen> seen, int partition) {
    String writer = null;
    for (Seen s : seen) {
      if (s.partition() == partition) {
        writer = s.node();
      }
    }
    assertThat(writer).as("an owner of partition " + partition).isNotNull();
    return writer;
  }

  private static void await(String what, BooleanSupplier condition, int seconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + seconds + " s: " + what);
      }
      Thread.sleep(100);
    }
  }
}
