package io.peerwatt.cluster.market;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.cluster.KafkaTestCluster;
import io.peerwatt.trading.matching.CommandResult;
import io.peerwatt.trading.matching.Instrument;
import io.peerwatt.trading.matching.OrderBook;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Zone owners as separate JVMs on a real Kafka cluster: one is killed ({@code kill -9}) or stopped
 * ({@code SIGSTOP}) while orders stream in, and the other takes its shards over from snapshots plus
 * replay. Every command must have exactly one committed result, equal to what one process applying
 * the same commands in order answers.
 */
class ZoneFailoverTest {
  private static final int PARTITIONS = 6;
  private static final int SNAPSHOT_EVERY = 200;

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
  void theZonesOfAKilledOwnerAreServedAgainWithinFifteenSecondsWithEveryFillExactlyOnce()
      throws Exception {
    ZoneTopics topics = ZoneTopics.named("takeover.");
    ZoneShards shards = TestZones.shards(PARTITIONS);
    createTopics(topics, shards);
    List<ZoneCommand> orders = TestZones.orders(10_000, 17);
    String bootstrap = cluster.bootstrapServers();

    try (OwnerNode a = owner("A", "takeover-owners", "takeover.");
        OwnerNode b = owner("B", "takeover-owners", "takeover.");
        ResultWatcher watcher = new ResultWatcher(bootstrap, topics, PARTITIONS);
        ZoneCommandSender sender = new ZoneCommandSender(bootstrap, topics, shards)) {
      await(() -> !a.owned().isEmpty() && !b.owned().isEmpty(), 90, "both nodes own shards");
      send(sender, orders.subList(0, 3_000), new AtomicInteger());
      // the victim has committed results and snapshots of its shards before it dies
      await(() -> distinctResults(watcher) >= 3_000, 60, "the first 3,000 results");

      Set<Integer> victimShards = a.owned();
      String victimZone =
          TestZones.CODES.stream()
              .filter(z -> victimShards.contains(shards.partitionOf(z).getAsInt()))
              .findFirst()
              .orElseThrow();
      AtomicInteger sent = new AtomicInteger();
      Thread rest = new Thread(() -> send(sender, orders.subList(3_000, orders.size()), sent));
      rest.start();
      await(() -> sent.get() >= 500, 30, "orders after the first 3,000");
      long fault = System.currentTimeMillis();
      a.kill();
      rest.join();

      await(() -> distinctResults(watcher) >= orders.size(), 120, "a result for every order");
      awaitCaughtUp(watcher, topics);

      long takeoverMs =
          watcher.seen().stream()
                  .filter(s -> s.node().equals("B") && s.seenAtMillis() > fault)
                  .filter(s -> s.result().instrument().zoneCode().equals(victimZone))
                  .mapToLong(ResultWatcher.Seen::seenAtMillis)
                  .min()
                  .orElseThrow()
              - fault;
      Map<Integer, Long> takeoverByShard = new TreeMap<>();
      for (ResultWatcher.Seen s : watcher.seen()) {
        if (s.node().equals("B")
            && s.seenAtMillis() > fault
            && victimShards.contains(s.partition())) {
          takeoverByShard.merge(s.partition(), s.seenAtMillis() - fault, Math::min);
        }
      }
      System.out.printf(
          "takeover: %s killed owning shards %s; first committed result of %s by B after %d ms;"
              + " per shard %s; B restored %s%n",
          "A", victimShards, victimZone, takeoverMs, takeoverByShard, b.events("restored", fault));
      assertThat(takeoverMs).isLessThan(15_000);
      // each shard came back from a snapshot plus a replay shorter than two snapshot rounds
      for (int shard : victimShards) {
        assertThat(b.events("restored " + shard + " ", fault))
            .isNotEmpty()
            .allSatisfy(
                e -> {
                  String[] f = e.what().split(" ");
                  assertThat(Long.parseLong(f[2])).as("snapshot offset").isNotNegative();
                  assertThat(Long.parseLong(f[4])).as("replayed").isLessThan(2 * SNAPSHOT_EVERY);
                });
      }
      assertExactlyOnceAndEqualToOneProcess(watcher, topics, orders.size());
    }
  }

