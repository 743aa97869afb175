package io.peerwatt.gateway.metering;

import com.digitalpetri.modbus.Modbus;
import com.digitalpetri.modbus.tcp.Netty;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Entry points for one-off meter access ({@code peerwatt gateway probe}) and shared-resource
 * cleanup.
 */
public final class Meters {
  private Meters() {}

  /**
   * One probe result: which map was used and how it was found, the converted sample, and what the
   * meter lacks (registers it refused or left unanswered, and values it gave as "not implemented"
   * or NaN).
   */
  public record Probe(String map, String found, MeterSample sample, List<String> lacks) {}

  /**
   * Connects to one meter, resolves its map ({@link MapChoice#AUTO} detects it) and reads it once.
   *
   * @throws MeterException when the meter does not answer, answers with an exception, or gives
   *     energy counters that are not usable numbers
   */
  public static Probe probe(MeterUri uri, int unitId, MapChoice map, Duration timeout, int retries)
      throws MeterException {
    try (ModbusLink link = new ModbusLink(uri, unitId, timeout, retries)) {
      MeterDriver driver = MeterDriver.resolve(link, map);
      MeterSample sample = driver.read(link);
      return new Probe(driver.mapName(), driver.description(), sample, lacks(driver, sample));
    }
  }

  private static List<String> lacks(MeterDriver driver, MeterSample sample) {
    Set<String> all = new TreeSet<>(driver.lacks());
    all.addAll(sample.missing());
    return List.copyOf(all);
  }

  /**
   * A map that reads the meter at a unit: {@code complete} when every register of the map answered
   * with a number, else {@code lacks} names what did not.
   */
  public record Fit(String map, boolean complete, List<String> lacks, MeterSample sample) {}

  /**
   * A unit that answered a scan, with the maps that read it, the best first (none: an unknown
   * device).
   */
  public record Found(int unit, List<Fit> fits) {}

  /**
   * Tries every unit id from {@code firstUnit} to {@code lastUnit} on one bus (a Modbus TCP gateway
   * or meter, or an RS-485 line) and every map on the units that answer. A unit that answers
   * neither SunSpec's first register nor the first input register within {@code timeout} is taken
   * as absent.
   *
   * @param each called for every unit that answered, as the scan goes
   * @return the units that answered
   * @throws MeterException when the bus itself cannot be reached
   */
  public static List<Found> scan(
      MeterUri uri, int firstUnit, int lastUnit, Duration timeout, Consumer<Found> each)
      throws MeterException {
    if (firstUnit < 1 || lastUnit > 247 || firstUnit > lastUnit) {
      throw new IllegalArgumentException(
          "units must be a range within 1..247, got " + firstUnit + ".." + lastUnit);
    }
    List<Found> found = new ArrayList<>();
    try (ModbusBus bus = new ModbusBus(uri, timeout, 0)) {
      for (int unit = firstUnit; unit <= lastUnit; unit++) {
        RegisterReader reader = bus.unit(unit);
        if (!answers(reader)) {
          continue;
        }
        Found f = new Found(unit, fits(reader));
        found.add(f);
        each.accept(f);
      }
    }
    return found;
  }

  /**
   * Whether anything at all comes back (a value or an exception) for SunSpec's marker or input
   * register 0.
   */
  private static boolean answers(RegisterReader reader) throws MeterException {
    for (int[] probe : new int[][] {{3, MeterDriver.SUNSPEC_BASES[0]}, {4, 0}}) {
      try {
        reader.read(probe[0], probe[1], 2);
        return true;
      } catch (MeterException e) {
        if (e.fault() == MeterFault.CONNECTION && reader.connections() == 0) {
          throw e;
        }
        if (e.fault() != MeterFault.TIMEOUT) {
          return true;
        }
      }
    }
    return false;
  }

  private static List<Fit> fits(RegisterReader reader) {
    List<Fit> fits = new ArrayList<>();
    try {
      MeterDriver sunSpec = SunSpecDriver.scan(reader);
      fit(reader, sunSpec).ifPresent(fits::add);
    } catch (MeterException e) {
      // not a SunSpec device
    }
    List<String> fixed = new ArrayList<>(List.of("em24"));
    fixed.addAll(MeterDriver.EASTRON_MAPS);
    for (String name : fixed) {
      RegisterMap map = RegisterMap.load(name);
      try {
        if (name.equals("em24") && !isEm24(reader, map)) {
          continue;
        }
        if (MeterDriver.Fit.of(reader, map).usable()) {
          fit(reader, new FixedMapDriver(map, "scan")).ifPresent(fits::add);
        }
      } catch (MeterException e) {
        // this map does not read the unit
      }
    }
    fits.sort(
        Comparator.comparing((Fit f) -> !f.complete()).thenComparingInt(f -> f.lacks().size()));
    return List.copyOf(fits);
  }

  /** Carlo Gavazzi's map fits only a meter that gives an EM24 identification code. */
  private static boolean isEm24(RegisterReader reader, RegisterMap map) throws MeterException {
    RegisterPoint id = map.point(RegisterMap.IDENTITY);
    long code = id.decode(reader.read(id.functionCode(), id.address(), id.words()), 0).orElse(-1);
    return code >= MeterDriver.EM24_ID_MIN && code <= MeterDriver.EM24_ID_MAX;
  }

  private static java.util.Optional<Fit> fit(RegisterReader reader, MeterDriver driver) {
    try {
      MeterSample sample = driver.read(reader);
      List<String> lacks = lacks(driver, sample);
      return java.util.Optional.of(new Fit(driver.mapName(), lacks.isEmpty(), lacks, sample));
    } catch (MeterException e) {
      return java.util.Optional.empty();
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
