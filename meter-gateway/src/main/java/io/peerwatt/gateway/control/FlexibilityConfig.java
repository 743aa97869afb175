package io.peerwatt.gateway.control;

import io.peerwatt.gateway.metering.MeterUri;
import java.time.Duration;
import java.time.ZoneId;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The {@code flexibility:} section of {@code gateway.yaml}: the device the platform may steer and
 * the owner's limits.
 *
 * @param kind a battery (SunSpec 124 or 704) or an inverter (SunSpec 123 or 704)
 * @param device the device's Modbus TCP address ({@code tcp://host:port})
 * @param unitId its Modbus unit id
 * @param sunSpecModel 124, 123 or 704; empty = found by walking the device's SunSpec model chain
 * @param ratedPowerWatts an inverter's rated power (WMax), which its percentage limits refer to
 * @param minStateOfChargePercent a battery is never discharged below this, 0..100
 * @param maxPowerWatts the largest power change a command may ask for
 * @param allowedHours local hours in which commands may run
 * @param timeZone the zone of {@code allowedHours}
 * @param pollInterval how often the VTN is asked for events
 * @param contactTimeout without a successful VTN poll for this long, the device is restored
 * @param clockSkew how far a command's window may be off this gateway's clock and still count
 */
public record FlexibilityConfig(
    Kind kind,
    MeterUri device,
    int unitId,
    OptionalInt sunSpecModel,
    OptionalLong ratedPowerWatts,
    int minStateOfChargePercent,
    long maxPowerWatts,
    AllowedHours allowedHours,
    ZoneId timeZone,
    Duration pollInterval,
    Duration contactTimeout,
    Duration clockSkew) {

  /** What the platform steers. */
  public enum Kind {
    BATTERY,
    INVERTER
  }

  /** Default clock skew a command's window is allowed: 30 s. */
  public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);

  public FlexibilityConfig {
    if (device.transport() != MeterUri.Transport.TCP) {
      throw new IllegalArgumentException("flexibility.device must be a Modbus TCP URI (tcp://...)");
    }
    if (unitId < 0 || unitId > 247) {
      throw new IllegalArgumentException("flexibility.unit must be 0..247, got " + unitId);
    }
    if (sunSpecModel.isPresent()) {
      int m = sunSpecModel.getAsInt();
      if (m != 123 && m != 124 && m != 704) {
        throw new IllegalArgumentException("flexibility.sunSpecModel must be 123, 124 or 704");
      }
      if (kind == Kind.BATTERY && m == 123) {
        throw new IllegalArgumentException(
            "flexibility: a battery is controlled through model 124 or 704, not 123");
      }
      if (kind == Kind.INVERTER && m == 124) {
        throw new IllegalArgumentException(
            "flexibility: an inverter is controlled through model 123 or 704, not 124");
      }
    }
    if (kind == Kind.INVERTER && (ratedPowerWatts.isEmpty() || ratedPowerWatts.getAsLong() <= 0)) {
      throw new IllegalArgumentException(
          "flexibility.ratedPowerWatts (the inverter's WMax, > 0) is required for an inverter");
    }
    if (minStateOfChargePercent < 0 || minStateOfChargePercent > 100) {
      throw new IllegalArgumentException("flexibility.minStateOfChargePercent must be 0..100");
    }
    if (maxPowerWatts <= 0) {
      throw new IllegalArgumentException("flexibility.maxPowerWatts must be positive");
    }
    if (pollInterval.toMillis() < 10) {
      throw new IllegalArgumentException("flexibility.pollInterval must be at least 10 ms");
    }
    if (contactTimeout.compareTo(pollInterval) <= 0) {
      throw new IllegalArgumentException(
          "flexibility.contactTimeout must be longer than flexibility.pollInterval");
    }
    if (clockSkew.isNegative() || clockSkew.compareTo(Duration.ofMinutes(5)) > 0) {
      throw new IllegalArgumentException("flexibility.clockSkew must be 0..5 min");
    }
  }
}
