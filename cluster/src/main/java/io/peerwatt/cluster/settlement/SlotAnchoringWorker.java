package io.peerwatt.cluster.settlement;

import io.peerwatt.cluster.ClusterSettings;
import io.peerwatt.cluster.GroupConsumer;
import io.peerwatt.protocol.FormatException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member of a consumer group on {@link SettlementEventLog#TOPIC} that hands each settled slot to
 * {@link SlotClosedHandler} as soon as its {@code SLOT_CLOSED} arrives, with the {@code
 * STATEMENT_MADE} events of that settlement (they come before it in the zone's partition): on the
 * node with the settlement role, the handler anchors the slot, so it needs no timer pass. The pass
 * stays the fallback for a slot whose event was lost to a handler failure.
 *
 * <p>Repeats (a relay that died between sending and marking sends again) are dropped by event id.
 * Offsets are committed after the handler ran, and never past a statement whose slot's close has
 * not arrived yet, so a member that takes over a partition sees a settlement's statements with its
 * close. A handler must be idempotent: after a crash the events since the last commit come again.
 */
public final class SlotAnchoringWorker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SlotAnchoringWorker.class);

  /** A dead member's partitions move to another after this long. */
  private static final Duration SESSION = Duration.ofSeconds(6);

  /** Event ids remembered to drop repeats; a repeat follows its original within one batch. */
  private static final int REMEMBERED_IDS = 100_000;

  /** What to do with a settled slot. */
  @FunctionalInterface
  public interface SlotClosedHandler {
    /**
     * @param statements the {@code STATEMENT_MADE} events of this settlement this member read, in
     *     order ({@code closed.statements()} of them, unless the member started between them and
     *     the close)
     */
    void slotClosed(
        SettlementEvent.SlotClosed closed, List<SettlementEvent.StatementMade> statements);
  }

  private record Pending(
      TopicPartition partition, long offset, SettlementEvent.StatementMade event) {}

  private final KafkaConsumer<String, byte[]> consumer;
  private final String topic;
  private final SlotClosedHandler handler;
  private final Thread thread;

  /** Statements read whose slot's close has not come yet, by zone and slot. */
  private final Map<String, List<Pending>> pending = new LinkedHashMap<>();

  private final Map<Long, Boolean> seen =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
          return size() > REMEMBERED_IDS;
        }
      };

  private volatile boolean running = true;

  /** Joins {@link SettlementEventLog#ANCHORING_GROUP} on {@link SettlementEventLog#TOPIC}. */
  public SlotAnchoringWorker(ClusterSettings cluster, SlotClosedHandler handler) {
    this(cluster, SettlementEventLog.TOPIC, SettlementEventLog.ANCHORING_GROUP, handler);
  }

  /** Joins {@code groupId} on {@code topic} and starts handing over settled slots. */
  public SlotAnchoringWorker(
      ClusterSettings cluster, String topic, String groupId, SlotClosedHandler handler) {
    if (!cluster.kafka()) {
      throw new IllegalArgumentException("the anchoring worker needs kafka.bootstrap-servers");
    }
    this.topic = Objects.requireNonNull(topic, "topic");
    this.handler = Objects.requireNonNull(handler, "handler");
    Map<String, Object> settings =
        GroupConsumer.settings(cluster.bootstrapServersConfig(), groupId, SESSION);
    settings.put(ConsumerConfig.CLIENT_ID_CONFIG, "peerwatt-anchoring-" + cluster.nodeId());
    this.consumer =
        new KafkaConsumer<>(settings, new StringDeserializer(), new ByteArrayDeserializer());
    this.thread = new Thread(this::run, "peerwatt-anchoring-worker");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    try {
      consumer.subscribe(List.of(topic));
      while (running) {
        ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
        if (records.isEmpty()) {
          continue;
        }
        Map<TopicPartition, Long> next = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
          TopicPartition tp = new TopicPartition(record.topic(), record.partition());
          take(tp, record);
          next.put(tp, record.offset() + 1);
        }
        commit(next);
      }
    } catch (WakeupException e) {
      // close() stops the loop
    } catch (KafkaException e) {
      log.error("the anchoring worker stopped; the settlement pass anchors on its timer", e);
    } finally {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(10)));
    }
  }

  private void take(TopicPartition tp, ConsumerRecord<String, byte[]> record) {
    SettlementEvent event;
    try {
      event = SettlementEventCodec.decode(record.value());
    } catch (FormatException e) {
      log.warn(
          "settlement event {}-{} ignored: {}",
          record.partition(),
          record.offset(),
          e.getMessage());
      return;
    }
    if (seen.put(event.id(), Boolean.TRUE) != null) {
      return; // a relay sent it again
    }
    String slotKey = event.zoneCode() + " " + event.slot();
    if (event instanceof SettlementEvent.StatementMade made) {
      pending
          .computeIfAbsent(slotKey, k -> new ArrayList<>())
          .add(new Pending(tp, record.offset(), made));
    } else if (event instanceof SettlementEvent.SlotClosed closed) {
      List<SettlementEvent.StatementMade> statements =
          pending.getOrDefault(slotKey, List.of()).stream().map(Pending::event).toList();
      pending.remove(slotKey);
      try {
        handler.slotClosed(closed, statements);
      } catch (RuntimeException e) {
        // the settlement pass anchors what is still unanchored on its timer
        log.warn(
            "settled slot {} of {} not handled from its event ({}); the pass takes it",
            closed.slot(),
            closed.zoneCode(),
            e.toString());
      }
    }
  }

  /** Commits each partition up to its first statement still waiting for its close. */
  private void commit(Map<TopicPartition, Long> next) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    next.forEach((tp, offset) -> offsets.put(tp, new OffsetAndMetadata(offset)));
    for (List<Pending> waiting : pending.values()) {
      for (Pending p : waiting) {
        OffsetAndMetadata at = offsets.get(p.partition());
        if (at != null && p.offset() < at.offset()) {
          offsets.put(p.partition(), new OffsetAndMetadata(p.offset()));
        }
      }
    }
    try {
      consumer.commitSync(offsets);
    } catch (CommitFailedException e) {
      // the partitions moved to another member, which reads from the last commit: idempotent
      log.info("settlement event offsets not committed ({})", e.getMessage());
    }
  }

  /** Leaves the group. */
  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(Duration.ofSeconds(15).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