  @Test
  void anOwnerStoppedPastItsSessionAndResumedWritesNothingMore() throws Exception {
    ZoneTopics topics = ZoneTopics.named("fencing.");
    ZoneShards shards = TestZones.shards(PARTITIONS);
    createTopics(topics, shards);
    List<ZoneCommand> orders = TestZones.orders(4_000, 23);
    String bootstrap = cluster.bootstrapServers();

    try (OwnerNode c = owner("C", "fencing-owners", "fencing.");
        OwnerNode d = owner("D", "fencing-owners", "fencing.");
        ResultWatcher watcher = new ResultWatcher(bootstrap, topics, PARTITIONS);
        ZoneCommandSender sender = new ZoneCommandSender(bootstrap, topics, shards)) {
      await(() -> !c.owned().isEmpty() && !d.owned().isEmpty(), 90, "both nodes own shards");
      AtomicInteger sent = new AtomicInteger();
      Thread stream = new Thread(() -> send(sender, orders, sent));
      stream.start();
      await(() -> sent.get() >= 1_500, 30, "the first 1,500 orders");
      long stopped = System.currentTimeMillis();
      c.signal("STOP");
      stream.join();
      await(() -> d.owned().size() == PARTITIONS, 60, "D owning every shard");
      await(() -> distinctResults(watcher) >= orders.size(), 120, "a result for every order");
      awaitCaughtUp(watcher, topics);

      Map<Integer, Long> endAtResume = watcher.positions();
      long resumed = System.currentTimeMillis();
      c.signal("CONT");
      // C learns it lost its shards: its producer is fenced or the group drops it; then it rejoins
      await(
          () -> !c.events("fenced", resumed).isEmpty() || !c.events("released", resumed).isEmpty(),
          30,
          "C noticing it was replaced");
      await(() -> !c.events("assigned", resumed).isEmpty(), 60, "C rejoining the group");
      awaitCaughtUp(watcher, topics);

      List<ResultWatcher.Seen> byC =
          watcher.seen().stream()
              .filter(s -> s.node().equals("C") && s.position() >= endAtResume.get(s.partition()))
              .toList();
      System.out.printf(
          "fencing: C stopped %d ms, then %s; committed results by C after the resume: %d%n",
          resumed - stopped,
          c.events("", resumed).stream().map(OwnerNode.Event::what).toList(),
          byC.size());
      assertThat(byC).isEmpty();
      assertExactlyOnceAndEqualToOneProcess(watcher, topics, orders.size());
    }
  }

  private static OwnerNode owner(String node, String group, String prefix) throws Exception {
    return OwnerNode.start(
        cluster.bootstrapServers(), node, group, prefix, PARTITIONS, SNAPSHOT_EVERY);
  }

