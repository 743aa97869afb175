package io.peerwatt.cluster.ingest;

/**
 * The readings topic: upload batches keyed by device key, so one device's batches stay in one
 * partition in the order its gateway sent them.
 */
public final class ReadingsLog {
  /** The topic's name. */
  public static final String TOPIC = "peerwatt.readings";

  /** The consumer group of the nodes that store readings. */
  public static final String WRITER_GROUP = "peerwatt.readings-writers";

  /**
   * Partitions the topic is created with: the most writers that can share the work, and room for
   * ingest nodes to spread over brokers.
   */
  public static final int PARTITIONS = 8;

  private ReadingsLog() {}
}
