package io.peerwatt.gateway.metering;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one meter through a resolved register map and converts the values to {@link MeterSample}.
 *
 * <p>Tolerant of what real meters and their clones leave out: a register the map marks optional
 * that the meter refuses (Modbus exception 2 or 3) or does not answer in time, on its own, is noted
 * as lacking and left out of later reads; the reading is still taken, with that value missing
 * (flagged incomplete). The meter's serial is read once per connection, after the first good read.
 * Registers that lie close together are read in one request ({@link ReadPlan}); when a meter
 * refuses such a request, its points are read one by one for the rest of the connection.
 */
abstract sealed class MeterDriver permits FixedMapDriver, SunSpecDriver {
  private static final Logger log = LoggerFactory.getLogger(MeterDriver.class);

  /** SunSpec's marker 'SunS' (0x53756e53) and the addresses it may sit at, in search order. */
  static final int SUNS_HIGH = 0x5375;

  static final int SUNS_LOW = 0x6E53;
  static final int[] SUNSPEC_BASES = {40000, 0, 50000};
  static final int END_OF_MODELS = 0xFFFF;

  /** EM24 identification codes at 300012 (manual: EM24DIN variants). */
  static final int EM24_ID_MIN = 1648;

  static final int EM24_ID_MAX = 1653;

  /** The Eastron maps auto detection tries, in order of preference when several fit equally. */
  static final List<String> EASTRON_MAPS = List.of("sdm630", "sdm120", "sdm230", "sdm72d");

  /** The connection the current session belongs to, or -1 before the first good read. */
  private long sessionConnection = -1;

  private String serial = "";

  /** Quantities this connection showed the meter does not have. */
  private final Set<String> lacking = new TreeSet<>();

  /** What was already logged as lacking or refused, so each is logged once. */
  private final Set<String> logged = new HashSet<>();

  /** The map name shown to people and written into status ({@code sdm630}, {@code sunspec-203}). */
  abstract String mapName();

  /** What was found, for logs and {@code probe}. */
  abstract String description();

  /** Reads the values polled every time; a required value that cannot be read throws. */
  abstract Map<String, OptionalLong> readValues(RegisterReader link) throws MeterException;

  /** Reads the meter's serial ("" when the map has none); throws like any read. */
  abstract String readSerial(RegisterReader link) throws MeterException;

  /** The optional quantities read on every poll. */
  abstract Set<String> optionalQuantities();

  /** Forgets what the last connection learnt about the meter (it may be another meter now). */
  void resetSession() {
    sessionConnection = -1;
    serial = "";
    lacking.clear();
  }

  /**
   * What the meter lacks, as far as this connection has shown: registers it refused or never
   * answered.
   */
  Set<String> lacks() {
    return Set.copyOf(lacking);
  }

  /**
   * Reads the meter once. A timeout or broken connection ends the session, so the next good read
   * (perhaps of a swapped meter) reads the serial again.
   */
  MeterSample read(RegisterReader link) throws MeterException {
    Map<String, OptionalLong> values;
    try {
      values = readValues(link);
      if (sessionConnection < 0 || sessionConnection != link.connections()) {
        serial = readSerialTolerantly(link);
        sessionConnection = link.connections();
      }
    } catch (MeterException e) {
      if (isUnreachable(e)) {
        resetSession();
      }
      throw e;
    }
    String name = mapName();
    long importWh = energy(name, RegisterMap.IMPORT, values.get(RegisterMap.IMPORT));
    long exportWh = energy(name, RegisterMap.EXPORT, values.get(RegisterMap.EXPORT));
    Set<String> missing = new TreeSet<>();
    long powerW = optional(values, RegisterMap.POWER, Integer.MIN_VALUE, missing);
    long voltage = optional(values, RegisterMap.VOLTAGE, 0, missing);
    return new MeterSample(name, serial, importWh, exportWh, powerW, voltage, missing);
  }

