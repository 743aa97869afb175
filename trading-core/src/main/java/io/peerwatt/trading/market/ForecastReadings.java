package io.peerwatt.trading.market;

import static io.peerwatt.db.schema.Tables.DEVICE;
import static io.peerwatt.db.schema.Tables.READING;

import io.peerwatt.trading.ingest.ReadingStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;

/** The readings of a metering point as the rules' forecasts need them. Blocking. */
final class ForecastReadings {
  private final DSLContext dsl;

  ForecastReadings(DSLContext dsl) {
    this.dsl = Objects.requireNonNull(dsl, "dsl");
  }

  /**
   * Per meter series of the metering point (each device's lowest meter channel), the last counters
   * of every quarter-hour bucket in {@code [from, to)}.
   */
  List<NavigableMap<Instant, SlotForecast.Counters>> counters(
      long meteringPointId, Instant from, Instant to) {
    Field<Long> bucket =
        DSL.field("floor(extract(epoch from {0}) / 900)::bigint", Long.class, READING.TAKEN_AT);
    LowestChannel lowest = new LowestChannel();
    Map<Long, NavigableMap<Instant, SlotForecast.Counters>> byDevice = new HashMap<>();
    dsl.select(
            READING.DEVICE_ID,
            READING.METER_CHANNEL,
            bucket,
            DSL.max(READING.IMPORT_WH),
            DSL.max(READING.EXPORT_WH))
        .from(ReadingStore.DEVICE_READINGS)
        .where(ReadingStore.takenAt(meteringPointId, from, to))
        .groupBy(READING.DEVICE_ID, READING.METER_CHANNEL, bucket)
        .orderBy(READING.DEVICE_ID, READING.METER_CHANNEL)
        .forEach(
            r -> {
              if (!lowest.keeps(r.value1(), r.value2())) {
                return;
              }
              byDevice
                  .computeIfAbsent(r.value1(), d -> new TreeMap<>())
                  .put(
                      Instant.ofEpochSecond(r.value3() * 900),
                      new SlotForecast.Counters(r.value4(), r.value5()));
            });
    return new ArrayList<>(byDevice.values());
  }

  /**
   * Per meter series of the metering point (each device's lowest meter channel), its readings taken
   * in {@code [from, to]}, in time order.
   */
  List<List<RecentForecast.Reading>> recentReadings(
      long meteringPointId, Instant from, Instant to) {
    LowestChannel lowest = new LowestChannel();
    Map<Long, List<RecentForecast.Reading>> byDevice = new LinkedHashMap<>();
    dsl.select(
            READING.DEVICE_ID,
            READING.METER_CHANNEL,
            READING.TAKEN_AT,
            READING.IMPORT_WH,
            READING.EXPORT_WH)
        .from(READING)
        .join(DEVICE)
        .on(DEVICE.ID.eq(READING.DEVICE_ID))
        .where(DEVICE.METERING_POINT_ID.eq(meteringPointId))
        .and(READING.TAKEN_AT.between(from, to))
        .orderBy(READING.DEVICE_ID, READING.METER_CHANNEL, READING.TAKEN_AT, READING.SEQUENCE)
        .forEach(
            r -> {
              if (!lowest.keeps(r.value1(), r.value2())) {
                return;
              }
              byDevice
                  .computeIfAbsent(r.value1(), d -> new ArrayList<>())
                  .add(new RecentForecast.Reading(r.value3(), r.value4(), r.value5()));
            });
    return new ArrayList<>(byDevice.values());
  }

  /**
   * Keeps each device's lowest meter channel, of rows that come ordered by device, then channel.
   */
  private static final class LowestChannel {
    private final Map<Long, Integer> channelOf = new HashMap<>();

    boolean keeps(long device, int channel) {
      Integer chosen = channelOf.putIfAbsent(device, channel);
      return chosen == null || chosen == channel;
    }
  }
}
