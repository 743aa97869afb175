package io.peerwatt.cluster.market;

import static io.peerwatt.db.schema.Tables.CLEARING_RESULT;
import static io.peerwatt.db.schema.Tables.MARKET_ORDER;
import static io.peerwatt.db.schema.Tables.MARKET_ZONE;
import static io.peerwatt.db.schema.Tables.ZONE_RESULT_OFFSET;

import io.peerwatt.db.schema.tables.records.ClearingResultRecord;
import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.FormatException;
import io.peerwatt.trading.market.BooksUnavailableException;
import io.peerwatt.trading.market.MarketListener;
import io.peerwatt.trading.market.OrderBooks;
import io.peerwatt.trading.market.OrderState;
import io.peerwatt.trading.matching.CloseGate;
import io.peerwatt.trading.matching.CommandResult;
import io.peerwatt.trading.matching.DepthLevel;
import io.peerwatt.trading.matching.DepthSnapshot;
import io.peerwatt.trading.matching.Instrument;
import io.peerwatt.trading.matching.OrderCommand;
import io.peerwatt.trading.matching.Side;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The order books of a cluster node: commands go to the zone command topic and are answered by the
 * zone's owner ({@link ZoneOwner}), wherever it runs; what they did is read from the tables the
 * {@link ZoneResultsProjector} writes.
 *
 * <p>{@link #submit} appends the command, waits for its {@link ZoneResult} (matched by partition
 * and command offset), then waits until the projector has written that result into PostgreSQL, so a
 * caller reading the order back right after, on any node, sees it. A node reads the results from a
 * tail of its own: one thread, {@code read_committed}, every results partition from its end at
 * start. Results arrive there independently of the waiting callers, possibly before a caller
 * registered for its own, so the tail keeps a bounded set of recent results per partition that a
 * late caller finds. The tail also tells the {@link MarketListener listeners} about each result
 * once it is projected, so every node can stream what any owner did.
 *
 * <p>Depth, clearing results and the books due for gate closure come from the projected tables;
 * gate closure is a {@link CloseGate} command like any other, so the owner's log decides whether a
 * late order or the closure came first, and a second closure (from another node) is answered {@code
 * BOOK_CLOSED} and changes nothing.
 */