  private static void createTopics(ZoneTopics topics, ZoneShards shards) throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
      topics.create(admin, shards, (short) 3);
    }
  }

  /** Sends {@code orders} at about 1,000 a second, counting them in {@code sent}. */
  private static void send(ZoneCommandSender sender, List<ZoneCommand> orders, AtomicInteger sent) {
    try {
      for (int i = 0; i < orders.size(); i++) {
        sender.append(orders.get(i));
        if (i % 100 == 99) {
          sender.flush();
          sent.set(i + 1);
          Thread.sleep(100);
        }
      }
      sender.flush();
      sent.set(orders.size());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static long distinctResults(ResultWatcher watcher) {
    Set<String> keys = new HashSet<>();
    for (ResultWatcher.Seen s : watcher.seen()) {
      keys.add(s.partition() + "/" + s.result().commandOffset());
    }
    return keys.size();
  }

  /** Waits until the watcher has read every result committed so far. */
  private static void awaitCaughtUp(ResultWatcher watcher, ZoneTopics topics) throws Exception {
    Map<Integer, Long> ends = new HashMap<>();
    try (KafkaConsumer<String, byte[]> consumer = reader()) {
      List<TopicPartition> all = partitions(topics.results());
      consumer.endOffsets(all).forEach((tp, end) -> ends.put(tp.partition(), end));
    }
    await(
        () ->
            ends.entrySet().stream()
                .allMatch(e -> watcher.positions().getOrDefault(e.getKey(), 0L) >= e.getValue()),
        30,
        "the watcher reading every committed result");
  }

  /**
   * Every command has exactly one committed result, and the results, fills and final books equal
   * those of one process applying the commands in partition order.
   */
  private static void assertExactlyOnceAndEqualToOneProcess(
      ResultWatcher watcher, ZoneTopics topics, int commands) throws Exception {
    Map<String, ZoneResult> expected = new TreeMap<>();
    Map<Instrument, Long> expectedFinal = new HashMap<>();
    List<ZoneResult> expectedInOrder = new ArrayList<>();
    Map<Instrument, OrderBook> books = new HashMap<>();
    try (KafkaConsumer<String, byte[]> consumer = reader()) {
      for (TopicPartition tp : partitions(topics.commands())) {
        for (ConsumerRecord<String, byte[]> r : readAll(consumer, tp)) {
          ZoneCommand command = ZoneCommand.fromBytes(r.value());
          OrderBook book =
              books.computeIfAbsent(
                  command.instrument(),
                  i -> OrderBook.create(TestZones.config(i.zoneCode()).orElseThrow(), i.slot()));
          CommandResult result = book.apply(command.command());
          ZoneResult zoneResult =
              new ZoneResult(r.offset(), command.instrument(), result, book.stateHash());
          expected.put(key(tp.partition(), r.offset()), zoneResult);
          expectedInOrder.add(zoneResult);
        }
      }
    }
    books.forEach((instrument, book) -> expectedFinal.put(instrument, book.stateHash()));

    List<ResultWatcher.Seen> seen = new ArrayList<>(watcher.seen());
    seen.sort(
        Comparator.comparingInt(ResultWatcher.Seen::partition)
            .thenComparingLong(ResultWatcher.Seen::position));
    Map<String, Integer> resultsPerCommand = new HashMap<>();
    Map<String, Integer> fillsSeen = new HashMap<>();
    Map<Instrument, Long> finalHash = new HashMap<>();
    for (ResultWatcher.Seen s : seen) {
      String key = key(s.partition(), s.result().commandOffset());
      resultsPerCommand.merge(key, 1, Integer::sum);
      for (int i = 0; i < s.result().result().trades().size(); i++) {
        fillsSeen.merge(key + "/" + i, 1, Integer::sum);
      }
      finalHash.put(s.result().instrument(), s.result().bookStateHash());
    }
    Set<String> expectedFills = new HashSet<>();
    expected.forEach(
        (key, r) -> {
          for (int i = 0; i < r.result().trades().size(); i++) {
            expectedFills.add(key + "/" + i);
          }
        });
    long lostFills = expectedFills.stream().filter(k -> !fillsSeen.containsKey(k)).count();
    long doubledFills = fillsSeen.values().stream().filter(n -> n > 1).count();
    String expectedDigest = digest(expectedInOrder);
    String actualDigest = digest(seen.stream().map(ResultWatcher.Seen::result).toList());
    System.out.printf(
        "exactly once: %d commands, %d results, %d fills expected, %d lost, %d doubled;"
            + " digest %s (one process %s)%n",
        expected.size(),
        seen.size(),
        expectedFills.size(),
        lostFills,
        doubledFills,
        actualDigest,
        expectedDigest);

    assertThat(expected).hasSize(commands);
    assertThat(expectedFills).isNotEmpty();
    assertThat(lostFills).as("lost fills").isZero();
    assertThat(doubledFills).as("doubled fills").isZero();
    assertThat(resultsPerCommand.keySet()).isEqualTo(expected.keySet());
    assertThat(resultsPerCommand.values()).allMatch(n -> n == 1);
    for (ResultWatcher.Seen s : seen) {
      assertThat(s.result())
          .isEqualTo(expected.get(key(s.partition(), s.result().commandOffset())));
    }
    assertThat(finalHash).isEqualTo(expectedFinal);
    assertThat(actualDigest).isEqualTo(expectedDigest);
  }

  private static String key(int partition, long offset) {
    return partition + "/" + offset;
  }

  private static String digest(List<ZoneResult> results) throws Exception {
    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    for (ZoneResult r : results) {
      sha256.update(r.toBytes());
    }
    return HexFormat.of().formatHex(sha256.digest());
  }

  private static KafkaConsumer<String, byte[]> reader() {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            cluster.bootstrapServers(),
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false),
        new StringDeserializer(),
        new ByteArrayDeserializer());
  }

  private static List<TopicPartition> partitions(String topic) {
    List<TopicPartition> out = new ArrayList<>();
    for (int p = 0; p < PARTITIONS; p++) {
      out.add(new TopicPartition(topic, p));
    }
    return out;
  }

  private static List<ConsumerRecord<String, byte[]>> readAll(
      KafkaConsumer<String, byte[]> consumer, TopicPartition tp) {
    long end = consumer.endOffsets(List.of(tp)).get(tp);
    consumer.assign(List.of(tp));
    consumer.seekToBeginning(List.of(tp));
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    while (consumer.position(tp) < end) {
      consumer.poll(Duration.ofMillis(100)).forEach(out::add);
    }
    return out;
  }

  private static void await(BooleanSupplier condition, int seconds, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("waited " + seconds + " s for " + what);
      }
      Thread.sleep(50);
    }
  }
}
