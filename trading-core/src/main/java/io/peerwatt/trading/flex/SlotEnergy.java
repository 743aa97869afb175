package io.peerwatt.trading.flex;

import io.peerwatt.db.BoundaryReadings;
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
  private final Map<Instant, List<AcceptedReading>> around = new HashMap<>();

  SlotEnergy(DSLContext dsl, long deviceId, FlexDirection direction) {
    this.dsl = dsl;
    this.deviceId = deviceId;
    this.direction = direction;
  }

  /** The energy in the request's direction in the slot from {@code start}; empty: not metered. */
  OptionalLong wh(Instant start) {
    Instant end = start.plus(FlexEvents.SLOT);
    List<AcceptedReading> readings = new ArrayList<>();
    for (Instant boundary : List.of(start, end)) {
      readings.addAll(
          around.computeIfAbsent(
              boundary, t -> BoundaryReadings.around(dsl, deviceId, t, READING_LOOKBACK)));
    }
    MeteredEnergy energy = METERING.account(MeterSeries.ofChannels(deviceId, readings), start, end);
    if (energy.missing()) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(
        direction == FlexDirection.REDUCE_EXPORT ? energy.exportWh() : energy.importWh());
  }
}
