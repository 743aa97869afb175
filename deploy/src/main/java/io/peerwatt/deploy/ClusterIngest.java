package io.peerwatt.deploy;

import io.peerwatt.cluster.ClusterSettings;
import io.peerwatt.cluster.ingest.KafkaReadingIntake;
import io.peerwatt.cluster.ingest.ReadingsWriter;
import io.peerwatt.db.Database;
import io.peerwatt.trading.ingest.ReadingIngest;
import io.peerwatt.trading.ingest.ReadingIntake;
import java.time.Clock;
import java.time.Duration;
import org.apache.kafka.common.KafkaException;

/**
 * The ingest role of a node of a cluster: reading uploads appended to the readings log, and this
 * node's member of the writer group that stores them.
 */
final class ClusterIngest implements AutoCloseable {
  private final KafkaReadingIntake uploads;
  private final ReadingsWriter writer;

  private ClusterIngest(KafkaReadingIntake uploads, ReadingsWriter writer) {
    this.uploads = uploads;
    this.writer = writer;
  }

  /** Starts both on a node with Kafka and the ingest role; null on any other. */
  static ClusterIngest start(PlatformSettings settings, Database database, Clock clock) {
    ClusterSettings cluster = settings.cluster();
    if (!cluster.kafka() || !cluster.runs(ClusterSettings.Role.INGEST)) {
      return null;
    }
    Duration skew = settings.trading().maxClockSkew();
    KafkaReadingIntake uploads;
    try {
      uploads =
          new KafkaReadingIntake(cluster, clock, skew, Runtime.getRuntime().availableProcessors());
    } catch (KafkaException e) {
      throw new UserError("kafka.bootstrap-servers: " + e.getMessage(), e);
    }
    ReadingsWriter writer;
    try {
      writer =
          new ReadingsWriter(
              cluster, new ReadingIngest(database.dsl(), clock, skew), database.dsl(), clock);
    } catch (RuntimeException e) {
      uploads.close();
      throw e;
    }
    return new ClusterIngest(uploads, writer);
  }

  ReadingIntake uploads() {
    return uploads;
  }

  /** Appends what the HTTP server handed over, then leaves the writer group. */
  @Override
  public void close() {
    try {
      uploads.close();
    } finally {
      writer.close();
    }
  }
}