public final class ClusterOrderBooks implements OrderBooks, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClusterOrderBooks.class);

  /** Results kept per partition for callers that register after their result arrived. */
  private static final int RECENT_PER_PARTITION = 4096;

  /** Results kept per partition waiting for their projection, for the listeners. */
  private static final int UNPROJECTED_PER_PARTITION = 20_000;

  private static final Duration POLL = Duration.ofMillis(100);

  /** How often the tail looks at the projector's progress while results wait for it. */
  private static final Duration PROJECTION_POLL = Duration.ofMillis(20);

  /**
   * How a node's books run.
   *
   * @param bootstrapServers the Kafka brokers
   * @param nodeId this node, for its client ids and the log
   * @param topics the zone topics
   * @param answerTimeout how long {@link #submit} waits for the owner's answer and its projection
   */
  public record Settings(
      String bootstrapServers, String nodeId, ZoneTopics topics, Duration answerTimeout) {

    public Settings {
      Objects.requireNonNull(bootstrapServers, "bootstrapServers");
      Objects.requireNonNull(nodeId, "nodeId");
      Objects.requireNonNull(topics, "topics");
      if (answerTimeout.isNegative() || answerTimeout.isZero()) {
        throw new IllegalArgumentException("answerTimeout must be positive");
      }
    }

    /** The platform's settings: standard topics, answers within 15 s. */
    public static Settings standard(String bootstrapServers, String nodeId) {
      return new Settings(bootstrapServers, nodeId, ZoneTopics.STANDARD, Duration.ofSeconds(15));
    }
  }

  /** A result as the tail read it: where it is in the results topic, and what it says. */
  private record Arrived(int partition, long recordOffset, ZoneResult result) {}

  private record CommandKey(int partition, long commandOffset) {}

  private final Settings settings;
  private final DSLContext dsl;
  private final ZoneShards shards;
  private final ZoneCommandSender sender;
  private final KafkaConsumer<String, byte[]> tail;
  private final Thread tailThread;
  private final List<MarketListener> listeners = new CopyOnWriteArrayList<>();

  /**
   * Guards {@link #recent}, {@link #waiting} and {@link #projectedBefore}; notified on progress.
   */
  private final Object lock = new Object();

  private final Map<Integer, LinkedHashMap<Long, Arrived>> recent = new HashMap<>();
  private final Map<CommandKey, CompletableFuture<Arrived>> waiting = new HashMap<>();

  /** Per partition of the results topic, the first record offset not projected yet. */
  private final long[] projectedBefore;

  /** Tail thread only: per partition, results whose projection the listeners still wait for. */
  private final Map<Integer, ArrayDeque<Arrived>> unprojected = new HashMap<>();

  private volatile boolean running = true;

  /**
   * Connects to the topics (they must exist) and starts the results tail at their end.
   *
   * @param shards the zone to partition rule the owners' commands follow
   */
  public ClusterOrderBooks(Settings settings, DSLContext dsl, ZoneShards shards) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.dsl = Objects.requireNonNull(dsl, "dsl");
    this.shards = Objects.requireNonNull(shards, "shards");
    this.tail =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                settings.bootstrapServers(),
                ConsumerConfig.CLIENT_ID_CONFIG,
                "peerwatt-results-tail-" + settings.nodeId(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                // a caller waits for each result: do not hold one back to fill a fetch
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
                20),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    try {
      List<PartitionInfo> infos = tail.partitionsFor(settings.topics().results());
      if (infos == null || infos.isEmpty()) {
        throw new IllegalStateException(
            "topic " + settings.topics().results() + " does not exist: create the zone topics");
      }
      List<TopicPartition> partitions = new ArrayList<>();
      infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
      tail.assign(partitions);
      tail.seekToEnd(partitions);
      // resolves the end now, so every command appended from here on has its result read
      partitions.forEach(tail::position);
      this.projectedBefore = new long[partitions.size()];
      storedProjection().forEach((p, next) -> projectedBefore[p] = next);
      this.sender = new ZoneCommandSender(settings.bootstrapServers(), settings.topics(), shards);
    } catch (RuntimeException e) {
      tail.close(Duration.ZERO);
      throw e;
    }
    this.tailThread = new Thread(this::readResults, "zone-results-tail-" + settings.nodeId());
    tailThread.setDaemon(true);
    tailThread.start();
  }

  @Override
  public void addListener(MarketListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public long nextOrderId() {
    return OrderBooks.nextOrderId(dsl);
  }

  /** Nothing to rebuild: the books live with their owners. */
  @Override
  public int recoverOpenBooks() {
    return 0;
  }

  /**
   * Slots with projected orders and no clearing result whose gate closure is at or before {@code
   * now}.
   */
  @Override
  public List<Instrument> booksDueForGateClosure(Instant now) {
    Integer longestLead =
        dsl.select(DSL.max(MARKET_ZONE.GATE_CLOSURE_LEAD_SECONDS))
            .from(MARKET_ZONE)
            .fetchSingle()
            .value1();
    if (longestLead == null) {
      return List.of();
    }
    var o = MARKET_ORDER;
    List<Instrument> due = new ArrayList<>();
    dsl.selectDistinct(o.ZONE_CODE, o.SLOT_START, MARKET_ZONE.GATE_CLOSURE_LEAD_SECONDS)
        .from(o)
        .join(MARKET_ZONE)
        .on(MARKET_ZONE.ZONE_CODE.eq(o.ZONE_CODE))
        .where(o.SLOT_START.le(now.plusSeconds(longestLead)))
        .andNotExists(
            DSL.selectOne()
                .from(CLEARING_RESULT)
                .where(CLEARING_RESULT.ZONE_CODE.eq(o.ZONE_CODE))
                .and(CLEARING_RESULT.SLOT_START.eq(o.SLOT_START)))
        .fetch()
        .forEach(
            r -> {
              if (!r.value2().minusSeconds(r.value3()).isAfter(now)) {
                due.add(new Instrument(r.value1(), DeliverySlot.startingAt(r.value2())));
              }
            });
    due.sort(Comparator.comparing(Instrument::slot).thenComparing(Instrument::zoneCode));
    return due;
  }

  /**
   * Appends the command, waits for its owner's answer and for the answer's projection.
   *
   * @throws BooksUnavailableException when either takes longer than the settings allow
   */
  @Override
  public CommandResult submit(Instrument instrument, OrderCommand command, Instant now) {
    long deadline = System.nanoTime() + settings.answerTimeout().toNanos();
    String zone = instrument.zoneCode();
    int partition =
        shards
            .partitionOf(zone)
            .orElseThrow(() -> new IllegalArgumentException("zone " + zone + " does not trade"));
    long commandOffset = await(sender.append(new ZoneCommand(instrument, command)), deadline, zone);
    CommandKey key = new CommandKey(partition, commandOffset);
    CompletableFuture<Arrived> answer;
    synchronized (lock) {
      Arrived early = recent.getOrDefault(partition, new LinkedHashMap<>()).get(commandOffset);
      answer = early != null ? CompletableFuture.completedFuture(early) : new CompletableFuture<>();
      if (early == null) {
        waiting.put(key, answer);
      }
    }
    Arrived arrived;
    try {
      arrived = await(answer, deadline, zone);
    } finally {
      synchronized (lock) {
        waiting.remove(key);
      }
    }
    awaitProjection(arrived, deadline, zone);
    return arrived.result().result();
  }

  private <T> T await(CompletableFuture<T> future, long deadline, String zone) {
    try {
      return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw unavailable(zone, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable(zone, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof KafkaException) {
        throw unavailable(zone, e.getCause());
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private void awaitProjection(Arrived arrived, long deadline, String zone) {
    synchronized (lock) {
      while (projectedBefore[arrived.partition()] <= arrived.recordOffset()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw unavailable(zone, null);
        }
        try {
          lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw unavailable(zone, e);
        }
      }
    }
  }

  private BooksUnavailableException unavailable(String zone, Throwable cause) {
    return new BooksUnavailableException(
        "the book of zone "
            + zone
            + " did not answer within "
            + settings.answerTimeout().toSeconds()
            + " s",
        settings.answerTimeout(),
        cause);
  }

  /**
   * Sends a gate closure unless the slot has a clearing result; empty when it had, or when the
   * owner answers that an earlier closure (another node's) came first.
   */
  @Override
  public Optional<CommandResult> closeGate(Instrument instrument, Instant now) {
    if (clearingResult(instrument).isPresent()) {
      return Optional.empty();
    }
    CommandResult result = submit(instrument, new CloseGate(), now);
    return result.isSuccess() ? Optional.of(result) : Optional.empty();
  }

  /** The open quantity of the projected orders per side and price. */
  @Override
  public DepthSnapshot depth(Instrument instrument, int maxLevels) {
    var o = MARKET_ORDER;
    List<DepthLevel> bids = new ArrayList<>();
    List<DepthLevel> offers = new ArrayList<>();
    dsl.select(o.SIDE, o.LIMIT_PRICE_PER_KWH, DSL.sum(o.OPEN_WH), DSL.count())
        .from(o)
        .where(o.ZONE_CODE.eq(instrument.zoneCode()))
        .and(o.SLOT_START.eq(instrument.slot().start()))
        .and(o.STATE.in(OrderState.OPEN.name(), OrderState.PARTIALLY_FILLED.name()))
        .and(o.OPEN_WH.gt(0L))
        .groupBy(o.SIDE, o.LIMIT_PRICE_PER_KWH)
        .fetch()
        .forEach(
            r -> {
              DepthLevel level =
                  new DepthLevel(r.value2(), r.value3().longValueExact(), r.value4());
              (Side.valueOf(r.value1()) == Side.BUY ? bids : offers).add(level);
            });
    bids.sort(Comparator.comparingLong(DepthLevel::pricePerKwh).reversed());
    offers.sort(Comparator.comparingLong(DepthLevel::pricePerKwh));
    return new DepthSnapshot(
        bids.subList(0, Math.min(maxLevels, bids.size())),
        offers.subList(0, Math.min(maxLevels, offers.size())));
  }

  @Override
  public Optional<ClearingResultRecord> clearingResult(Instrument instrument) {
    return dsl.selectFrom(CLEARING_RESULT)
        .where(CLEARING_RESULT.ZONE_CODE.eq(instrument.zoneCode()))
        .and(CLEARING_RESULT.SLOT_START.eq(instrument.slot().start()))
        .fetchOptional();
  }

  /** The tail: reads every result, answers waiting callers, follows the projector. */
  private void readResults() {
    try {
      while (running) {
        boolean following = unprojected.values().stream().anyMatch(q -> !q.isEmpty());
        ConsumerRecords<String, byte[]> batch = tail.poll(following ? PROJECTION_POLL : POLL);
        if (!batch.isEmpty()) {
          arrived(batch);
        }
        if (following || !batch.isEmpty()) {
          followProjection();
        }
      }
    } catch (WakeupException e) {
      if (running) {
        log.error("Zone results tail of {} stopped", settings.nodeId(), e);
      }
    } catch (RuntimeException e) {
      log.error("Zone results tail of {} stopped: orders time out", settings.nodeId(), e);
    } finally {
      tail.close(Duration.ZERO);
    }
  }

  private void arrived(ConsumerRecords<String, byte[]> batch) {
    List<Map.Entry<CompletableFuture<Arrived>, Arrived>> answers = new ArrayList<>();
    synchronized (lock) {
      for (ConsumerRecord<String, byte[]> record : batch) {
        ZoneResult result;
        try {
          result = ZoneResult.fromBytes(record.value());
        } catch (FormatException e) {
          log.warn(
              "Zone results tail: skipping {}/{}: {}",
              record.partition(),
              record.offset(),
              e.getMessage());
          continue;
        }
        Arrived a = new Arrived(record.partition(), record.offset(), result);
        LinkedHashMap<Long, Arrived> kept =
            recent.computeIfAbsent(record.partition(), p -> new LinkedHashMap<>());
        kept.put(result.commandOffset(), a);
        if (kept.size() > RECENT_PER_PARTITION) {
          Iterator<Long> oldest = kept.keySet().iterator();
          oldest.next();
          oldest.remove();
        }
        CompletableFuture<Arrived> waiter =
            waiting.remove(new CommandKey(record.partition(), result.commandOffset()));
        if (waiter != null) {
          answers.add(Map.entry(waiter, a));
        }
        ArrayDeque<Arrived> queue =
            unprojected.computeIfAbsent(record.partition(), p -> new ArrayDeque<>());
        if (queue.size() >= UNPROJECTED_PER_PARTITION) {
          // the projector is far behind: the listeners miss the oldest, the books lose nothing
          queue.pollFirst();
        }
        queue.addLast(a);
      }
    }
    answers.forEach(e -> e.getKey().complete(e.getValue()));
  }

  /** Reads the projector's progress; wakes callers waiting for it and tells the listeners. */
  private void followProjection() {
    Map<Integer, Long> stored;
    try {
      stored = storedProjection();
    } catch (RuntimeException e) {
      log.warn("Zone results tail: reading the projection's progress failed: {}", e.toString());
      return;
    }
    synchronized (lock) {
      stored.forEach(
          (p, next) -> {
            if (p < projectedBefore.length && next > projectedBefore[p]) {
              projectedBefore[p] = next;
            }
          });
      lock.notifyAll();
    }
    for (Map.Entry<Integer, ArrayDeque<Arrived>> e : unprojected.entrySet()) {
      ArrayDeque<Arrived> queue = e.getValue();
      long before;
      synchronized (lock) {
        before = projectedBefore[e.getKey()];
      }
      while (!queue.isEmpty() && queue.peekFirst().recordOffset() < before) {
        tellListeners(queue.pollFirst().result());
      }
    }
  }

  private void tellListeners(ZoneResult result) {
    if (listeners.isEmpty()) {
      return;
    }
    DepthSnapshot depth = depth(result.instrument(), Integer.MAX_VALUE);
    for (MarketListener listener : listeners) {
      try {
        listener.committed(result.instrument(), result.result(), depth);
      } catch (RuntimeException e) {
        log.warn("Market listener failed on {}: {}", result.instrument(), e.toString());
      }
    }
  }

  private Map<Integer, Long> storedProjection() {
    return dsl.select(ZONE_RESULT_OFFSET.PARTITION_NO, ZONE_RESULT_OFFSET.NEXT_OFFSET)
        .from(ZONE_RESULT_OFFSET)
        .where(ZONE_RESULT_OFFSET.TOPIC.eq(settings.topics().results()))
        .fetchMap(ZONE_RESULT_OFFSET.PARTITION_NO, ZONE_RESULT_OFFSET.NEXT_OFFSET);
  }

  /** Stops the tail and the sender; callers still waiting time out. */
  @Override
  public void close() {
    running = false;
    tail.wakeup();
    try {
      tailThread.join(Duration.ofSeconds(5).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      sender.close();
    }
  }
}
