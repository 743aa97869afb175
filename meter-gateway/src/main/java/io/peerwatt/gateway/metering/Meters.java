package io.peerwatt.gateway.metering;

import com.digitalpetri.modbus.Modbus;
import com.digitalpetri.modbus.tcp.Netty;
import java.time.Duration;

/**
 * Entry points for one-off meter access ({@code peerwatt gateway probe}) and shared-resource
 * cleanup.
 */
public final class Meters {
  private Meters() {}

  /** One probe result: which map was used and how it was found, plus the converted sample. */
  public record Probe(String map, String found, MeterSample sample) {}

  /**
   * Connects to one meter, resolves its map ({@link MapChoice#AUTO} detects it) and reads it once.
   *
   * @throws MeterException when the meter does not answer, answers with an exception, or gives
   *     values that are not usable numbers
   */
  public static Probe probe(MeterUri uri, int unitId, MapChoice map, Duration timeout, int retries)
      throws MeterException {
    try (ModbusLink link = new ModbusLink(uri, unitId, timeout, retries)) {
      MeterDriver driver = MeterDriver.resolve(link, map);
      MeterSample sample = driver.read(link);
      return new Probe(driver.mapName(), driver.description(), sample);
    }
  }

  /**
   * Releases the digitalpetri/Netty shared event loop, timer and executors; call once when the
   * process is done with Modbus, or the JVM keeps their non-daemon threads alive.
   */
  public static void releaseSharedResources() {
    Netty.releaseSharedResources();
    Modbus.releaseSharedResources();
  }
}
