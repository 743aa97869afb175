package io.peerwatt.cluster.market;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads every committed result ({@code read_committed}) as it appears, remembering who wrote it and
 * when it became visible (also for deploy's platform takeover test).
 */
public final class ResultWatcher implements AutoCloseable {
  /** One committed result: where it is, what it says, which node wrote it, when it was seen. */
  public record Seen(
      int partition, long position, ZoneResult result, String node, long seenAtMillis) {}

  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final Map<Integer, Long> positions = new ConcurrentHashMap<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;

  public ResultWatcher(String bootstrap, ZoneTopics topics, int partitions) {
    thread = new Thread(() -> read(bootstrap, topics, partitions), "result-watcher");
    thread.setDaemon(true);
    thread.start();
  }

  private void read(String bootstrap, ZoneTopics topics, int partitions) {
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> all = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        all.add(new TopicPartition(topics.results(), p));
      }
      consumer.assign(all);
      consumer.seekToBeginning(all);
      while (running.get()) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(50))) {
          Header node = r.headers().lastHeader(ZoneOwner.NODE_HEADER);
          seen.add(
              new Seen(
                  r.partition(),
                  r.offset(),
                  ZoneResult.fromBytes(r.value()),
                  new String(node.value(), StandardCharsets.UTF_8),
                  System.currentTimeMillis()));
        }
        for (TopicPartition tp : all) {
          positions.put(tp.partition(), consumer.position(tp));
        }
      }
    }
  }

  public List<Seen> seen() {
    return List.copyOf(seen);
  }

  /** The next position to read per partition (everything before it has been seen). */
  public Map<Integer, Long> positions() {
    return Map.copyOf(positions);
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    thread.join();
  }
}
