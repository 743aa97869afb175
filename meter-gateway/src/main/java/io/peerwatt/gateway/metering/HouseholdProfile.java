package io.peerwatt.gateway.metering;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.SplittableRandom;

/**
 * A simulated home's power over a UTC day, the same for the same seed: household load (a base,
 * morning and evening peaks, noise per minute) minus PV production (a sine bell from 06:00 to 18:00
 * with clouds changing every 10 minutes), and a mains voltage wobbling around 230 V.
 *
 * @param pvPeakW PV peak power (0 = no PV)
 */
record HouseholdProfile(long seed, long pvPeakW) {

  /**
   * Net power at the grid connection at simulated time {@code atSimMs}: load minus PV, positive =
   * import.
   */
  long netPowerMilliW(long atSimMs) {
    return householdLoadMilliW(atSimMs) - pvMilliW(atSimMs);
  }

  /** Phase 1 voltage at simulated time {@code atSimMs}. */
  long voltageMilliV(long atSimMs) {
    return 230_000 + new SplittableRandom(seed + atSimMs / 10_000).nextLong(-3_000, 3_000);
  }

  /** Household load at simulated time {@code atSimMs}. */
  long householdLoadMilliW(long atSimMs) {
    int minuteOfDay =
        Instant.ofEpochMilli(atSimMs).atZone(ZoneOffset.UTC).toLocalTime().toSecondOfDay() / 60;
    long baseW = 250;
    long peakW = 0;
    if (minuteOfDay >= 6 * 60 + 30 && minuteOfDay < 8 * 60) {
      peakW = 900;
    } else if (minuteOfDay >= 17 * 60 + 30 && minuteOfDay < 21 * 60 + 30) {
      peakW = 1_600;
    }
    long noiseW = new SplittableRandom(seed ^ (atSimMs / 60_000)).nextLong(0, 400);
    return (baseW + peakW + noiseW) * 1000;
  }

  /** PV production the sun allows at simulated time {@code atSimMs} (before any curtailment). */
  long pvMilliW(long atSimMs) {
    if (pvPeakW == 0) {
      return 0;
    }
    int secondOfDay =
        Instant.ofEpochMilli(atSimMs).atZone(ZoneOffset.UTC).toLocalTime().toSecondOfDay();
    // daylight 06:00-18:00 UTC, a sine bell peaking at noon
    double dayFraction = (secondOfDay - 6 * 3600) / (12.0 * 3600);
    if (dayFraction <= 0 || dayFraction >= 1) {
      return 0;
    }
    double bell = Math.sin(Math.PI * dayFraction);
    // clouds change every 10 simulated minutes: 40-100 % of clear sky
    int clouds = 40 + new SplittableRandom(seed * 31 + atSimMs / 600_000).nextInt(61);
    return Math.round(pvPeakW * 1000 * bell * clouds / 100.0);
  }
}
