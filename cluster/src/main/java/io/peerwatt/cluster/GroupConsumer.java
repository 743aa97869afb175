package io.peerwatt.cluster;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;

/**
 * The settings of a consumer group whose members each own some partitions and write what they read
 * elsewhere (zone owners, results projectors): committed records only, offsets committed by the
 * member with what it wrote, never automatically; a session short enough that a dead member's
 * partitions move within seconds.
 */
public final class GroupConsumer {
  private GroupConsumer() {}

  /** Consumer settings of {@code groupId} at {@code bootstrapServers}. */
  public static Map<String, Object> settings(
      String bootstrapServers, String groupId, Duration sessionTimeout) {
    Map<String, Object> group = new HashMap<>();
    group.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    group.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    group.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    group.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    group.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    group.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
    group.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
    group.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) sessionTimeout.toMillis());
    group.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) sessionTimeout.toMillis() / 3);
    // cooperative: a member joining or leaving moves only the partitions that change hands
    group.put(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    return group;
  }
}
