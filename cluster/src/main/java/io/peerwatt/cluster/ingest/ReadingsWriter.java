package io.peerwatt.cluster.ingest;

import io.peerwatt.cluster.ClusterSettings;
import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.reading.MeterReading;
import io.peerwatt.trading.ingest.IngestReason;
import io.peerwatt.trading.ingest.IngestRefusal;
import io.peerwatt.trading.ingest.IngestThreads;
import io.peerwatt.trading.ingest.ReadingIngest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member of the readings writer group: stores the batches of its partitions of {@link
 * ReadingsLog#TOPIC} through {@link ReadingIngest} (the same checks and idempotent writes as a
 * single process: hash chains, counters, nonces, once by (device, channel, sequence)), and commits
 * the partitions' offsets only after the database committed. A writer that dies between the two
 * leaves its records to the next member, which stores nothing twice: their readings come back as
 * duplicates, their batches as replayed.
 *
 * <p>What only the writer can refuse (an unknown or inactive device, a broken chain, a gap) was
 * already acknowledged to the gateway; it goes to {@code reading_refusal} with the whole batch, so
 * nothing acknowledged is lost. What the ingest node already answered the gateway (a bad signature,
 * another device's reading) is not recorded again.
 */
public final class ReadingsWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReadingsWriter.class);

  /** How long a writer waits before it tries records the database refused to take again. */
  private static final Duration RETRY_WAIT = Duration.ofSeconds(1);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final ReadingIngest ingest;
  private final ReadingRefusals refusals;
  private final Clock clock;
  private final Thread thread;
  private volatile boolean running = true;

  /**
   * Joins the writer group and starts storing.
   *
   * @param ingest stores the batches; closed with this writer
   */
  public ReadingsWriter(
      ClusterSettings cluster, ReadingIngest ingest, org.jooq.DSLContext dsl, Clock clock) {
    if (!cluster.kafka()) {
      throw new IllegalArgumentException("the readings writer needs kafka.bootstrap-servers");
    }
    this.ingest = Objects.requireNonNull(ingest, "ingest");
    this.refusals = new ReadingRefusals(dsl);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                cluster.bootstrapServersConfig(),
                ConsumerConfig.GROUP_ID_CONFIG,
                ReadingsLog.WRITER_GROUP,
                ConsumerConfig.CLIENT_ID_CONFIG,
                "peerwatt-readings-writer-" + cluster.nodeId(),
                ConsumerConfig.GROUP_PROTOCOL_CONFIG,
                "consumer",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                200),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
    this.thread = new Thread(this::run, "peerwatt-readings-writer");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    try {
      consumer.subscribe(List.of(ReadingsLog.TOPIC));
      while (running) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
        if (records.isEmpty()) {
          continue;
        }
        try {
          store(records);
        } catch (RuntimeException e) {
          log.warn(
              "{} readings records not stored ({}); again in {} s",
              records.count(),
              e.toString(),
              RETRY_WAIT.toSeconds());
          rewind(records.partitions());
          Thread.sleep(RETRY_WAIT.toMillis());
          continue;
        }
        try {
          consumer.commitSync(offsets(records));
        } catch (CommitFailedException e) {
          // the partitions moved to another member, which stores them again: idempotent
          log.info("readings offsets not committed ({}); another writer goes on", e.getMessage());
        }
      }
    } catch (WakeupException e) {
      // close() stops the loop
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (KafkaException e) {
      log.error("the readings writer stopped", e);
    } finally {
      consumer.close(
          org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(10)));
    }
  }

  /**
   * Stores every record: one device's batches one after another in log order (as its gateway sent
   * them), devices side by side. Refusals go to {@code reading_refusal}. Throws when a record could
   * not be stored (the database), after every other device's records were.
   */
  private void store(ConsumerRecords<byte[], byte[]> records) {
    Map<String, CompletableFuture<Void>> byDevice = new LinkedHashMap<>();
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      String device = java.util.HexFormat.of().formatHex(record.key());
      CompletableFuture<Void> previous =
          byDevice.getOrDefault(device, CompletableFuture.completedFuture(null));
      // a device's batch that could not be stored holds back its later ones, which would
      // otherwise be judged against a chain missing it; the retry takes them in order again
      CompletableFuture<Void> next = previous.thenCompose(v -> storeOne(record));
      byDevice.put(device, next);
      all.add(next);
    }
    RuntimeException failure = null;
    for (CompletableFuture<Void> f : all) {
      try {
        f.join();
      } catch (CompletionException e) {
        RuntimeException cause =
            e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e);
        if (failure == null) {
          failure = cause;
        } else if (cause != failure) {
          failure.addSuppressed(cause);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private CompletableFuture<Void> storeOne(ConsumerRecord<byte[], byte[]> record) {
    ReadingIngest.Batch batch;
    try {
      batch = BatchCodec.decode(record.value());
    } catch (FormatException e) {
      refuse(
          record,
          ReadingRefusals.WHOLE_BATCH,
          ReadingRefusals.WHOLE_BATCH,
          "MALFORMED_RECORD",
          e.getMessage());
      return CompletableFuture.completedFuture(null);
    }
    return ingest
        .submit(() -> batch)
        .handle(
            (results, e) -> {
              Throwable cause = e instanceof CompletionException ? e.getCause() : e;
              if (cause instanceof IngestRefusal refusal) {
                // a replayed batch was stored when it first came (this record again after a
                // writer restart, or a gateway's replay): nothing is missing
                if (refusal.reason() != IngestRefusal.Reason.REPLAYED_BATCH) {
                  refuse(
                      record,
                      ReadingRefusals.WHOLE_BATCH,
                      ReadingRefusals.WHOLE_BATCH,
                      refusal.reason().name(),
                      refusal.getMessage());
                }
                return null;
              }
              if (cause != null) {
                throw cause instanceof RuntimeException re ? re : new CompletionException(cause);
              }
              for (int i = 0; i < results.size(); i++) {
                ReadingIngest.Result r = results.get(i);
                if (r.status() == ReadingIngest.Status.REJECTED
                    && !answeredByIngest(r, batch.readings().get(i).reading(), batch)) {
                  refuse(
                      record,
                      r.channel(),
                      r.sequence(),
                      r.reason().name(),
                      "refused by the readings writer after the ingest node acknowledged it");
                }
              }
              return null;
            });
  }

  /** Whether the ingest node already answered the gateway this refusal. */
  private static boolean answeredByIngest(
      ReadingIngest.Result r, MeterReading reading, ReadingIngest.Batch batch) {
    return r.reason() == IngestReason.BAD_SIGNATURE
        || (r.reason() == IngestReason.WRONG_DEVICE
            && !reading.deviceKey().equals(batch.deviceKey()));
  }

  private void refuse(
      ConsumerRecord<byte[], byte[]> record,
      int channel,
      long sequence,
      String reason,
      String detail) {
    log.warn(
        "readings writer refused {} of device {} channel {} #{} (record {}-{}): {}",
        channel == ReadingRefusals.WHOLE_BATCH ? "a batch" : "a reading",
        java.util.HexFormat.of().formatHex(record.key()),
        channel,
        sequence,
        record.partition(),
        record.offset(),
        reason);
    refusals.record(
        new ReadingRefusals.Refusal(
            record.key(),
            channel,
            sequence,
            reason,
            detail == null ? reason : detail,
            record.value(),
            record.partition(),
            record.offset()),
        clock.instant());
  }

  private static Map<TopicPartition, OffsetAndMetadata> offsets(
      ConsumerRecords<byte[], byte[]> records) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition tp : records.partitions()) {
      List<ConsumerRecord<byte[], byte[]>> list = records.records(tp);
      offsets.put(tp, new OffsetAndMetadata(list.get(list.size() - 1).offset() + 1));
    }
    return offsets;
  }

  /** Back to the last committed offsets, so the records are read and stored again. */
  private void rewind(Set<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(partitions);
    for (TopicPartition tp : partitions) {
      OffsetAndMetadata at = committed.get(tp);
      if (at == null) {
        consumer.seekToBeginning(List.of(tp));
      } else {
        consumer.seek(tp, at.offset());
      }
    }
  }

  /** Stops polling, leaves the group and closes the ingest it stores through. */
  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    boolean interrupted = IngestThreads.awaitEnd(thread);
    ingest.close();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
