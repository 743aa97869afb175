package io.peerwatt.cluster.market;

import static io.peerwatt.db.schema.Tables.ZONE_RESULT_OFFSET;

import io.peerwatt.cluster.GroupConsumer;
import io.peerwatt.protocol.FormatException;
import io.peerwatt.trading.calendar.ZoneConfig;
import io.peerwatt.trading.market.MarketProjection;
import io.peerwatt.trading.market.MarketZones;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the zone owners' committed results into the tables the API reads ({@code market_order},
 * {@code trade}, {@code clearing_result}) with the single-process engine's {@link
 * MarketProjection}, so PostgreSQL holds what it would hold had one process applied the commands.
 *
 * <p>A consumer group ({@code read_committed}: only results of committed owner transactions) gives
 * each partition of the results topic to one projector. The offsets live in PostgreSQL, not in
 * Kafka: each {@code poll} batch is one database transaction that first moves the partitions' rows
 * of {@code zone_result_offset} from the offset this projector started at to the batch's end, then
 * projects the batch's results. On assignment the consumer seeks to the stored offsets. So a crash
 * loses nothing and repeats nothing (the rows and the offsets commit together), and a projector
 * that lost a partition in a rebalance but still writes (a zombie) finds the stored offset moved
 * on, waits on the row lock for the new owner's transaction, and rolls back: every result is
 * projected exactly once.
 *
 * <p>The projected rows take the result record's timestamp (the time the command was taken) as
 * their time, and the command's offset in its partition as the trades' {@code command_sequence}.
 *
 * <p>{@link #run()} is the projector's single thread and blocks on JDBC; {@link #close()} may be
 * called from any thread.
 */
public final class ZoneResultsProjector implements Runnable, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ZoneResultsProjector.class);

  private static final Duration POLL = Duration.ofMillis(100);

  /**
   * How a projector runs.
   *
   * @param bootstrapServers the Kafka brokers
   * @param groupId the consumer group of the projectors
   * @param topics the zone topics (it reads the results topic)
   * @param sessionTimeout how long the group waits for a silent projector before handing its
   *     partitions on
   */
  public record Settings(
      String bootstrapServers, String groupId, ZoneTopics topics, Duration sessionTimeout) {

    public Settings {
      Objects.requireNonNull(bootstrapServers, "bootstrapServers");
      Objects.requireNonNull(groupId, "groupId");
      Objects.requireNonNull(topics, "topics");
      Objects.requireNonNull(sessionTimeout, "sessionTimeout");
    }

    /** The platform's settings: standard topics, group {@code peerwatt.zone-projectors}, 6 s. */
    public static Settings standard(String bootstrapServers) {
      return new Settings(
          bootstrapServers, "peerwatt.zone-projectors", ZoneTopics.STANDARD, Duration.ofSeconds(6));
    }
  }

  /** The stored offset of a partition moved under us: another projector has it now. */
  private static final class ProjectedElsewhere extends RuntimeException {
    ProjectedElsewhere(TopicPartition tp) {
      super("results of " + tp + " were projected by another projector", null, false, false);
    }
  }

  private final Settings settings;
  private final DSLContext dsl;
  private final MarketZones zones;
  private final KafkaConsumer<String, byte[]> consumer;

  /** Per owned partition, the stored offset this projector's next batch starts from. */
  private final Map<TopicPartition, Long> startsAt = new HashMap<>();

  private volatile boolean running = true;

  public ZoneResultsProjector(Settings settings, DSLContext dsl, MarketZones zones) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.dsl = Objects.requireNonNull(dsl, "dsl");
    this.zones = Objects.requireNonNull(zones, "zones");
    Map<String, Object> group =
        GroupConsumer.settings(
            settings.bootstrapServers(), settings.groupId(), settings.sessionTimeout());
    this.consumer =
        new KafkaConsumer<>(group, new StringDeserializer(), new ByteArrayDeserializer());
  }

  /** Projects results until {@link #close()}; returns when closed. */
  @Override
  public void run() {
    try {
      consumer.subscribe(List.of(settings.topics().results()), new Rebalance());
      while (running) {
        ConsumerRecords<String, byte[]> batch = consumer.poll(POLL);
        if (!batch.isEmpty()) {
          project(batch);
        }
      }
    } catch (WakeupException e) {
      if (running) {
        throw e;
      }
    } catch (RuntimeException e) {
      log.error("Zone results projector stopped", e);
      throw e;
    } finally {
      startsAt.clear();
      consumer.close(Duration.ofSeconds(5));
    }
  }

  /** Stops {@link #run()} at its next poll. */
  @Override
  public void close() {
    running = false;
    consumer.wakeup();
  }

  /** One database transaction: the batch's offsets (checked and moved), then its results. */
  private void project(ConsumerRecords<String, byte[]> batch) {
    Map<TopicPartition, Long> ends = new HashMap<>();
    try {
      dsl.transaction(
          cfg -> {
            DSLContext tx = cfg.dsl();
            Map<String, Optional<ZoneConfig>> rules = new HashMap<>();
            for (TopicPartition tp : batch.partitions()) {
              List<ConsumerRecord<String, byte[]>> records = batch.records(tp);
              long end = records.get(records.size() - 1).offset() + 1;
              // first, so the row lock orders this transaction after any other projector's
              int moved =
                  tx.update(ZONE_RESULT_OFFSET)
                      .set(ZONE_RESULT_OFFSET.NEXT_OFFSET, end)
                      .set(ZONE_RESULT_OFFSET.UPDATED_AT, Instant.now())
                      .where(ZONE_RESULT_OFFSET.TOPIC.eq(tp.topic()))
                      .and(ZONE_RESULT_OFFSET.PARTITION_NO.eq(tp.partition()))
                      .and(ZONE_RESULT_OFFSET.NEXT_OFFSET.eq(startsAt.get(tp)))
                      .execute();
              if (moved != 1) {
                throw new ProjectedElsewhere(tp);
              }
              for (ConsumerRecord<String, byte[]> record : records) {
                projectOne(tx, record, rules);
              }
              ends.put(tp, end);
            }
          });
    } catch (ProjectedElsewhere | DataAccessException e) {
      // nothing of the batch committed: start again from what the database holds
      log.warn("Zone results projector: batch rolled back: {}", e.toString());
      rewind();
      return;
    }
    startsAt.putAll(ends);
  }

  private void projectOne(
      DSLContext tx,
      ConsumerRecord<String, byte[]> record,
      Map<String, Optional<ZoneConfig>> rules) {
    ZoneResult result;
    try {
      result = ZoneResult.fromBytes(record.value());
    } catch (FormatException e) {
      log.warn(
          "Zone results projector: skipping result {}/{}: {}",
          record.partition(),
          record.offset(),
          e.getMessage());
      return;
    }
    if (!result.result().isSuccess()) {
      return;
    }
    String zoneCode = result.instrument().zoneCode();
    Optional<ZoneConfig> zone = rules.computeIfAbsent(zoneCode, zones::zone);
    if (zone.isEmpty()) {
      // the zone stopped trading after its owner took the command: its price unit is gone
      log.warn(
          "Zone results projector: zone {} no longer trades, result {}/{} not projected",
          zoneCode,
          record.partition(),
          record.offset());
      return;
    }
    MarketProjection.project(
        tx,
        zone.get(),
        result.instrument(),
        result.commandOffset(),
        result.command(),
        result.result(),
        Instant.ofEpochMilli(record.timestamp()));
  }

  /** The stored offset of {@code tp}; creates its row at 0 when the partition is new. */
  private long storedOffset(TopicPartition tp) {
    dsl.insertInto(ZONE_RESULT_OFFSET)
        .set(ZONE_RESULT_OFFSET.TOPIC, tp.topic())
        .set(ZONE_RESULT_OFFSET.PARTITION_NO, tp.partition())
        .set(ZONE_RESULT_OFFSET.NEXT_OFFSET, 0L)
        .onConflictDoNothing()
        .execute();
    return dsl.select(ZONE_RESULT_OFFSET.NEXT_OFFSET)
        .from(ZONE_RESULT_OFFSET)
        .where(ZONE_RESULT_OFFSET.TOPIC.eq(tp.topic()))
        .and(ZONE_RESULT_OFFSET.PARTITION_NO.eq(tp.partition()))
        .fetchSingle()
        .value1();
  }

  /** Seeks every owned partition to its stored offset. */
  private void rewind() {
    for (TopicPartition tp : consumer.assignment()) {
      startFromStored(tp);
    }
  }

  private void startFromStored(TopicPartition tp) {
    long offset = storedOffset(tp);
    startsAt.put(tp, offset);
    consumer.seek(tp, offset);
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      for (TopicPartition tp : partitions) {
        startFromStored(tp);
      }
      if (!partitions.isEmpty()) {
        log.info("Zone results projector: projecting {}", partitions);
      }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      partitions.forEach(startsAt::remove);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      partitions.forEach(startsAt::remove);
    }
  }
}
