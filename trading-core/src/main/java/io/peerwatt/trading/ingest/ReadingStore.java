package io.peerwatt.trading.ingest;

import static io.peerwatt.db.schema.Tables.DEVICE;
import static io.peerwatt.db.schema.Tables.READING;

import io.peerwatt.protocol.reading.ReadingCodec;
import io.peerwatt.protocol.reading.SignedReading;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jooq.DSLContext;

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

  /**
   * The readings of a metering point's devices taken in {@code [from, to)}, in time order (then
   * device, channel, sequence), at most {@code limit}.
   */
  public List<StoredReading> readings(long meteringPointId, Instant from, Instant to, int limit) {
    return dsl.select(READING.DEVICE_ID, READING.ENCODED, READING.SIGNATURE, READING.RECEIVED_AT)
        .from(READING)
        .join(DEVICE)
        .on(DEVICE.ID.eq(READING.DEVICE_ID))
        .where(DEVICE.METERING_POINT_ID.eq(meteringPointId))
        .and(READING.TAKEN_AT.ge(from))
        .and(READING.TAKEN_AT.lt(to))
        .orderBy(READING.TAKEN_AT, READING.DEVICE_ID, READING.METER_CHANNEL, READING.SEQUENCE)
        .limit(limit)
        .fetch(
            r ->
                new StoredReading(
                    r.value1(),
                    new SignedReading(ReadingCodec.decode(r.value2()), r.value3()),
                    r.value4()));
  }
}
