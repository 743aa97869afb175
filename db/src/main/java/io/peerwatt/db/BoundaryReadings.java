package io.peerwatt.db;

import static io.peerwatt.db.schema.Tables.READING;

import io.peerwatt.db.schema.tables.records.ReadingRecord;
import io.peerwatt.protocol.statement.AcceptedReading;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jooq.DSLContext;

/**
 * The readings a slot is metered from: per meter channel of a device, the last reading at or before
 * a slot boundary and the first at or after it, at most a look-back away. Settlement's statements
 * and the portal's flexibility figures read the same ones, so both measure a slot alike.
 */
public final class BoundaryReadings {
  private BoundaryReadings() {}

  /**
   * Per channel of {@code deviceId}: the last reading at or before {@code t} and the first at or
   * after.
   */
  public static List<AcceptedReading> around(
      DSLContext dsl, long deviceId, Instant t, Duration lookback) {
    List<ReadingRecord> found =
        new ArrayList<>(
            dsl.select(READING.fields())
                .distinctOn(READING.METER_CHANNEL)
                .from(READING)
                .where(
                    READING.DEVICE_ID.eq(deviceId), READING.TAKEN_AT.between(t.minus(lookback), t))
                .orderBy(READING.METER_CHANNEL, READING.TAKEN_AT.desc(), READING.SEQUENCE.desc())
                .fetchInto(READING));
    found.addAll(
        dsl.select(READING.fields())
            .distinctOn(READING.METER_CHANNEL)
            .from(READING)
            .where(READING.DEVICE_ID.eq(deviceId), READING.TAKEN_AT.between(t, t.plus(lookback)))
            .orderBy(READING.METER_CHANNEL, READING.TAKEN_AT.asc(), READING.SEQUENCE.asc())
            .fetchInto(READING));
    return found.stream()
        .map(
            r ->
                AcceptedReading.of(
                    deviceId,
                    r.getMeterChannel(),
                    r.getSequence(),
                    r.getTakenAt(),
                    r.getImportWh(),
                    r.getExportWh(),
                    r.getReadingHash()))
        .toList();
  }
}
