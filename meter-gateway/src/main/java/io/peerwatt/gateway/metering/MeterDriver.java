package io.peerwatt.gateway.metering;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one meter through a resolved register map and converts the values to {@link MeterSample}.
 */
abstract sealed class MeterDriver permits MeterDriver.Fixed, MeterDriver.SunSpec {
  private static final Logger log = LoggerFactory.getLogger(MeterDriver.class);

  /** SunSpec's marker 'SunS' (0x53756e53) and the addresses it may sit at, in search order. */
  static final int SUNS_HIGH = 0x5375;

  static final int SUNS_LOW = 0x6E53;
  static final int[] SUNSPEC_BASES = {40000, 0, 50000};
  static final int END_OF_MODELS = 0xFFFF;

  /** EM24 identification codes at 300012 (manual: EM24DIN variants). */
  static final int EM24_ID_MIN = 1648;

  static final int EM24_ID_MAX = 1653;

  /** The map name shown to people and written into status ({@code sdm630}, {@code sunspec-203}). */
  abstract String mapName();

  /** What was found, for logs and {@code probe}. */
  abstract String description();

  abstract MeterSample read(RegisterReader link) throws MeterException;

  /**
   * Resolves the configured map; {@link MapChoice#AUTO} tries SunSpec, then EM24, SDM630, SDM120.
   */
  static MeterDriver resolve(RegisterReader link, MapChoice choice) throws MeterException {
    switch (choice) {
      case SDM630 -> {
        return new Fixed(RegisterMap.load("sdm630"), "configured");
      }
      case SDM120 -> {
        return new Fixed(RegisterMap.load("sdm120"), "configured");
      }
      case EM24 -> {
        return new Fixed(RegisterMap.load("em24"), "configured");
      }
      case SUNSPEC -> {
        return SunSpec.scan(link);
      }
      default -> {
        return detect(link);
      }
    }
  }

