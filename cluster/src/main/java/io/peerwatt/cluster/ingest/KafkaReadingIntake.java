package io.peerwatt.cluster.ingest;

import io.peerwatt.cluster.ClusterSettings;
import io.peerwatt.cluster.DurableProducer;
import io.peerwatt.http.ApiError;
import io.peerwatt.trading.ingest.IngestThreads;
import io.peerwatt.trading.ingest.ReadingIngest;
import io.peerwatt.trading.ingest.ReadingIntake;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reading uploads on an ingest node of a cluster: checks each batch with what needs nothing stored
 * ({@link ReadingIngest#verify}: time window, batch and reading signatures, device key, clock) and
 * appends it to {@link ReadingsLog#TOPIC} with an idempotent producer and {@code acks=all}. The
 * gateway's answer comes once every in-sync replica has the batch; the {@link ReadingsWriter}s
 * store it later. A batch none of whose readings passes is answered and not appended.
 */
public final class KafkaReadingIntake implements ReadingIntake, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KafkaReadingIntake.class);

  private final Clock clock;
  private final Duration maxSkew;
  private final KafkaProducer<byte[], byte[]> producer;
  private final ExecutorService checks;

  /**
   * @param maxSkew how far in the future a reading or batch may be dated
   * @param checkThreads threads that check signatures
   */
  public KafkaReadingIntake(
      ClusterSettings cluster, Clock clock, Duration maxSkew, int checkThreads) {
    if (!cluster.kafka()) {
      throw new IllegalArgumentException("reading uploads on Kafka need kafka.bootstrap-servers");
    }
    this.clock = Objects.requireNonNull(clock, "clock");
    this.maxSkew = Objects.requireNonNull(maxSkew, "maxSkew");
    this.producer =
        new KafkaProducer<>(
            DurableProducer.settings(
                cluster.bootstrapServersConfig(),
                Map.of(
                    ProducerConfig.CLIENT_ID_CONFIG,
                    "peerwatt-ingest-" + cluster.nodeId(),
                    // a gateway's request should not hang for minutes: past this it gets 503 and
                    // sends again (stored once by (device, channel, sequence))
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                    30_000,
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                    10_000,
                    ProducerConfig.MAX_BLOCK_MS_CONFIG,
                    10_000)),
            new ByteArraySerializer(),
            new ByteArraySerializer());
    this.checks = IngestThreads.checkPool(checkThreads);
  }

  @Override
  public CompletableFuture<List<ReadingIngest.Result>> submit(Supplier<ReadingIngest.Batch> batch) {
    CompletableFuture<List<ReadingIngest.Result>> done = new CompletableFuture<>();
    try {
      checks.execute(
          () -> {
            try {
              ReadingIngest.Batch parsed = batch.get();
              List<ReadingIngest.Result> results =
                  ReadingIngest.verify(parsed, clock.instant(), maxSkew);
              if (results.stream().noneMatch(r -> r.status() == ReadingIngest.Status.ACCEPTED)) {
                done.complete(results);
                return;
              }
              byte[] key = parsed.deviceKey().compressedBytes();
              producer.send(
                  new ProducerRecord<>(ReadingsLog.TOPIC, key, BatchCodec.encode(parsed)),
                  (metadata, e) -> {
                    if (e == null) {
                      done.complete(results);
                    } else {
                      log.warn(
                          "batch of device {} not appended to {}: {}",
                          HexFormat.of().formatHex(key),
                          ReadingsLog.TOPIC,
                          e.toString());
                      done.completeExceptionally(unavailable());
                    }
                  });
            } catch (KafkaException e) {
              log.warn("batch not appended to {}: {}", ReadingsLog.TOPIC, e.toString());
              done.completeExceptionally(unavailable());
            } catch (RuntimeException e) {
              done.completeExceptionally(e);
            }
          });
    } catch (RejectedExecutionException e) {
      done.completeExceptionally(new IllegalStateException("reading uploads are closed", e));
    }
    return done;
  }

  private static ApiError unavailable() {
    return new ApiError(
        503,
        "READINGS_UNAVAILABLE",
        "the readings log did not take the batch; send it again",
        null);
  }

  /** Appends what was submitted, then closes the producer. */
  @Override
  public void close() {
    IngestThreads.finish(checks);
    producer.close(Duration.ofSeconds(30));
  }
}