  /**
   * An optional value in range {@code min..Integer.MAX_VALUE} (it goes into a 32-bit reading
   * field), or 0 with the quantity added to {@code missing} when the meter did not give a usable
   * number.
   */
  private long optional(
      Map<String, OptionalLong> values, String quantity, long min, Set<String> missing) {
    if (!optionalQuantities().contains(quantity)) {
      return 0;
    }
    OptionalLong v = values.get(quantity);
    if (v == null || v.isEmpty()) {
      missing.add(quantity);
      return 0;
    }
    if (v.getAsLong() < min || v.getAsLong() > Integer.MAX_VALUE) {
      logOnce(
          "range:" + quantity,
          "meter ({}) gave {} = {}, out of range; the readings leave it out",
          mapName(),
          quantity,
          v.getAsLong());
      missing.add(quantity);
      return 0;
    }
    return v.getAsLong();
  }

  private String readSerialTolerantly(RegisterReader link) throws MeterException {
    if (lacking.contains(RegisterMap.SERIAL)) {
      return "";
    }
    try {
      return readSerial(link);
    } catch (MeterException e) {
      if (!tolerable(e)) {
        throw e;
      }
      lack(RegisterMap.SERIAL, e);
      return "";
    }
  }

  /** Notes that the meter lacks {@code quantity} (logged once). */
  void lack(String quantity, MeterException why) {
    lacking.add(quantity);
    logOnce(
        "lacks:" + quantity,
        "meter ({}) has no {}: {}; readings go on without it{}",
        mapName(),
        quantity,
        why.getMessage(),
        quantity.equals(RegisterMap.SERIAL)
            ? " (no meter-swap detection)"
            : ", flagged incomplete");
  }

  boolean isLacking(String quantity) {
    return lacking.contains(quantity);
  }

  void logOnce(String key, String format, Object... args) {
    if (logged.add(key)) {
      log.warn(format, args);
    }
  }

  /**
   * A refusal a meter gives for a register it does not have (exception 2 or 3), or silence about
   * it.
   */
  static boolean tolerable(MeterException e) {
    return e.fault() == MeterFault.TIMEOUT
        || (e.fault() == MeterFault.EXCEPTION_RESPONSE
            && (e.exceptionCode() == 2 || e.exceptionCode() == 3));
  }

  static boolean isUnreachable(MeterException e) {
    return e.fault() == MeterFault.TIMEOUT || e.fault() == MeterFault.CONNECTION;
  }

  /**
   * Resolves the configured map; {@link MapChoice#AUTO} tries SunSpec, then EM24, then the Eastron
   * maps.
   */
  static MeterDriver resolve(RegisterReader link, MapChoice choice) throws MeterException {
    return switch (choice) {
      case SUNSPEC -> SunSpecDriver.scan(link);
      case AUTO -> detect(link);
      default -> new FixedMapDriver(RegisterMap.load(choice.code()), "configured");
    };
  }