  private static MeterDriver detect(RegisterReader link) throws MeterException {
    List<String> tried = new ArrayList<>();
    // when nothing answered at all, that (not "unknown meter") is the error to report
    MeterException unreachable = null;
    boolean anyAnswer = false;
    try {
      MeterDriver found = SunSpec.scan(link);
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
        Fixed found =
            new Fixed(em24, "auto: Carlo Gavazzi identification code " + code + " at 300012");
        log.info("auto: {}", found.description());
        return found;
      }
      tried.add("em24: identification code " + code);
      anyAnswer = true;
    } catch (MeterException e) {
      tried.add("em24: " + e.getMessage());
      anyAnswer |= !isUnreachable(e);
    }
    for (String name : List.of("sdm630", "sdm120")) {
      RegisterMap map = RegisterMap.load(name);
      try {
        RegisterPoint power = map.point(RegisterMap.POWER);
        RegisterPoint voltage = map.point(RegisterMap.VOLTAGE);
        OptionalLong w =
            power.decode(link.read(power.functionCode(), power.address(), power.words()), 0);
        OptionalLong mv =
            voltage.decode(
                link.read(voltage.functionCode(), voltage.address(), voltage.words()), 0);
        if (w.isPresent() && mv.isPresent()) {
          Fixed found =
              new Fixed(
                  map,
                  "auto: float32 power at "
                      + power.printedAddress()
                      + " and voltage at "
                      + voltage.printedAddress()
                      + " answered");
          log.info("auto: {}", found.description());
          return found;
        }
        tried.add(name + ": values not numbers");
        anyAnswer = true;
      } catch (MeterException e) {
        tried.add(name + ": " + e.getMessage());
        anyAnswer |= !isUnreachable(e);
      }
    }
    if (!anyAnswer && unreachable != null) {
      throw unreachable;
    }
    throw new MeterException(
        MeterFault.UNKNOWN_METER, "auto found no supported map; tried " + tried);
  }

  private static boolean isUnreachable(MeterException e) {
    return e.fault() == MeterFault.TIMEOUT || e.fault() == MeterFault.CONNECTION;
  }

  static MeterException invalid(String mapName, String quantity, String detail) {
    return new MeterException(MeterFault.INVALID_VALUE, mapName + " " + quantity + " " + detail);
  }

  static long energy(String mapName, String quantity, OptionalLong value) throws MeterException {
    if (value.isEmpty()) {
      throw invalid(mapName, quantity, "is not a number (NaN, infinite or not implemented)");
    }
    if (value.getAsLong() < 0) {
      throw invalid(mapName, quantity, "is negative: " + value.getAsLong() + " Wh");
    }
    return value.getAsLong();
  }

  /** Power (W) and voltage (mV) must be numbers that fit the signed reading's 32-bit fields. */
  static long required(String mapName, String quantity, OptionalLong value) throws MeterException {
    if (value.isEmpty()) {
      throw invalid(mapName, quantity, "is not a number (NaN, infinite or not implemented)");
    }
    if (value.getAsLong() > Integer.MAX_VALUE || value.getAsLong() < Integer.MIN_VALUE) {
      throw invalid(mapName, quantity, "is out of range: " + value.getAsLong());
    }
    return value.getAsLong();
  }

  /** Eastron and Carlo Gavazzi meters: one fixed map file. */
  static final class Fixed extends MeterDriver {
    private final RegisterMap map;
    private final String how;

    Fixed(RegisterMap map, String how) {
      this.map = map;
      this.how = how;
    }

    @Override
    String mapName() {
      return map.name();
    }

    @Override
    String description() {
      return map.name() + " (" + how + ")";
    }

    @Override
    MeterSample read(RegisterReader link) throws MeterException {
      long importWh = energy(map.name(), RegisterMap.IMPORT, value(link, RegisterMap.IMPORT));
      long exportWh = energy(map.name(), RegisterMap.EXPORT, value(link, RegisterMap.EXPORT));
      long powerW = required(map.name(), RegisterMap.POWER, value(link, RegisterMap.POWER));
      long voltage = required(map.name(), RegisterMap.VOLTAGE, value(link, RegisterMap.VOLTAGE));
      if (voltage < 0) {
        throw invalid(map.name(), RegisterMap.VOLTAGE, "is negative: " + voltage + " mV");
      }
      return new MeterSample(map.name(), serial(link), importWh, exportWh, powerW, voltage);
    }

    private OptionalLong value(RegisterReader link, String quantity) throws MeterException {
      RegisterPoint p = map.point(quantity);
      return p.decode(link.read(p.functionCode(), p.address(), p.words()), 0);
    }

    private String serial(RegisterReader link) throws MeterException {
      RegisterPoint p = map.points().get(RegisterMap.SERIAL);
      if (p == null) {
        return "";
      }
      byte[] words = link.read(p.functionCode(), p.address(), p.words());
      if (p.type() == RegisterType.STRING) {
        return p.decodeText(words, 0);
      }
      return Long.toString(p.decode(words, 0).orElse(0));
    }
  }

  /** SunSpec meters: the 'SunS' marker, the common model (1) and one meter model. */
  static final class SunSpec extends MeterDriver {
    private static final RegisterMap FLOAT_METER = RegisterMap.load("sunspec-float-meter");
    private static final RegisterMap.SunSpecIntMeter MODEL_201 = RegisterMap.sunSpecIntMeter(201);
    private static final RegisterMap.SunSpecIntMeter MODEL_203 = RegisterMap.sunSpecIntMeter(203);
    private static final int COMMON_MODEL = 1;
    private static final int SN_OFFSET = 50;
    private static final int SN_WORDS = 16;

    private final int modelId;
    private final int modelAddress;
    private final int commonAddress;
    private final String found;

    private SunSpec(int modelId, int modelAddress, int commonAddress, String found) {
      this.modelId = modelId;
      this.modelAddress = modelAddress;
      this.commonAddress = commonAddress;
      this.found = found;
    }

    static SunSpec scan(RegisterReader link) throws MeterException {
      MeterException lastFailure = null;
      for (int base : SUNSPEC_BASES) {
        byte[] marker;
        try {
          marker = link.read(3, base, 2);
        } catch (MeterException e) {
          if (e.fault() == MeterFault.TIMEOUT || e.fault() == MeterFault.CONNECTION) {
            throw e;
          }
          lastFailure = e;
          continue;
        }
        if (u16(marker, 0) != SUNS_HIGH || u16(marker, 1) != SUNS_LOW) {
          continue;
        }
        return walk(link, base);
      }
      throw new MeterException(
          MeterFault.UNKNOWN_METER,
          "no SunSpec marker 'SunS' at 40000, 0 or 50000"
              + (lastFailure == null ? "" : " (last: " + lastFailure.getMessage() + ")"));
    }

    private static SunSpec walk(RegisterReader link, int base) throws MeterException {
      int address = base + 2;
      int commonAddress = -1;
      List<String> chain = new ArrayList<>();
      for (int models = 0; models < 64; models++) {
        byte[] header = link.read(3, address, 2);
        int id = u16(header, 0);
        if (id == END_OF_MODELS) {
          break;
        }
        int length = u16(header, 1);
        chain.add(id + "@" + address + "/" + length);
        if (id == COMMON_MODEL && commonAddress < 0) {
          commonAddress = address;
        }
        if (isIntMeter(id) || isFloatMeter(id)) {
          String text =
              "SunSpec meter model "
                  + id
                  + " at "
                  + address
                  + " ('SunS' at "
                  + base
                  + ", chain "
                  + chain
                  + ")";
          return new SunSpec(id, address, commonAddress, text);
        }
        address += 2 + length;
        if (address > 0xFFFF) {
          break;
        }
      }
      throw new MeterException(
          MeterFault.UNKNOWN_METER,
          "SunSpec device at " + base + " has no meter model 201-204 or 211-214; chain " + chain);
    }

    static boolean isIntMeter(int id) {
      return id >= 201 && id <= 204;
    }

    static boolean isFloatMeter(int id) {
      return id >= 211 && id <= 214;
    }

    @Override
    String mapName() {
      return "sunspec-" + modelId;
    }

    @Override
    String description() {
      return found;
    }

    @Override
    MeterSample read(RegisterReader link) throws MeterException {
      String serial = "";
      if (commonAddress >= 0) {
        serial = text(link.read(3, commonAddress + SN_OFFSET, SN_WORDS));
      }
      return isIntMeter(modelId) ? readInt(link, serial) : readFloat(link, serial);
    }

    private MeterSample readFloat(RegisterReader link, String serial) throws MeterException {
      RegisterPoint imp = FLOAT_METER.point(RegisterMap.IMPORT);
      byte[] block = link.read(3, modelAddress, imp.address() + imp.words());
      String name = mapName();
      long importWh = energy(name, "TotWhImp", imp.decode(block, imp.address()));
      RegisterPoint exp = FLOAT_METER.point(RegisterMap.EXPORT);
      long exportWh = energy(name, "TotWhExp", exp.decode(block, exp.address()));
      RegisterPoint w = FLOAT_METER.point(RegisterMap.POWER);
      long powerW = required(name, "W", w.decode(block, w.address()));
      RegisterPoint v = FLOAT_METER.point(RegisterMap.VOLTAGE);
      long voltage = required(name, "PhVphA", v.decode(block, v.address()));
      return new MeterSample(name, serial, importWh, exportWh, powerW, voltage);
    }

    private MeterSample readInt(RegisterReader link, String serial) throws MeterException {
      RegisterMap.SunSpecIntMeter layout = modelId == 201 ? MODEL_201 : MODEL_203;
      int words = layout.points().get("TotWh_SF").address() + 1;
      byte[] block = link.read(3, modelAddress, words);
      String name = mapName();
      long importWh = energy(name, "TotWhImp", scaled(layout, block, "TotWhImp", 1));
      long exportWh = energy(name, "TotWhExp", scaled(layout, block, "TotWhExp", 1));
      long powerW = required(name, "W", scaled(layout, block, "W", 1));
      long voltage = required(name, "PhVphA", scaled(layout, block, "PhVphA", 1000));
      return new MeterSample(name, serial, importWh, exportWh, powerW, voltage);
    }

    /** A point with its SunSpec scale factor applied, times {@code toUnit} (1000 for V -> mV). */
    private OptionalLong scaled(
        RegisterMap.SunSpecIntMeter layout, byte[] block, String point, long toUnit)
        throws MeterException {
      RegisterPoint p = layout.points().get(point);
      RegisterPoint sf = layout.points().get(layout.scaleFactorOf().get(point));
      OptionalLong exponent = sf.decode(block, sf.address());
      if (exponent.isEmpty() || Math.abs(exponent.getAsLong()) > 10) {
        throw invalid(mapName(), sf.quantity(), "is not a usable scale factor");
      }
      RegisterPoint inUnit =
          new RegisterPoint(
              p.quantity(),
              3,
              p.printedAddress(),
              p.address(),
              p.type(),
              p.words(),
              p.wordOrder(),
              toUnit,
              1,
              p.unit(),
              true);
      return inUnit.decode(block, p.address(), (int) exponent.getAsLong());
    }

    private static String text(byte[] words) {
      int end = 0;
      while (end < words.length && words[end] != 0) {
        end++;
      }
      return new String(words, 0, end, StandardCharsets.US_ASCII).trim();
    }
  }

  static int u16(byte[] bytes, int word) {
    return ((bytes[word * 2] & 0xFF) << 8) | (bytes[word * 2 + 1] & 0xFF);
  }
}
