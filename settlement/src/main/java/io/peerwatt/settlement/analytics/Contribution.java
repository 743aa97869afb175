package io.peerwatt.settlement.analytics;

import java.time.Instant;

/**
 * One household's metered energy in one quarter-hour, all its metering points together, as frozen
 * at the quarter-hour's first release.
 *
 * @param slotStart the quarter-hour's start
 * @param accountId the household
 * @param importWh energy drawn from the grid, Wh
 * @param exportWh energy fed into the grid, Wh
 */
public record Contribution(Instant slotStart, long accountId, long importWh, long exportWh) {}
