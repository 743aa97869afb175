package io.peerwatt.db;

import static io.peerwatt.db.schema.Tables.READING;
import static io.peerwatt.db.schema.Tables.READING_CHAIN_RESTART;

import java.time.Instant;
import org.jooq.Field;
import org.jooq.impl.DSL;

/**
 * The gap a reading chain restart ({@code reading_chain_restart}) leaves: from the last reading
 * accepted before it ({@code last_taken_at}) to the first one stored after it. Shared by the
 * readings the market lists and the reports settlement writes.
 */
public final class RestartGaps {
  private RestartGaps() {}

  /**
   * In a select over {@code reading_chain_restart}: when the gap ends, the time of the first
   * reading of the restarted device and channel from the resume sequence on; null while none is
   * stored.
   */
  public static Field<Instant> end() {
    var r = READING_CHAIN_RESTART;
    return DSL.field(
        DSL.select(DSL.min(READING.TAKEN_AT))
            .from(READING)
            .where(READING.DEVICE_ID.eq(r.DEVICE_ID))
            .and(READING.METER_CHANNEL.eq(r.METER_CHANNEL))
            .and(READING.SEQUENCE.ge(r.RESUME_SEQUENCE)));
  }
}
