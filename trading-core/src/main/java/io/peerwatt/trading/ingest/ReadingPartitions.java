package io.peerwatt.trading.ingest;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * Keeps the monthly partitions of {@code reading} ahead of time (SQL function {@code
 * ensure_reading_partition}, migration V2): last month, this month and the next two, in UTC, so
 * late uploads and the coming months never land in the default partition.
 */
public final class ReadingPartitions {
  static final int MONTHS_BEHIND = 1;
  static final int MONTHS_AHEAD = 2;

  private ReadingPartitions() {}

  /** Creates any missing partition around {@code now}. Blocking. */
  public static void ensureAround(DSLContext dsl, Instant now) {
    LocalDate month = LocalDate.ofInstant(now, ZoneOffset.UTC).withDayOfMonth(1);
    for (int i = -MONTHS_BEHIND; i <= MONTHS_AHEAD; i++) {
      ensure(dsl, month.plusMonths(i));
    }
  }

  /** Creates the partition of the month containing {@code day}; returns its name. Blocking. */
  public static String ensure(DSLContext dsl, LocalDate day) {
    return dsl.select(DSL.function("ensure_reading_partition", String.class, DSL.val(day)))
        .fetchOne()
        .value1();
  }
}
