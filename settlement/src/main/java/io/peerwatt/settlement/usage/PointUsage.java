package io.peerwatt.settlement.usage;

import java.util.List;

/**
 * One metering point and what its meters measured per quarter-hour of a period.
 *
 * @param meteringPointId the metering point
 * @param accountId its household's account
 * @param label the household's name for it
 * @param slots one per quarter-hour of the period, in time order
 */
public record PointUsage(
    long meteringPointId, long accountId, String label, List<SlotUsage> slots) {
  public PointUsage {
    slots = List.copyOf(slots);
  }
}