  private static MeterDriver detect(RegisterReader link) throws MeterException {
    List<String> tried = new ArrayList<>();
    // when nothing answered at all, that (not "unknown meter") is the error to report
    MeterException unreachable = null;
    boolean anyAnswer = false;
    try {
      MeterDriver found = SunSpecDriver.scan(link);
      log.info("auto: {}", found.description());
      return found;
    } catch (MeterException e) {
      tried.add("sunspec: " + e.getMessage());
      if (isUnreachable(e)) {
        unreachable = e;
      } else {
        anyAnswer = true;
      }
    }
    RegisterMap em24 = RegisterMap.load("em24");
    try {
      RegisterPoint id = em24.point(RegisterMap.IDENTITY);
      long code = id.decode(link.read(id.functionCode(), id.address(), id.words()), 0).orElse(-1);
      if (code >= EM24_ID_MIN && code <= EM24_ID_MAX) {
        FixedMapDriver found =
            new FixedMapDriver(
                em24, "auto: Carlo Gavazzi identification code " + code + " at 300012");
        log.info("auto: {}", found.description());
        return found;
      }
      tried.add("em24: identification code " + code);
      anyAnswer = true;
    } catch (MeterException e) {
      tried.add("em24: " + e.getMessage());
      anyAnswer |= !isUnreachable(e);
    }
    // nothing answered SunSpec's or Carlo Gavazzi's registers: one more silence and the meter is
    // not there
    boolean silentSoFar = unreachable != null && !anyAnswer;
    Fit best = null;
    for (String name : EASTRON_MAPS) {
      Fit fit = Fit.of(link, RegisterMap.load(name));
      if (silentSoFar && fit.silent() && unreachable != null) {
        throw unreachable;
      }
      anyAnswer |= fit.answered() > 0;
      tried.add(name + ": " + fit.summary());
      if (fit.usable() && (best == null || fit.betterThan(best))) {
        best = fit;
      }
    }
    if (best != null) {
      FixedMapDriver found = new FixedMapDriver(best.map(), "auto: " + best.summary());
      log.info("auto: {}", found.description());
      return found;
    }
    if (!anyAnswer && unreachable != null) {
      throw unreachable;
    }
    throw new MeterException(
        MeterFault.UNKNOWN_METER, "auto found no supported map; tried " + tried);
  }

  /**
   * How well a fixed map fits a meter: each of its points read on its own; usable when every
   * required point answers.
   */
  record Fit(
      RegisterMap map,
      int answered,
      int points,
      boolean usable,
      boolean silent,
      List<String> lacking) {
    /**
     * Reads the map's points one by one, required ones first; stops at a required point that fails.
     * {@code silent} when the first read timed out.
     */
    static Fit of(RegisterReader link, RegisterMap map) throws MeterException {
      List<RegisterPoint> points = new ArrayList<>(map.points().values());
      points.sort(Comparator.comparing(p -> !p.required()));
      int answered = 0;
      boolean silent = false;
      List<String> lacking = new ArrayList<>();
      for (int i = 0; i < points.size(); i++) {
        RegisterPoint p = points.get(i);
        boolean ok;
        try {
          // an answer counts even when it is not a number: the map fits, the meter's value is the
          // problem
          link.read(p.functionCode(), p.address(), p.words());
          ok = true;
        } catch (MeterException e) {
          if (e.fault() == MeterFault.CONNECTION) {
            throw e;
          }
          silent |= i == 0 && e.fault() == MeterFault.TIMEOUT;
          ok = false;
        }
        if (ok) {
          answered++;
        } else {
          lacking.add(p.quantity());
          if (p.required()) {
            return new Fit(map, answered, points.size(), false, silent, List.copyOf(lacking));
          }
        }
      }
      return new Fit(map, answered, points.size(), true, silent, List.copyOf(lacking));
    }

    boolean complete() {
      return answered == points;
    }

    /** A complete fit beats a partial one; then more points answered; the earlier map wins ties. */
    boolean betterThan(Fit other) {
      if (complete() != other.complete()) {
        return complete();
      }
      return answered > other.answered;
    }

    String summary() {
      return answered
          + " of "
          + points
          + " registers answer"
          + (lacking.isEmpty() ? "" : ", lacks " + String.join(", ", lacking));
    }
  }

  static MeterException invalid(String mapName, String quantity, String detail) {
    return new MeterException(MeterFault.INVALID_VALUE, mapName + " " + quantity + " " + detail);
  }

  static long energy(String mapName, String quantity, OptionalLong value) throws MeterException {
    if (value == null || value.isEmpty()) {
      throw invalid(mapName, quantity, "is not a number (NaN, infinite or not implemented)");
    }
    if (value.getAsLong() < 0) {
      throw invalid(mapName, quantity, "is negative: " + value.getAsLong() + " Wh");
    }
    return value.getAsLong();
  }

  static int u16(byte[] bytes, int word) {
    return ((bytes[word * 2] & 0xFF) << 8) | (bytes[word * 2 + 1] & 0xFF);
  }
}
