package io.peerwatt.cluster.market;

import io.peerwatt.cluster.DurableProducer;
import io.peerwatt.cluster.GroupConsumer;
import io.peerwatt.trading.calendar.ZoneConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The owner of the zone shards a consumer group gives this node: it runs their books (the matching
 * engine, unchanged) as a Kafka read-process-write transaction. Each {@code poll} batch is one
 * transaction holding a {@link ZoneResult} per command, every so often the shards' {@link
 * ZoneSnapshot}s, and the consumed offsets ({@code sendOffsetsToTransaction} with the consumer's
 * group metadata), so results, snapshots and progress commit together or not at all, and an owner
 * that lost its shards (a zombie) can commit nothing (KIP-447).
 *
 * <p>On assignment a shard's books are rebuilt from the newest snapshot of each of its zones plus
 * the commands after it up to the committed offset, applied without writing results (those are
 * committed already). Every snapshot round writes every zone the shard has seen, so the replay
 * never reaches further back than one round. When a transaction fails on a rebalance the books of
 * every owned shard are rebuilt the same way and the consumer rewinds to the committed offsets;
 * when the producer is fenced the node drops all its books, makes a new producer and rejoins the
 * group.
 *
 * <p>{@link #run()} is the owner's single thread; {@link #close()} may be called from any thread.
 */
public final class ZoneOwner implements Runnable, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ZoneOwner.class);

  /** Header on every result and snapshot naming the node that wrote it. */
  public static final String NODE_HEADER = "peerwatt-node";

  private static final Duration POLL = Duration.ofMillis(100);

  /**
   * How an owner runs.
   *
   * @param bootstrapServers the Kafka brokers
   * @param nodeId this node, unique in the group; with the group it names the transactional id
   * @param groupId the consumer group of the owners
   * @param topics the zone topics
   * @param shards the zone to partition rule
   * @param snapshotEvery commands of a shard between two snapshot rounds, which bounds the replay
   * @param sessionTimeout how long the group waits for a silent owner before handing its shards on
   * @param transactionTimeout how long a dead owner's open transaction blocks the next owner; must
   *     exceed the longest transaction
   */
  public record Settings(
      String bootstrapServers,
      String nodeId,
      String groupId,
      ZoneTopics topics,
      ZoneShards shards,
      int snapshotEvery,
      Duration sessionTimeout,
      Duration transactionTimeout) {

    public Settings {
      Objects.requireNonNull(bootstrapServers, "bootstrapServers");
      Objects.requireNonNull(nodeId, "nodeId");
      Objects.requireNonNull(groupId, "groupId");
      Objects.requireNonNull(topics, "topics");
      Objects.requireNonNull(shards, "shards");
      if (snapshotEvery < 1) {
        throw new IllegalArgumentException("snapshotEvery must be positive");
      }
    }

    /**
     * The platform's settings: standard topics, group {@code peerwatt.zone-owners}, a snapshot
     * round every 500 commands of a shard, a 6 s session and a 5 s transaction timeout (a takeover
     * then takes 6-8 s plus the replay).
     */
    public static Settings standard(String bootstrapServers, String nodeId, ZoneShards shards) {
      return new Settings(
          bootstrapServers,
          nodeId,
          "peerwatt.zone-owners",
          ZoneTopics.STANDARD,
          shards,
          500,
          Duration.ofSeconds(6),
          Duration.ofSeconds(5));
    }
  }

  /** What an owner tells about itself, for operators and tests; every method runs on its thread. */
  public interface Listener {
    /** The group gave this node {@code partitions}; their books are rebuilt. */
    default void assigned(Set<Integer> partitions) {}

    /** This node no longer owns {@code partitions} (revoked, or lost to the group). */
    default void released(Set<Integer> partitions) {}

    /**
     * One shard's books were rebuilt: snapshots taken at {@code snapshotOffset} (-1: none) plus
     * {@code replayed} commands up to the committed {@code committedOffset}.
     */
    default void restored(
        int partition, long snapshotOffset, long committedOffset, long replayed, Duration took) {}

    /** A transaction of {@code commands} commands committed. */
    default void committed(int commands) {}

    /** The producer was fenced: another owner has this node's shards; everything is dropped. */
    default void fenced(KafkaException cause) {}
  }

  private final Settings settings;
  private final Function<String, Optional<ZoneConfig>> zones;
  private final Listener listener;
  private final KafkaConsumer<String, byte[]> consumer;
  private final KafkaConsumer<String, byte[]> reader;
  private final Map<Integer, ShardBooks> owned = new HashMap<>();
  private KafkaProducer<String, byte[]> producer;
  private volatile boolean running = true;

  /**
   * @param zones the rules of a zone, empty when it does not trade (read once per zone and
   *     ownership)
   */
  public ZoneOwner(
      Settings settings, Function<String, Optional<ZoneConfig>> zones, Listener listener) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.zones = Objects.requireNonNull(zones, "zones");
    this.listener = Objects.requireNonNull(listener, "listener");
    Map<String, Object> group =
        GroupConsumer.settings(
            settings.bootstrapServers(), settings.groupId(), settings.sessionTimeout());
    this.consumer =
        new KafkaConsumer<>(group, new StringDeserializer(), new ByteArrayDeserializer());
    this.reader =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                settings.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                2000,
                // it reads up to a known end: a fetch waiting for more would only delay a takeover
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
                20),
            new StringDeserializer(),
            new ByteArrayDeserializer());
  }

  /** Owns shards until {@link #close()}; returns when closed. */
  @Override
  public void run() {
    try {
      producer = newProducer();
      consumer.subscribe(List.of(settings.topics().commands()), new Rebalance());
      while (running) {
        ConsumerRecords<String, byte[]> batch = consumer.poll(POLL);
        if (!batch.isEmpty()) {
          process(batch);
        }
      }
    } catch (WakeupException e) {
      if (running) {
        throw e;
      }
    } catch (RuntimeException e) {
      log.error("Zone owner {} stopped: it owns no zone any more", settings.nodeId(), e);
      throw e;
    } finally {
      owned.clear();
      if (producer != null) {
        producer.close(Duration.ZERO);
      }
      reader.close(Duration.ZERO);
      consumer.close(Duration.ZERO);
    }
  }

  /** Stops {@link #run()} at its next poll. */
  @Override
  public void close() {
    running = false;
    consumer.wakeup();
  }

  private KafkaProducer<String, byte[]> newProducer() {
    KafkaProducer<String, byte[]> created =
        new KafkaProducer<>(
            DurableProducer.settings(
                settings.bootstrapServers(),
                Map.of(
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                    settings.groupId() + "." + settings.nodeId(),
                    ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                    (int) settings.transactionTimeout().toMillis())),
            new StringSerializer(),
            new ByteArraySerializer());
    created.initTransactions();
    return created;
  }

  /** One transaction: results of the whole batch, due snapshots, the consumed offsets. */
  private void process(ConsumerRecords<String, byte[]> batch) {
    try {
      producer.beginTransaction();
      Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
      Set<ShardBooks> touched = new TreeSet<>((a, b) -> Integer.compare(a.partition, b.partition));
      for (ConsumerRecord<String, byte[]> record : batch) {
        ShardBooks shard = owned.get(record.partition());
        ZoneResult result = shard.apply(record);
        if (result != null) {
          producer.send(
              withNode(
                  new ProducerRecord<>(
                      settings.topics().results(),
                      record.partition(),
                      record.timestamp(),
                      result.instrument().zoneCode(),
                      result.toBytes())));
        }
        offsets.put(
            new TopicPartition(record.topic(), record.partition()),
            new OffsetAndMetadata(record.offset() + 1));
        touched.add(shard);
      }
      for (ShardBooks shard : touched) {
        if (shard.sinceSnapshot >= settings.snapshotEvery()) {
          shard.writeSnapshots(snapshot -> producer.send(withNode(snapshot)));
        }
      }
      producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
      producer.commitTransaction();
      listener.committed(batch.count());
    } catch (ProducerFencedException | InvalidProducerEpochException | InvalidTxnStateException e) {
      fenced(e);
    } catch (KafkaException e) {
      // abortable (a rebalance changed the generation, a timeout): the books took commands whose
      // results are now void
      log.info("Zone owner {}: transaction aborted: {}", settings.nodeId(), e.toString());
      try {
        producer.abortTransaction();
      } catch (KafkaException abortFailed) {
        fenced(abortFailed);
        return;
      }
      rewind();
    }
  }

  private <V> ProducerRecord<String, V> withNode(ProducerRecord<String, V> record) {
    record
        .headers()
        .add(new RecordHeader(NODE_HEADER, settings.nodeId().getBytes(StandardCharsets.UTF_8)));
    return record;
  }

  /** Rebuilds every owned shard at its committed offset and seeks the consumer there. */
  private void rewind() {
    for (TopicPartition tp : consumer.assignment()) {
      OffsetAndMetadata committed = consumer.committed(Set.of(tp)).get(tp);
      long offset =
          committed != null ? committed.offset() : consumer.beginningOffsets(Set.of(tp)).get(tp);
      owned.put(tp.partition(), recover(tp.partition(), offset));
      consumer.seek(tp, offset);
    }
  }

  /** Another owner has our shards: drop everything, start a new producer, rejoin the group. */
  private void fenced(KafkaException cause) {
    log.warn(
        "Zone owner {} fenced, dropping its books and rejoining: {}", settings.nodeId(), cause);
    listener.fenced(cause);
    owned.clear();
    producer.close(Duration.ZERO);
    producer = null;
    consumer.unsubscribe();
    producer = newProducer();
    consumer.subscribe(List.of(settings.topics().commands()), new Rebalance());
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      for (TopicPartition tp : partitions) {
        // the committed offset: under read_committed this waits until a dead owner's open
        // transaction is aborted
        owned.put(tp.partition(), recover(tp.partition(), consumer.position(tp)));
      }
      listener.assigned(numbers(partitions));
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      release(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      release(partitions);
    }

    private void release(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      for (TopicPartition tp : partitions) {
        owned.remove(tp.partition());
      }
      listener.released(numbers(partitions));
    }
  }

  private static Set<Integer> numbers(Collection<TopicPartition> partitions) {
    Set<Integer> out = new TreeSet<>();
    partitions.forEach(tp -> out.add(tp.partition()));
    return out;
  }

  /**
   * The books of shard {@code partition} as of {@code committedOffset}: newest snapshots, then the
   * commands after them.
   */
  private ShardBooks recover(int partition, long committedOffset) {
    long started = System.nanoTime();
    ShardBooks shard =
        new ShardBooks(settings.nodeId(), settings.topics().snapshots(), zones, partition);
    TopicPartition snapshots = new TopicPartition(settings.topics().snapshots(), partition);
    Map<String, ZoneSnapshot> newest = new TreeMap<>();
    readAll(
        snapshots,
        0,
        readEnd(snapshots),
        r -> newest.put(r.key(), ZoneSnapshot.fromBytes(r.value())));
    long from = committedOffset;
    for (Map.Entry<String, ZoneSnapshot> e : newest.entrySet()) {
      ZoneSnapshot snapshot = e.getValue();
      shard.restore(e.getKey(), snapshot);
      from = Math.min(from, snapshot.nextOffset());
    }
    long snapshotOffset = newest.isEmpty() ? -1 : from;
    if (newest.isEmpty()) {
      from = 0;
    }
    TopicPartition commands = new TopicPartition(settings.topics().commands(), partition);
    long[] replayed = {0};
    readAll(
        commands,
        from,
        committedOffset,
        r -> {
          shard.apply(r);
          replayed[0]++;
        });
    shard.nextOffset = committedOffset;
    shard.sinceSnapshot = 0;
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    log.info(
        "Zone owner {}: shard {} restored from snapshot at {} plus {} commands up to {} in {} ms",
        settings.nodeId(),
        partition,
        snapshotOffset,
        replayed[0],
        committedOffset,
        took.toMillis());
    listener.restored(partition, snapshotOffset, committedOffset, replayed[0], took);
    return shard;
  }

  private long readEnd(TopicPartition tp) {
    return reader.endOffsets(Set.of(tp)).get(tp);
  }

  /** Feeds the committed records of {@code tp} in {@code [from, to)} to {@code sink}. */
  private void readAll(
      TopicPartition tp, long from, long to, Consumer<ConsumerRecord<String, byte[]>> sink) {
    if (from >= to) {
      return;
    }
    reader.assign(Set.of(tp));
    reader.seek(tp, from);
    while (reader.position(tp) < to) {
      for (ConsumerRecord<String, byte[]> r : reader.poll(POLL)) {
        if (r.offset() < to) {
          sink.accept(r);
        }
      }
    }
    reader.assign(Set.of());
  }
}
