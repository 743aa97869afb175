package io.peerwatt.cluster.settlement;

/**
 * The settlement events topic: the outbox rows of {@code settlement_event}, appended by the relay
 * of the node with the settlement role, keyed by zone, so one zone's events stay in order in one
 * partition.
 */
public final class SettlementEventLog {
  /** The topic's name. */
  public static final String TOPIC = "peerwatt.settlement-events";

  /** The consumer group of the anchoring workers. */
  public static final String ANCHORING_GROUP = "peerwatt.settlement-anchoring";

  /** Partitions the topic is created with: settlement writes a few events per zone and slot. */
  public static final int PARTITIONS = 4;

  private SettlementEventLog() {}
}
