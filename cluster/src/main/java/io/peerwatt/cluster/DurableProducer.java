package io.peerwatt.cluster;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The settings every PeerWatt producer starts from: a record counts as written only once all
 * in-sync replicas have it, and a retried send is stored once. What is acknowledged to a gateway or
 * an API caller after such a send is not lost with a broker.
 */
public final class DurableProducer {
  private DurableProducer() {}

  /**
   * Producer settings for {@code bootstrapServers}: {@code acks=all}, idempotence, 5 ms linger
   * (many senders' records share a request), then {@code more} on top.
   */
  public static Map<String, Object> settings(String bootstrapServers, Map<String, Object> more) {
    Map<String, Object> settings = new HashMap<>();
    settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    settings.put(ProducerConfig.ACKS_CONFIG, "all");
    settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    settings.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    settings.putAll(more);
    return settings;
  }
}
