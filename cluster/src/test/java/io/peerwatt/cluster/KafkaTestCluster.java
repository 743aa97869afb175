package io.peerwatt.cluster;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real Kafka 4.1 cluster inside the test JVM: one KRaft controller and three brokers on ephemeral
 * loopback ports, formatted like {@code kafka-storage format} formats a production cluster. Start
 * one per test class (it takes 4-20 s here) and give each test its own topics and group ids.
 *
 * <p>Three brokers because the internal offsets and transaction-state topics want replication 3
 * with min ISR 2. Controller and brokers are separate nodes: three combined nodes hit a fatal raft
 * error in the 4.1 test kit. The broker settings shorten what a takeover waits for: the first group
 * assignment and the abort of a dead owner's open transaction (the new owner's read of committed
 * offsets blocks until then).
 */
public final class KafkaTestCluster implements AutoCloseable {

  private final KafkaClusterTestKit kit;

  private KafkaTestCluster(KafkaClusterTestKit kit) {
    this.kit = kit;
  }

  /** Formats and starts the cluster and waits until every broker is ready. */
  public static KafkaTestCluster start() throws Exception {
    TestKitNodes nodes =
        new TestKitNodes.Builder(productionBootstrap())
            .setCombined(false)
            .setNumControllerNodes(1)
            .setNumBrokerNodes(3)
            .build();
    KafkaClusterTestKit kit =
        new KafkaClusterTestKit.Builder(nodes)
            .setConfigProp("group.initial.rebalance.delay.ms", "0")
            .setConfigProp("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000")
            .setConfigProp("group.consumer.min.session.timeout.ms", "2000")
            .setConfigProp("group.consumer.session.timeout.ms", "6000")
            .setConfigProp("group.consumer.min.heartbeat.interval.ms", "500")
            .setConfigProp("group.consumer.heartbeat.interval.ms", "1000")
            .build();
    try {
      kit.format();
      kit.startup();
      kit.waitForReadyBrokers();
    } catch (Exception e) {
      kit.close();
      throw e;
    }
    return new KafkaTestCluster(kit);
  }

  /** The brokers' addresses, as {@code kafka.bootstrap-servers} takes them. */
  public String bootstrapServers() {
    return kit.bootstrapServers();
  }

  /** Creates topics with replication 3. */
  public void createTopics(Map<String, Integer> partitionsByTopic)
      throws InterruptedException, ExecutionException {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
      List<NewTopic> topics =
          partitionsByTopic.entrySet().stream()
              .map(e -> new NewTopic(e.getKey(), e.getValue(), (short) 3))
              .toList();
      admin.createTopics(topics).all().get();
    }
  }

  @Override
  public void close() throws Exception {
    kit.close();
  }

  /**
   * metadata.version and every feature at its latest production level (transactions v2, the new
   * group protocol), as a real 4.1 cluster gets them; the kit's own default is an unstable testing
   * version.
   */
  private static BootstrapMetadata productionBootstrap() {
    Map<String, Short> levels = new HashMap<>();
    for (Feature feature : Feature.PRODUCTION_FEATURES) {
      if (feature != Feature.KRAFT_VERSION) {
        levels.put(feature.featureName(), feature.latestProduction());
      }
    }
    return BootstrapMetadata.fromVersions(
        MetadataVersion.LATEST_PRODUCTION, levels, "peerwatt-test");
  }
}
