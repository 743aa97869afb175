package io.peerwatt.gateway.metering;

import java.util.Set;

/**
 * One successful read of a meter, converted at the edge to integers.
 *
 * @param map the register map that produced it ({@code sdm630}, {@code sunspec-203}, ...)
 * @param serial the meter's serial number as it reports it ("" when the map has none or the meter
 *     lacks it)
 * @param importWh the meter's own cumulative import energy register
 * @param exportWh the meter's own cumulative export energy register
 * @param powerW total active power, positive = import, negative = export; 0 when missing
 * @param voltageMilliV phase 1 (L1-N) voltage; 0 when missing or when the map has none
 * @param missing the optional quantities of the map ({@code powerTotal}, {@code voltageL1}) this
 *     read did not give (the meter lacks the register, or answered "not implemented", NaN or a
 *     value out of range)
 */
public record MeterSample(
    String map,
    String serial,
    long importWh,
    long exportWh,
    long powerW,
    long voltageMilliV,
    Set<String> missing) {
  public MeterSample {
    missing = Set.copyOf(missing);
  }

  /** Whether every value the map reads came from the meter. */
  public boolean complete() {
    return missing.isEmpty();
  }
}
