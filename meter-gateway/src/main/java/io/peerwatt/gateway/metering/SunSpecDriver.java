package io.peerwatt.gateway.metering;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/** SunSpec meters: the 'SunS' marker, the common model (1) and one meter model. */
final class SunSpecDriver extends MeterDriver {
  private static final RegisterMap FLOAT_METER = RegisterMap.load("sunspec-float-meter");
  private static final RegisterMap.SunSpecIntMeter MODEL_201 = RegisterMap.sunSpecIntMeter(201);
  private static final RegisterMap.SunSpecIntMeter MODEL_203 = RegisterMap.sunSpecIntMeter(203);
  private static final int COMMON_MODEL = 1;
  private static final int SN_OFFSET = 50;
  private static final int SN_WORDS = 16;

  /** The SunSpec points of each quantity in the integer meters. */
  private static final Map<String, String> INT_POINTS =
      new LinkedHashMap<>(
          Map.of(
              RegisterMap.IMPORT,
              "TotWhImp",
              RegisterMap.EXPORT,
              "TotWhExp",
              RegisterMap.POWER,
              "W",
              RegisterMap.VOLTAGE,
              "PhVphA"));

  private final int modelId;
  private final int modelAddress;
  private final int commonAddress;
  private final String found;

  private SunSpecDriver(int modelId, int modelAddress, int commonAddress, String found) {
    this.modelId = modelId;
    this.modelAddress = modelAddress;
    this.commonAddress = commonAddress;
    this.found = found;
  }

  static SunSpecDriver scan(RegisterReader link) throws MeterException {
    MeterException lastFailure = null;
    for (int base : SUNSPEC_BASES) {
      byte[] marker;
      try {
        marker = link.read(3, base, 2);
      } catch (MeterException e) {
        if (isUnreachable(e)) {
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

  private static SunSpecDriver walk(RegisterReader link, int base) throws MeterException {
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
        return new SunSpecDriver(id, address, commonAddress, text);
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
  Set<String> optionalQuantities() {
    return Set.of(RegisterMap.POWER, RegisterMap.VOLTAGE);
  }

  @Override
  String readSerial(RegisterReader link) throws MeterException {
    if (commonAddress < 0) {
      return "";
    }
    return text(link.read(3, commonAddress + SN_OFFSET, SN_WORDS));
  }

  /** One request: the meter model from its ID register up to the last point the gateway reads. */
  @Override
  Map<String, OptionalLong> readValues(RegisterReader link) throws MeterException {
    return isIntMeter(modelId) ? readInt(link) : readFloat(link);
  }

  private Map<String, OptionalLong> readFloat(RegisterReader link) throws MeterException {
    int words = 0;
    for (RegisterPoint p : FLOAT_METER.points().values()) {
      words = Math.max(words, p.lastAddress() + 1);
    }
    byte[] block = link.read(3, modelAddress, words);
    Map<String, OptionalLong> values = new HashMap<>();
    for (RegisterPoint p : FLOAT_METER.points().values()) {
      values.put(p.quantity(), p.decode(block, p.address()));
    }
    return values;
  }

  private Map<String, OptionalLong> readInt(RegisterReader link) throws MeterException {
    RegisterMap.SunSpecIntMeter layout = modelId == 201 ? MODEL_201 : MODEL_203;
    int words = layout.points().get("TotWh_SF").address() + 1;
    byte[] block = link.read(3, modelAddress, words);
    Map<String, OptionalLong> values = new HashMap<>();
    for (Map.Entry<String, String> e : INT_POINTS.entrySet()) {
      long toUnit = e.getKey().equals(RegisterMap.VOLTAGE) ? 1000 : 1;
      values.put(e.getKey(), scaled(layout, block, e.getValue(), toUnit));
    }
    return values;
  }

  /**
   * A point with its SunSpec scale factor applied, times {@code toUnit} (1000 for V -> mV); empty
   * when the point or its scale factor is not implemented.
   */
  private OptionalLong scaled(
      RegisterMap.SunSpecIntMeter layout, byte[] block, String point, long toUnit)
      throws MeterException {
    RegisterPoint p = layout.points().get(point);
    RegisterPoint sf = layout.points().get(layout.scaleFactorOf().get(point));
    OptionalLong exponent = sf.decode(block, sf.address());
    if (exponent.isEmpty() || Math.abs(exponent.getAsLong()) > 10) {
      if (p.required()) {
        throw invalid(mapName(), sf.quantity(), "is not a usable scale factor");
      }
      return OptionalLong.empty();
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
            true,
            p.required());
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
