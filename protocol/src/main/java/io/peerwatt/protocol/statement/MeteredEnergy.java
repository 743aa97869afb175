package io.peerwatt.protocol.statement;

import java.util.List;

/**
 * Energy one meter (or the sum of an account's meters) moved during one slot.
 *
 * @param importWh energy drawn from the grid, Wh (0 when {@code missing})
 * @param exportWh energy fed into the grid, Wh (0 when {@code missing})
 * @param estimated a boundary value was interpolated across readings further apart than the
 *     threshold
 * @param missing some boundary had no reading on one side (or the counters went backwards, which
 *     only an explicit meter-swap event can explain): the meter counts as having moved nothing
 *     until the data arrives
 * @param readingsUsed the readings the boundary values came from, sorted by device, channel,
 *     sequence
 */
public record MeteredEnergy(
    long importWh,
    long exportWh,
    boolean estimated,
    boolean missing,
    List<ReadingRef> readingsUsed) {

  public MeteredEnergy {
    if (importWh < 0 || exportWh < 0) {
      throw new IllegalArgumentException("metered energy cannot be negative");
    }
    readingsUsed = readingsUsed.stream().distinct().sorted().toList();
  }

  /** Nothing metered, nothing referenced, flagged missing. */
  public static MeteredEnergy none() {
    return new MeteredEnergy(0, 0, false, true, List.of());
  }
}
