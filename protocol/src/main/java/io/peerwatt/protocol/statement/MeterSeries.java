package io.peerwatt.protocol.statement;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The readings of one meter (a device's channel) around one slot: at least the last reading at or
 * before the slot start and the first at or after the slot end when they exist; more readings are
 * allowed and ignored.
 *
 * @param deviceId the device
 * @param meterChannel the channel on the device
 * @param readings its readings, any order; all must belong to this device and channel
 */
public record MeterSeries(long deviceId, int meterChannel, List<AcceptedReading> readings) {

  /**
   * One series per meter channel of {@code deviceId}, in channel order; a reading found twice
   * counts once.
   */
  public static List<MeterSeries> ofChannels(long deviceId, Collection<AcceptedReading> readings) {
    Map<Integer, List<AcceptedReading>> byChannel =
        readings.stream()
            .distinct()
            .collect(
                Collectors.groupingBy(
                    AcceptedReading::meterChannel, TreeMap::new, Collectors.toList()));
    return byChannel.entrySet().stream()
        .map(e -> new MeterSeries(deviceId, e.getKey(), e.getValue()))
        .toList();
  }

  public MeterSeries {
    readings =
        readings.stream().sorted(Comparator.comparingLong(AcceptedReading::sequence)).toList();
    for (AcceptedReading r : readings) {
      if (r.deviceId() != deviceId || r.meterChannel() != meterChannel) {
        throw new IllegalArgumentException(
            "reading of device "
                + r.deviceId()
                + "/"
                + r.meterChannel()
                + " in series "
                + deviceId
                + "/"
                + meterChannel);
      }
    }
  }
}
