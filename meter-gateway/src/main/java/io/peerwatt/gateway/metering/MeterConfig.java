package io.peerwatt.gateway.metering;

import java.time.Duration;

/**
 * One configured meter.
 *
 * @param name a label for logs and status ({@code grid}, {@code pv})
 * @param channel the meter channel in signed readings, unique per gateway, 0..65535
 * @param uri transport ({@code tcp://host:port} or {@code rtu:///dev/ttyUSB0?baud=9600...})
 * @param unitId Modbus unit id 0..247
 * @param map register map, or {@link MapChoice#AUTO}
 * @param pollInterval how often the meter is read for status between signed readings
 * @param timeout per Modbus request
 * @param retries extra attempts after a timeout or broken connection
 */
public record MeterConfig(
    String name,
    int channel,
    MeterUri uri,
    int unitId,
    MapChoice map,
    Duration pollInterval,
    Duration timeout,
    int retries) {
  public MeterConfig {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("meters[].name must not be empty");
    }
    if (channel < 0 || channel > 0xFFFF) {
      throw new IllegalArgumentException("meters[" + name + "].channel must be 0..65535");
    }
    if (unitId < 0 || unitId > 247) {
      throw new IllegalArgumentException("meters[" + name + "].unit must be 0..247");
    }
    if (pollInterval.toMillis() < 100) {
      throw new IllegalArgumentException(
          "meters[" + name + "].pollInterval must be at least 100 ms");
    }
    if (timeout.toMillis() < 10) {
      throw new IllegalArgumentException("meters[" + name + "].timeout must be at least 10 ms");
    }
    if (retries < 0 || retries > 10) {
      throw new IllegalArgumentException("meters[" + name + "].retries must be 0..10");
    }
  }
}
