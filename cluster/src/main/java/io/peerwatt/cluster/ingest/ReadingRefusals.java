package io.peerwatt.cluster.ingest;

import static io.peerwatt.db.schema.Tables.READING_REFUSAL;

import java.time.Instant;
import java.util.Objects;
import org.jooq.DSLContext;

/**
 * What the readings writer refused after a node had acknowledged it ({@code reading_refusal}): the
 * batch as appended, with the reason, once per record and reading. Blocking.
 */
final class ReadingRefusals {
  /** The channel and sequence of a refusal of the whole batch. */
  static final int WHOLE_BATCH = -1;

  private final DSLContext dsl;

  ReadingRefusals(DSLContext dsl) {
    this.dsl = Objects.requireNonNull(dsl, "dsl");
  }

  /** One refusal; a record delivered again records nothing new. */
  record Refusal(
      byte[] deviceKey,
      int channel,
      long sequence,
      String reason,
      String detail,
      byte[] batch,
      int partition,
      long offset) {}

  void record(Refusal r, Instant refusedAt) {
    String detail = r.detail().length() > 500 ? r.detail().substring(0, 500) : r.detail();
    dsl.insertInto(READING_REFUSAL)
        .set(READING_REFUSAL.DEVICE_KEY, r.deviceKey())
        .set(READING_REFUSAL.METER_CHANNEL, r.channel())
        .set(READING_REFUSAL.SEQUENCE, r.sequence())
        .set(READING_REFUSAL.REASON, r.reason())
        .set(READING_REFUSAL.DETAIL, detail)
        .set(READING_REFUSAL.BATCH, r.batch())
        .set(READING_REFUSAL.KAFKA_PARTITION, r.partition())
        .set(READING_REFUSAL.KAFKA_OFFSET, r.offset())
        .set(READING_REFUSAL.REFUSED_AT, refusedAt)
        .onConflictDoNothing()
        .execute();
  }
}
