package io.peerwatt.cluster.market;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The market's topics. All three have the zone shards' partition count, and a zone uses the same
 * partition number in each: its commands, the results its owner wrote for them, and its snapshots.
 *
 * @param commands every order command of a zone, in order ({@link ZoneCommand} values, key = zone)
 * @param results what the owner's books answered to each command ({@link ZoneResult}), written in
 *     the owner's transaction
 * @param snapshots compacted: per zone the newest {@link ZoneSnapshot}, written in the owner's
 *     transaction
 */
public record ZoneTopics(String commands, String results, String snapshots) {

  /**
   * The platform's topics: {@code peerwatt.zone-commands}, {@code -results}, {@code -snapshots}.
   */
  public static final ZoneTopics STANDARD = named("peerwatt.");

  public ZoneTopics {
    Objects.requireNonNull(commands, "commands");
    Objects.requireNonNull(results, "results");
    Objects.requireNonNull(snapshots, "snapshots");
  }

  /** {@code prefix + "zone-commands"} and so on (tests give each run its own prefix). */
  public static ZoneTopics named(String prefix) {
    return new ZoneTopics(
        prefix + "zone-commands", prefix + "zone-results", prefix + "zone-snapshots");
  }

  /**
   * Creates the three topics with {@code shards.partitions()} partitions each; the snapshot topic
   * is compacted, so it keeps the newest snapshot of every zone and nothing older.
   */
  public void create(Admin admin, ZoneShards shards, short replicationFactor)
      throws InterruptedException, ExecutionException {
    create(admin, shards.partitions(), replicationFactor);
  }

  /** Creates the three topics with {@code partitions} partitions each. */
  public void create(Admin admin, int partitions, short replicationFactor)
      throws InterruptedException, ExecutionException {
    admin
        .createTopics(
            List.of(
                new NewTopic(commands, partitions, replicationFactor),
                new NewTopic(results, partitions, replicationFactor),
                new NewTopic(snapshots, partitions, replicationFactor)
                    .configs(
                        Map.of(
                            TopicConfig.CLEANUP_POLICY_CONFIG,
                            TopicConfig.CLEANUP_POLICY_COMPACT))))
        .all()
        .get();
  }
}
