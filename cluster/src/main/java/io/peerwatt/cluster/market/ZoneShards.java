package io.peerwatt.cluster.market;

import static io.peerwatt.db.schema.Tables.ZONE;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jooq.DSLContext;

/**
 * Which partition of the zone topics carries which zone. The rule is explicit instead of the
 * producer's hash of the key: a zone's fixed shard order {@code n} (its place in the order zones
 * were created, {@code zone.shard_order}) puts it on partition {@code n mod partitions}, so zones
 * spread evenly over the partitions (a murmur2 hash of {@code zone-0} ... {@code zone-19} leaves a
 * partition of eight empty), every node computes the same partition, and a new zone never moves
 * another. The partition count is fixed when the topics are created, because a zone moving to
 * another partition would break the order of its commands. Thread-safe.
 */
public final class ZoneShards {
  private final int partitions;
  private final Function<String, OptionalLong> shardOrder;

  /** Orders already looked up; a zone's order never changes, so they are kept. */
  private final Map<String, Integer> partitionByZone = new ConcurrentHashMap<>();

  private ZoneShards(int partitions, Function<String, OptionalLong> shardOrder) {
    if (partitions < 1) {
      throw new IllegalArgumentException("need at least one partition, got " + partitions);
    }
    this.partitions = partitions;
    this.shardOrder = Objects.requireNonNull(shardOrder, "shardOrder");
  }

  /**
   * The shards of {@code zones} in this order: the {@code i}-th zone is the one of shard order
   * {@code i} (tests and tools that have no database).
   *
   * @param partitions the partition count of every zone topic, at least 1
   */
  public ZoneShards(int partitions, List<String> zones) {
    this(partitions, listed(zones));
  }

  /**
   * The platform's shards: the order of a zone is its {@code zone.shard_order}, looked up once per
   * zone, so zones created while the cluster runs are sharded without a restart.
   */
  public static ZoneShards inDatabase(int partitions, DSLContext dsl) {
    Objects.requireNonNull(dsl, "dsl");
    return new ZoneShards(
        partitions,
        zone ->
            dsl.select(ZONE.SHARD_ORDER)
                .from(ZONE)
                .where(ZONE.CODE.eq(zone))
                .fetchOptional(ZONE.SHARD_ORDER)
                .map(OptionalLong::of)
                .orElse(OptionalLong.empty()));
  }

  private static Function<String, OptionalLong> listed(List<String> zones) {
    Map<String, Long> order = new HashMap<>();
    for (int i = 0; i < zones.size(); i++) {
      if (order.put(zones.get(i), (long) i) != null) {
        throw new IllegalArgumentException("zone " + zones.get(i) + " is listed twice");
      }
    }
    return zone -> {
      Long n = order.get(zone);
      return n == null ? OptionalLong.empty() : OptionalLong.of(n);
    };
  }

  /** The partition count of the zone topics. */
  public int partitions() {
    return partitions;
  }

  /** The partition of {@code zoneCode}, empty for a zone that does not exist. */
  public OptionalInt partitionOf(String zoneCode) {
    Integer known = partitionByZone.get(zoneCode);
    if (known != null) {
      return OptionalInt.of(known);
    }
    OptionalLong order = shardOrder.apply(zoneCode);
    if (order.isEmpty()) {
      return OptionalInt.empty();
    }
    int partition = (int) Math.floorMod(order.getAsLong(), (long) partitions);
    partitionByZone.put(zoneCode, partition);
    return OptionalInt.of(partition);
  }
}
