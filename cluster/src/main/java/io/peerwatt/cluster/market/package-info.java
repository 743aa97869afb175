/**
 * Zone books on Apache Kafka: every order command of a zone goes to {@code peerwatt.zone-commands}
 * (keyed by zone, the partition chosen by {@link io.peerwatt.cluster.market.ZoneShards}); a
 * consumer group gives each partition one {@link io.peerwatt.cluster.market.ZoneOwner}, which runs
 * the partition's books with the matching engine as a read-process-write transaction, writing a
 * {@link io.peerwatt.cluster.market.ZoneResult} per command to {@code peerwatt.zone-results} and,
 * every few hundred commands, each zone's {@link io.peerwatt.cluster.market.ZoneSnapshot} to the
 * compacted {@code peerwatt.zone-snapshots}. When an owner dies, the group hands its partitions to
 * another node, which rebuilds the books from the snapshots plus the commands after them; an owner
 * that was only paused finds its producer fenced and commits nothing more. A {@link
 * io.peerwatt.cluster.market.ZoneResultsProjector} group writes the committed results into the
 * tables the API reads, with the single-process engine's projection, its offsets kept in PostgreSQL
 * in the same transaction. {@link io.peerwatt.cluster.market.ClusterOrderBooks} are the books as a
 * node's API and scheduler use them: a command is appended, and answered once its owner's result is
 * projected.
 */
package io.peerwatt.cluster.market;
