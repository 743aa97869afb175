package io.peerwatt.settlement.usage;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.statement.AcceptedReading;
import io.peerwatt.protocol.statement.MeterSeries;
import io.peerwatt.protocol.statement.MeteredEnergy;
import io.peerwatt.protocol.statement.SlotMetering;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A metering point's energy per quarter-hour from its gateways' readings, by settlement's metering
 * rules. Pure: the readings come in, slot energies go out. Each meter (a device's channel) needs
 * only the readings next to each slot boundary, so a caller may pass just those (the last reading
 * at or before and the first at or after every boundary) instead of every reading.
 */
public final class SlotUsages {
  private final SlotMetering metering;

  /**
   * @param estimateThreshold readings further apart than this around a boundary make it estimated
   */
  public SlotUsages(Duration estimateThreshold) {
    this.metering = new SlotMetering(estimateThreshold);
  }

  /**
   * One {@link SlotUsage} per quarter-hour of {@code [from, to)} (both slot boundaries).
   *
   * @param devices the point's gateways and when each spoke for it
   * @param readings each device's readings by meter channel, any order
   */
  List<SlotUsage> slots(
      List<DeviceSpan> devices,
      Map<Long, Map<Integer, List<AcceptedReading>>> readings,
      Instant from,
      Instant to) {
    List<Meter> meters = new ArrayList<>();
    for (DeviceSpan device : devices) {
      readings
          .getOrDefault(device.deviceId(), Map.of())
          .forEach((channel, list) -> meters.add(new Meter(device, channel, sorted(list))));
    }
    List<SlotUsage> out = new ArrayList<>();
    for (Instant start = from; start.isBefore(to); start = start.plus(DeliverySlot.LENGTH)) {
      Instant end = start.plus(DeliverySlot.LENGTH);
      List<MeterSeries> spoke = new ArrayList<>();
      for (Meter m : meters) {
        if (m.device.spokeDuring(start, end)) {
          spoke.add(m.around(start, end));
        }
      }
      MeteredEnergy e = metering.account(spoke, start, end);
      out.add(new SlotUsage(start, e.importWh(), e.exportWh(), e.estimated(), e.missing()));
    }
    return out;
  }

  private static List<AcceptedReading> sorted(List<AcceptedReading> readings) {
    List<AcceptedReading> s = new ArrayList<>(readings);
    s.sort(
        Comparator.comparing(AcceptedReading::takenAt)
            .thenComparingLong(AcceptedReading::sequence));
    return s;
  }

  /** One meter's readings in time order. */
  private record Meter(DeviceSpan device, int channel, List<AcceptedReading> readings) {
    /** The readings next to both boundaries of a slot: all that metering the slot needs. */
    MeterSeries around(Instant start, Instant end) {
      Set<AcceptedReading> near = new LinkedHashSet<>();
      for (Instant t : List.of(start, end)) {
        int after = firstAtOrAfter(t);
        if (after < readings.size()) {
          near.add(readings.get(after));
        }
        int before =
            after < readings.size() && readings.get(after).takenAt().equals(t) ? after : after - 1;
        if (before >= 0) {
          near.add(readings.get(before));
        }
      }
      return new MeterSeries(device.deviceId(), channel, new ArrayList<>(near));
    }

    private int firstAtOrAfter(Instant t) {
      int lo = 0;
      int hi = readings.size();
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (readings.get(mid).takenAt().isBefore(t)) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo;
    }
  }
}
