package io.peerwatt.settlement.usage;

import java.time.Instant;

/**
 * What one metering point's meters measured in one quarter-hour, by settlement's rules ({@link
 * io.peerwatt.protocol.statement.SlotMetering}): counters at the slot boundaries, interpolated
 * between the readings around each and rounded down.
 *
 * @param start the slot's start (slots are PT15M)
 * @param importWh energy drawn from the grid, Wh (0 when {@code missing})
 * @param exportWh energy fed into the grid, Wh (0 when {@code missing})
 * @param estimated a boundary was interpolated across readings far apart
 * @param missing no reading on one side of a boundary (or no gateway spoke for the point)
 */
public record SlotUsage(
    Instant start, long importWh, long exportWh, boolean estimated, boolean missing) {}
