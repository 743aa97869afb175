package io.peerwatt.cluster.market;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Which partition of the zone topics carries which zone. The rule is explicit instead of the
 * producer's hash of the key: the {@code i}-th zone of the configured list goes to partition {@code
 * i mod partitions}, so zones spread evenly over the partitions (a murmur2 hash of {@code zone-0}
 * ... {@code zone-19} leaves a partition of eight empty). New zones are appended to the list, so no
 * zone ever moves; the partition count is fixed when the topics are created, because a zone moving
 * to another partition would break the order of its commands.
 */
public final class ZoneShards {
  private final int partitions;
  private final List<String> zones;
  private final Map<String, Integer> partitionByZone = new HashMap<>();

  /**
   * @param partitions the partition count of every zone topic, at least 1
   * @param zones every zone code that trades, in the configured order (new ones at the end)
   */
  public ZoneShards(int partitions, List<String> zones) {
    if (partitions < 1) {
      throw new IllegalArgumentException("need at least one partition, got " + partitions);
    }
    this.partitions = partitions;
    this.zones = List.copyOf(zones);
    for (int i = 0; i < this.zones.size(); i++) {
      if (partitionByZone.put(this.zones.get(i), i % partitions) != null) {
        throw new IllegalArgumentException("zone " + this.zones.get(i) + " is listed twice");
      }
    }
  }

  /** The partition count of the zone topics. */
  public int partitions() {
    return partitions;
  }

  /** The zones, in their configured order. */
  public List<String> zones() {
    return zones;
  }

  /** The partition of {@code zoneCode}, empty for a zone not in the list. */
  public OptionalInt partitionOf(String zoneCode) {
    Integer partition = partitionByZone.get(zoneCode);
    return partition == null ? OptionalInt.empty() : OptionalInt.of(partition);
  }
}
