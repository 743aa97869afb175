package io.peerwatt.deploy;

import io.peerwatt.cluster.ClusterSettings;
import io.peerwatt.cluster.settlement.SettlementEventRelay;
import io.peerwatt.cluster.settlement.SlotAnchoringWorker;
import io.peerwatt.db.Database;
import io.peerwatt.settlement.anchor.AnchorSource;
import io.peerwatt.settlement.anchor.AnchoringService;
import io.peerwatt.settlement.anchor.JdbcAnchorSource;
import java.time.Clock;
import java.time.Duration;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The settlement role's part on Kafka: the relay that appends the settlement events' outbox to
 * {@code peerwatt.settlement-events}, and the anchoring worker that anchors a slot as soon as its
 * {@code SLOT_CLOSED} event arrives (the settlement pass anchors it on its next run otherwise).
 */
final class ClusterSettlement implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClusterSettlement.class);

  /** How often the relay looks for events the settlement pass wrote. */
  private static final Duration RELAY_EVERY = Duration.ofMillis(250);

  private final SettlementEventRelay relay;
  private final SlotAnchoringWorker anchoring;

  private ClusterSettlement(SettlementEventRelay relay, SlotAnchoringWorker anchoring) {
    this.relay = relay;
    this.anchoring = anchoring;
  }

  /** Whether a node with these settings writes settlement events: Kafka and the settlement role. */
  static boolean runs(ClusterSettings cluster) {
    return cluster.kafka() && cluster.runs(ClusterSettings.Role.SETTLEMENT);
  }

  /** Starts both on a node with Kafka and the settlement role; null on any other. */
  static ClusterSettlement start(
      ClusterSettings cluster, Database database, AnchoringService anchoringService, Clock clock) {
    if (!runs(cluster)) {
      return null;
    }
    SettlementEventRelay relay;
    try {
      relay = new SettlementEventRelay(cluster, database.dsl(), clock, RELAY_EVERY);
    } catch (KafkaException e) {
      throw new UserError("kafka.bootstrap-servers: " + e.getMessage(), e);
    }
    try {
      SlotAnchoringWorker worker =
          new SlotAnchoringWorker(
              cluster,
              (closed, statements) -> {
                AnchorSource.Slot slot =
                    new AnchorSource.Slot(
                        closed.zoneCode(), JdbcAnchorSource.interval(closed.slot().start()));
                anchoringService
                    .anchorSlot(slot, clock.instant())
                    .ifPresent(
                        o ->
                            log.info(
                                "anchor {} from its settlement event: {} {} ({} items)",
                                o.anchorKey(),
                                o.status(),
                                o.txid(),
                                o.leafCount()));
              });
      return new ClusterSettlement(relay, worker);
    } catch (RuntimeException e) {
      relay.close();
      throw e;
    }
  }

  /** Leaves the anchoring group, then stops the relay once its batch under way is marked. */
  @Override
  public void close() {
    try {
      anchoring.close();
    } finally {
      relay.close();
    }
  }
}
