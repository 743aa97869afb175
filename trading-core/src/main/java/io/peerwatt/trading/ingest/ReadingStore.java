package io.peerwatt.trading.ingest;

import static io.peerwatt.db.schema.Tables.DEVICE;
import static io.peerwatt.db.schema.Tables.READING;
import static io.peerwatt.db.schema.Tables.READING_CHAIN_RESTART;

import io.peerwatt.db.RestartGaps;
import io.peerwatt.protocol.reading.ReadingCodec;
import io.peerwatt.protocol.reading.ReadingRefusal;
import io.peerwatt.protocol.reading.SignedReading;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Table;

/** The stored readings as their readers get them back. Blocking. */
public final class ReadingStore {
  private final DSLContext dsl;

  public ReadingStore(DSLContext dsl) {
    this.dsl = Objects.requireNonNull(dsl, "dsl");
  }

  /**
   * A stored reading: the device that sent it, the signed reading, and when the platform received
   * it.
   */
  public record StoredReading(long deviceId, SignedReading reading, Instant receivedAt) {}

  /** Each reading with the device that sent it, for the conditions of {@link #takenAt}. */
  public static final Table<?> DEVICE_READINGS =
      READING.join(DEVICE).on(DEVICE.ID.eq(READING.DEVICE_ID));

  /**
   * The readings in {@link #DEVICE_READINGS} of a metering point's devices taken in {@code [from,
   * to)}.
   */
  public static Condition takenAt(long meteringPointId, Instant from, Instant to) {
    return DEVICE
        .METERING_POINT_ID
        .eq(meteringPointId)
        .and(READING.TAKEN_AT.ge(from))
        .and(READING.TAKEN_AT.lt(to));
  }

  /**
   * The readings of a metering point's devices taken in {@code [from, to)}, in time order (then
   * device, channel, sequence), at most {@code limit}.
   */
  public List<StoredReading> readings(long meteringPointId, Instant from, Instant to, int limit) {
    return dsl.select(READING.DEVICE_ID, READING.ENCODED, READING.SIGNATURE, READING.RECEIVED_AT)
        .from(DEVICE_READINGS)
        .where(takenAt(meteringPointId, from, to))
        .orderBy(READING.TAKEN_AT, READING.DEVICE_ID, READING.METER_CHANNEL, READING.SEQUENCE)
        .limit(limit)
        .fetch(
            r ->
                new StoredReading(
                    r.value1(),
                    new SignedReading(ReadingCodec.decode(r.value2()), r.value3()),
                    r.value4()));
  }

  /**
   * A chain restart of one of a metering point's devices: the gap it left runs from the last
   * reading accepted before it ({@code gapFrom}, null when the platform held none) to the first
   * reading stored after it ({@code gapTo}, null while none is).
   */
  public record StoredRestart(
      long deviceId,
      int channel,
      long lastSequence,
      long resumeSequence,
      String reason,
      Instant restartedAt,
      Instant gapFrom,
      Instant gapTo) {}

  /** The chain restarts of a metering point's devices whose gap overlaps {@code [from, to)}. */
  public List<StoredRestart> restarts(long meteringPointId, Instant from, Instant to) {
    var r = READING_CHAIN_RESTART;
    Field<Instant> gapTo = RestartGaps.end();
    return dsl
        .select(
            r.DEVICE_ID,
            r.METER_CHANNEL,
            r.LAST_SEQUENCE,
            r.RESUME_SEQUENCE,
            r.REASON_CODE,
            r.RESTARTED_AT,
            r.LAST_TAKEN_AT,
            gapTo)
        .from(r)
        .join(DEVICE)
        .on(DEVICE.ID.eq(r.DEVICE_ID))
        .where(DEVICE.METERING_POINT_ID.eq(meteringPointId))
        .orderBy(r.ID)
        .fetch(
            row -> {
              ReadingRefusal reason = ReadingRefusal.ofCode(row.value5());
              return new StoredRestart(
                  row.value1(),
                  row.value2(),
                  row.value3(),
                  row.value4(),
                  reason == null ? Integer.toString(row.value5()) : reason.name(),
                  row.value6(),
                  row.value7(),
                  row.value8());
            })
        .stream()
        .filter(g -> (g.gapFrom() == null || g.gapFrom().isBefore(to)))
        .filter(g -> g.gapTo() == null || g.gapTo().isAfter(from))
        .toList();
  }
}
