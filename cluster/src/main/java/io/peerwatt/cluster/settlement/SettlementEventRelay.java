package io.peerwatt.cluster.settlement;

import static io.peerwatt.db.schema.Tables.SETTLEMENT_EVENT;

import io.peerwatt.cluster.ClusterSettings;
import io.peerwatt.cluster.DurableProducer;
import io.peerwatt.db.schema.tables.records.SettlementEventRecord;
import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.encoding.StrictHex;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends the settlement events' outbox ({@code settlement_event}, written by settlement in the
 * transactions that settle) to {@link SettlementEventLog#TOPIC}: the unsent rows in id order, keyed
 * by zone, through an idempotent {@code acks=all} producer; a row is marked sent only once Kafka
 * acknowledged it. A relay that dies between the two sends the rows again on its next start: every
 * row reaches the topic at least once, a repeat carries the same event id, and readers drop it.
 *
 * <p>Each batch is read {@code FOR UPDATE} and marked in one database transaction, so a second
 * relay (a node restarting while the old one still runs) waits for the first's batch instead of
 * sending it too. Runs on a thread of its own, polling every {@code every}.
 */
public final class SettlementEventRelay implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SettlementEventRelay.class);

  /** Rows sent per batch (one database transaction). */
  private static final int BATCH = 500;

  /**
   * How long a batch waits for Kafka's acknowledgements before it is sent again later (the
   * producer's delivery timeout, at least its request timeout of 30 s plus the linger).
   */
  private static final Duration ACK_TIMEOUT = Duration.ofSeconds(60);

  /** How long the relay waits after a failed batch. */
  private static final Duration RETRY_WAIT = Duration.ofSeconds(1);

  /** Called with a batch's event ids after Kafka acknowledged them, before they are marked sent. */
  interface Acknowledged {
    void before(List<Long> ids);
  }

  private final ClusterSettings cluster;
  private final DSLContext dsl;
  private final String topic;
  private final Duration every;
  private final Clock clock;
  private final Acknowledged acknowledged;
  private final Object wake = new Object();
  private final Thread thread;
  private KafkaProducer<String, byte[]> producer;
  private volatile boolean running = true;

  /**
   * Starts relaying to {@link SettlementEventLog#TOPIC}.
   *
   * @param every how often the relay looks for unsent rows
   */
  public SettlementEventRelay(
      ClusterSettings cluster, DSLContext dsl, Clock clock, Duration every) {
    this(cluster, dsl, clock, every, SettlementEventLog.TOPIC, ids -> {});
  }

  /**
   * @param acknowledged runs between Kafka's acknowledgement and the marking (tests stop a relay
   *     there)
   */
  SettlementEventRelay(
      ClusterSettings cluster,
      DSLContext dsl,
      Clock clock,
      Duration every,
      String topic,
      Acknowledged acknowledged) {
    if (!cluster.kafka()) {
      throw new IllegalArgumentException(
          "the settlement event relay needs kafka.bootstrap-servers");
    }
    this.cluster = cluster;
    this.dsl = Objects.requireNonNull(dsl, "dsl");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.every = Objects.requireNonNull(every, "every");
    this.topic = Objects.requireNonNull(topic, "topic");
    this.acknowledged = Objects.requireNonNull(acknowledged, "acknowledged");
    this.producer = producer();
    this.thread = new Thread(this::run, "peerwatt-settlement-relay");
    thread.setDaemon(true);
    thread.start();
  }

  private KafkaProducer<String, byte[]> producer() {
    return new KafkaProducer<>(
        DurableProducer.settings(
            cluster.bootstrapServersConfig(),
            Map.of(
                ProducerConfig.CLIENT_ID_CONFIG,
                "peerwatt-settlement-relay-" + cluster.nodeId(),
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                (int) ACK_TIMEOUT.toMillis())),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  private void run() {
    while (running) {
      int sent;
      try {
        sent = relayBatch();
      } catch (RuntimeException e) {
        if (!running) {
          break;
        }
        log.warn(
            "settlement events not relayed ({}); again in {} s",
            e.toString(),
            RETRY_WAIT.toSeconds());
        // the producer may hold a failed sequence: start the next attempt afresh
        producer.close(Duration.ZERO);
        producer = producer();
        pause(RETRY_WAIT);
        continue;
      }
      if (sent < BATCH) {
        pause(every);
      }
    }
    producer.close(Duration.ofSeconds(5));
  }

  /** Sends one batch of unsent rows and marks them sent; returns how many. */
  private int relayBatch() {
    return dsl.transactionResult(
        cfg -> {
          DSLContext tx = cfg.dsl();
          List<SettlementEventRecord> rows =
              tx.selectFrom(SETTLEMENT_EVENT)
                  .where(SETTLEMENT_EVENT.SENT_AT.isNull())
                  .orderBy(SETTLEMENT_EVENT.ID)
                  .limit(BATCH)
                  .forUpdate()
                  .fetch();
          if (rows.isEmpty()) {
            return 0;
          }
          List<Future<RecordMetadata>> acks = new ArrayList<>(rows.size());
          List<Long> ids = new ArrayList<>(rows.size());
          for (SettlementEventRecord row : rows) {
            acks.add(
                producer.send(
                    new ProducerRecord<>(
                        topic, row.getZoneCode(), SettlementEventCodec.encode(event(row)))));
            ids.add(row.getId());
          }
          producer.flush();
          awaitAcks(acks);
          acknowledged.before(ids);
          tx.update(SETTLEMENT_EVENT)
              .set(SETTLEMENT_EVENT.SENT_AT, clock.instant())
              .where(SETTLEMENT_EVENT.ID.in(ids))
              .execute();
          log.debug("relayed settlement events {} to {}", ids, topic);
          return rows.size();
        });
  }

  private static void awaitAcks(List<Future<RecordMetadata>> acks) {
    long deadline = System.nanoTime() + ACK_TIMEOUT.toNanos();
    for (Future<RecordMetadata> ack : acks) {
      try {
        ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (ExecutionException e) {
        throw new IllegalStateException("Kafka refused a settlement event: " + e.getCause(), e);
      } catch (TimeoutException e) {
        throw new IllegalStateException(
            "Kafka did not acknowledge within " + ACK_TIMEOUT.toSeconds() + " s", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for Kafka", e);
      }
    }
  }

  /** The event an outbox row holds. */
  static SettlementEvent event(SettlementEventRecord row) {
    DeliverySlot slot = DeliverySlot.startingAt(row.getSlotStart());
    return switch (row.getKind()) {
      case "STATEMENT_MADE" ->
          new SettlementEvent.StatementMade(
              row.getId(),
              row.getZoneCode(),
              slot,
              row.getAccountId(),
              row.getVersion(),
              row.getTotalAmount(),
              row.getTotalSat(),
              StrictHex.encode(row.getStatementHash()));
      case "SLOT_CLOSED" ->
          new SettlementEvent.SlotClosed(
              row.getId(),
              row.getZoneCode(),
              slot,
              row.getStatements(),
              row.getPayments(),
              row.getPaymentSat(),
              row.getResettled());
      default ->
          throw new IllegalStateException(
              "settlement_event " + row.getId() + " has kind " + row.getKind());
    };
  }

  private void pause(Duration d) {
    synchronized (wake) {
      if (!running) {
        return;
      }
      try {
        wake.wait(d.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running = false;
      }
    }
  }

  /** Stops relaying once the batch under way is sent and marked (or failed). */
  @Override
  public void close() {
    synchronized (wake) {
      running = false;
      wake.notifyAll();
    }
    try {
      thread.join(Duration.ofSeconds(45).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
