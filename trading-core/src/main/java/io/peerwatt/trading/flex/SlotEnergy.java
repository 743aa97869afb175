package io.peerwatt.trading.flex;

import static io.peerwatt.db.schema.Tables.READING;

import io.peerwatt.db.schema.tables.records.ReadingRecord;
import io.peerwatt.protocol.statement.AcceptedReading;
import io.peerwatt.protocol.statement.MeterSeries;
import io.peerwatt.protocol.statement.MeteredEnergy;
import io.peerwatt.protocol.statement.SlotMetering;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.jooq.DSLContext;

/**
 * One device's metered import (export) energy per 15-minute slot, measured as the platform's
 * settlement measures it (protocol {@link SlotMetering}): the counters at the slot's end minus
 * those at its start, each boundary read from the device's last reading at or before it and its
 * first at or after it, within {@link #READING_LOOKBACK} (settlement's), interpolated between them.
 * A slot with a boundary lacking a reading on either side is not metered: so the slot its metering
 * started in is not either. Each boundary is read once (adjacent slots share one). Blocking.
 */
final class SlotEnergy {
  /** How far from a slot boundary readings are taken, as the platform's settlement takes them. */
  static final Duration READING_LOOKBACK = Duration.ofHours(6);

  // whether a boundary is estimated does not change the energy, which is all this reads
  private static final SlotMetering METERING = new SlotMetering(READING_LOOKBACK);

  private final DSLContext dsl;
  private final long deviceId;
  private final FlexDirection direction;
  private final Map<Instant, List<ReadingRecord>> around = new HashMap<>();

  SlotEnergy(DSLContext dsl, long deviceId, FlexDirection direction) {
    this.dsl = dsl;
    this.deviceId = deviceId;
    this.direction = direction;
  }

  /** The energy in the request's direction in the slot from {@code start}; empty: not metered. */
  OptionalLong wh(Instant start) {
    Instant end = start.plus(FlexEvents.SLOT);
    Map<Integer, List<AcceptedReading>> byChannel = new TreeMap<>();
    for (Instant boundary : List.of(start, end)) {
      for (ReadingRecord r : around(boundary)) {
        byChannel
            .computeIfAbsent(r.getMeterChannel(), c -> new ArrayList<>())
            .add(
                AcceptedReading.of(
                    deviceId,
                    r.getMeterChannel(),
                    r.getSequence(),
                    r.getTakenAt(),
                    r.getImportWh(),
                    r.getExportWh(),
                    r.getReadingHash()));
      }
    }
    List<MeterSeries> meters = new ArrayList<>();
    byChannel.forEach(
        (channel, readings) -> meters.add(new MeterSeries(deviceId, channel, readings)));
    MeteredEnergy energy = METERING.account(meters, start, end);
    if (energy.missing()) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(
        direction == FlexDirection.REDUCE_EXPORT ? energy.exportWh() : energy.importWh());
  }

  /** Per meter channel, the last reading at or before {@code t} and the first at or after it. */
  private List<ReadingRecord> around(Instant t) {
    return around.computeIfAbsent(
        t,
        boundary -> {
          List<ReadingRecord> found =
              new ArrayList<>(
                  dsl.select(READING.fields())
                      .distinctOn(READING.METER_CHANNEL)
                      .from(READING)
                      .where(
                          READING.DEVICE_ID.eq(deviceId),
                          READING.TAKEN_AT.between(boundary.minus(READING_LOOKBACK), boundary))
                      .orderBy(
                          READING.METER_CHANNEL, READING.TAKEN_AT.desc(), READING.SEQUENCE.desc())
                      .fetchInto(READING));
          found.addAll(
              dsl.select(READING.fields())
                  .distinctOn(READING.METER_CHANNEL)
                  .from(READING)
                  .where(
                      READING.DEVICE_ID.eq(deviceId),
                      READING.TAKEN_AT.between(boundary, boundary.plus(READING_LOOKBACK)))
                  .orderBy(READING.METER_CHANNEL, READING.TAKEN_AT.asc(), READING.SEQUENCE.asc())
                  .fetchInto(READING));
          return found;
        });
  }
}
