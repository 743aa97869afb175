package io.peerwatt.cluster.market;

import io.peerwatt.cluster.DurableProducer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Appends commands to the zone command topic, each to its zone's partition ({@link ZoneShards}),
 * keyed by zone, with an idempotent producer and {@code acks=all}: once the returned future
 * completes, Kafka has the command durably and its zone's owner will apply it, in the order of the
 * partition. Thread-safe.
 */
public final class ZoneCommandSender implements AutoCloseable {
  private final KafkaProducer<String, byte[]> producer;
  private final ZoneTopics topics;
  private final ZoneShards shards;

  public ZoneCommandSender(String bootstrapServers, ZoneTopics topics, ZoneShards shards) {
    this.topics = Objects.requireNonNull(topics, "topics");
    this.shards = Objects.requireNonNull(shards, "shards");
    this.producer =
        new KafkaProducer<>(
            DurableProducer.settings(bootstrapServers, Map.of()),
            new StringSerializer(),
            new ByteArraySerializer());
  }

  /**
   * Appends {@code command}; completes with its offset in its zone's partition once Kafka has it.
   *
   * @throws IllegalArgumentException when the command's zone is not one of the shards' zones
   */
  public CompletableFuture<Long> append(ZoneCommand command) {
    String zone = command.instrument().zoneCode();
    int partition =
        shards
            .partitionOf(zone)
            .orElseThrow(() -> new IllegalArgumentException("zone " + zone + " is not sharded"));
    CompletableFuture<Long> appended = new CompletableFuture<>();
    producer.send(
        new ProducerRecord<>(topics.commands(), partition, zone, command.toBytes()),
        (metadata, error) -> {
          if (error == null) {
            appended.complete(metadata.offset());
          } else {
            appended.completeExceptionally(error);
          }
        });
    return appended;
  }

  /** Waits until every command appended so far is acknowledged. */
  public void flush() {
    producer.flush();
  }

  @Override
  public void close() {
    producer.close();
  }
}
