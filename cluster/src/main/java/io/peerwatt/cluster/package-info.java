/**
 * More than one platform node. Readings and zone commands travel on Apache Kafka: ingest nodes
 * append verified readings, a writer group stores them; each zone shard has one owner that runs its
 * books as a Kafka transaction and hands them over, through snapshots and replay, when its node
 * dies. Nothing here runs unless {@code kafka.bootstrap-servers} is configured: one process with
 * embedded defaults stays the default.
 */
package io.peerwatt.cluster;
