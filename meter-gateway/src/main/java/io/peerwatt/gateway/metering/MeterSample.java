package io.peerwatt.gateway.metering;

/**
 * One successful read of a meter, converted at the edge to integers.
 *
 * @param map the register map that produced it ({@code sdm630}, {@code sunspec-203}, ...)
 * @param serial the meter's serial number as it reports it ("" when the map has none)
 * @param importWh the meter's own cumulative import energy register
 * @param exportWh the meter's own cumulative export energy register
 * @param powerW total active power, positive = import, negative = export
 * @param voltageMilliV phase 1 (L1-N) voltage
 */
public record MeterSample(
    String map, String serial, long importWh, long exportWh, long powerW, long voltageMilliV) {}
