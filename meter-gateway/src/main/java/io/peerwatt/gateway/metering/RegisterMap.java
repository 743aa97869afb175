package io.peerwatt.gateway.metering;

import io.peerwatt.protocol.encoding.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A meter model's register map, loaded from a data file in {@code
 * io/peerwatt/gateway/metering/maps/} (addresses as the manual prints them) or, for SunSpec integer
 * meters, from the SunSpec model definition JSON. Quantities the gateway reads: {@code importTotal}
 * and {@code exportTotal} (always required), {@code powerTotal}, {@code voltageL1}, and, once per
 * connection, {@code serial} and {@code identity}. A map file may also say how many registers the
 * meter answers in one request ({@code max-registers N}, default the Modbus limit of 125) and which
 * address ranges it does not answer at all ({@code gap FC FROM TO}); reads are planned around both
 * ({@link ReadPlan}).
 *
 * @param maxRegisters most registers one request may ask for
 * @param gaps ranges the meter does not answer, which no read may span
 */
record RegisterMap(
    String name, Map<String, RegisterPoint> points, int maxRegisters, List<Gap> gaps) {

  static final String IMPORT = "importTotal";
  static final String EXPORT = "exportTotal";
  static final String POWER = "powerTotal";
  static final String VOLTAGE = "voltageL1";
  static final String SERIAL = "serial";
  static final String IDENTITY = "identity";

  /** The Modbus limit for one read of holding or input registers. */
  static final int MODBUS_MAX_REGISTERS = 125;

  /**
   * Registers {@code from..to} (zero-based protocol addresses, inclusive) of function code {@code
   * functionCode} that the meter does not answer.
   */
  record Gap(int functionCode, int from, int to) {
    boolean overlaps(int functionCode, int first, int last) {
      return this.functionCode == functionCode && from <= last && to >= first;
    }
  }

  RegisterPoint point(String quantity) {
    RegisterPoint point = points.get(quantity);
    if (point == null) {
      throw new IllegalStateException("map " + name + " has no " + quantity);
    }
    return point;
  }

  /**
   * The points read on every poll: everything but the serial and identity (read once per
   * connection).
   */
  List<RegisterPoint> pollPoints() {
    List<RegisterPoint> out = new ArrayList<>();
    for (RegisterPoint p : points.values()) {
      if (!p.quantity().equals(SERIAL) && !p.quantity().equals(IDENTITY)) {
        out.add(p);
      }
    }
    return out;
  }

  /** Loads {@code maps/<name>.map}. */
  static RegisterMap load(String name) {
    boolean sunSpec = name.startsWith("sunspec");
    Map<String, RegisterPoint> points = new LinkedHashMap<>();
    List<Gap> gaps = new ArrayList<>();
    int maxRegisters = MODBUS_MAX_REGISTERS;
    int lineNo = 0;
    for (String line : resource("maps/" + name + ".map").split("\n")) {
      lineNo++;
      int hash = line.indexOf('#');
      String content = (hash >= 0 ? line.substring(0, hash) : line).trim();
      if (content.isEmpty()) {
        continue;
      }
      String[] f = content.split("\\s+");
      try {
        switch (f[0]) {
          case "max-registers" -> {
            maxRegisters = Integer.parseInt(f[1]);
            if (f.length != 2 || maxRegisters < 2 || maxRegisters > MODBUS_MAX_REGISTERS) {
              throw new IllegalArgumentException(
                  "max-registers takes one number 2.." + MODBUS_MAX_REGISTERS);
            }
          }
          case "gap" -> {
            if (f.length != 4) {
              throw new IllegalArgumentException("gap takes FC FROM TO");
            }
            int fc = Integer.parseInt(f[1]);
            int from = protocolAddress(fc, Integer.parseInt(f[2]));
            int to = protocolAddress(fc, Integer.parseInt(f[3]));
            if (to < from) {
              throw new IllegalArgumentException("gap ends before it starts");
            }
            gaps.add(new Gap(fc, from, to));
          }
          default -> {
            RegisterPoint point = sunSpec ? sunSpecPoint(f) : fixedPoint(f);
            if (points.put(point.quantity(), point) != null) {
              throw new IllegalArgumentException(point.quantity() + " is listed twice");
            }
          }
        }
      } catch (RuntimeException e) {
        throw new IllegalStateException(
            "maps/" + name + ".map line " + lineNo + ": " + e.getMessage(), e);
      }
    }
    for (RegisterPoint p : points.values()) {
      boolean counter = p.quantity().equals(IMPORT) || p.quantity().equals(EXPORT);
      if (counter != p.required()) {
        throw new IllegalStateException(
            "maps/"
                + name
                + ".map: "
                + p.quantity()
                + " must be "
                + (counter ? "required" : "optional")
                + " (only the energy counters are required)");
      }
      if (p.words() > maxRegisters) {
        throw new IllegalStateException(
            "maps/" + name + ".map: " + p.quantity() + " is wider than max-registers");
      }
      for (Gap g : gaps) {
        if (g.overlaps(p.functionCode(), p.address(), p.lastAddress())) {
          throw new IllegalStateException(
              "maps/" + name + ".map: " + p.quantity() + " lies in a gap");
        }
      }
    }
    if (!points.containsKey(IMPORT) || !points.containsKey(EXPORT)) {
      throw new IllegalStateException("maps/" + name + ".map needs " + IMPORT + " and " + EXPORT);
    }
    return new RegisterMap(
        name, Collections.unmodifiableMap(points), maxRegisters, List.copyOf(gaps));
  }

  // quantity fc address type words scale unit need
  private static RegisterPoint fixedPoint(String[] f) {
    if (f.length != 8) {
      throw new IllegalArgumentException("expected 8 fields, got " + f.length);
    }
    int fc = Integer.parseInt(f[1]);
    int printed = Integer.parseInt(f[2]);
    RegisterType type = RegisterType.parse(f[3]);
    long[] scale = scale(f[5]);
    return new RegisterPoint(
        f[0],
        fc,
        printed,
        protocolAddress(fc, printed),
        type,
        words(type, f[3]),
        WordOrder.parse(f[4]),
        scale[0],
        scale[1],
        f[6],
        false,
        need(f[7]));
  }

  // quantity offset type words scale unit need
  private static RegisterPoint sunSpecPoint(String[] f) {
    if (f.length != 7) {
      throw new IllegalArgumentException("expected 7 fields, got " + f.length);
    }
    int offset = Integer.parseInt(f[1]);
    RegisterType type = RegisterType.parse(f[2]);
    long[] scale = scale(f[4]);
    return new RegisterPoint(
        f[0],
        3,
        offset,
        offset,
        type,
        words(type, f[2]),
        WordOrder.parse(f[3]),
        scale[0],
        scale[1],
        f[5],
        true,
        need(f[6]));
  }

  private static boolean need(String text) {
    return switch (text) {
      case "required" -> true;
      case "optional" -> false;
      default ->
          throw new IllegalArgumentException("need must be required or optional, got " + text);
    };
  }

  /**
   * Turns a printed Modbus address into the zero-based protocol address: input registers print as
   * 3xxxx / 3xxxxx (30001 = 0), holding registers as 4xxxx / 4xxxxx (40001 = 0).
   */
  static int protocolAddress(int functionCode, int printed) {
    String digits = Integer.toString(printed);
    char kind = digits.charAt(0);
    if ((functionCode == 4 && kind != '3') || (functionCode == 3 && kind != '4')) {
      throw new IllegalArgumentException(
          "address " + printed + " does not belong to function code " + functionCode);
    }
    int base = digits.length() == 5 ? (kind - '0') * 10_000 + 1 : (kind - '0') * 100_000 + 1;
    if (digits.length() != 5 && digits.length() != 6) {
      throw new IllegalArgumentException("address " + printed + " is not 5 or 6 digits");
    }
    int address = printed - base;
    if (address < 0 || address > 0xFFFF) {
      throw new IllegalArgumentException("address " + printed + " out of range");
    }
    return address;
  }

  private static int words(RegisterType type, String text) {
    if (type == RegisterType.STRING) {
      int chars = Integer.parseInt(text.substring("string".length()));
      return (chars + 1) / 2;
    }
    return type.words();
  }

  private static long[] scale(String text) {
    long factor = Long.parseLong(text.substring(1));
    if (factor <= 0) {
      throw new IllegalArgumentException("scale must be positive: " + text);
    }
    return switch (text.charAt(0)) {
      case '*' -> new long[] {factor, 1};
      case '/' -> new long[] {1, factor};
      default -> throw new IllegalArgumentException("scale must be *N or /N: " + text);
    };
  }

  /**
   * The SunSpec integer meter points a reading needs: the energy counters and their scale factor.
   */
  private static final Set<String> SUNSPEC_INT_REQUIRED =
      Set.of("TotWhImp", "TotWhExp", "TotWh_SF");

  /**
   * The SunSpec integer meter map (models 201-204 share one layout) built from the SunSpec model
   * definition {@code sunspec/model_<id>.json}: each point's offset from the model's ID register,
   * type and scale-factor point. Scale factors are separate points ({@code V_SF}, ...), applied by
   * the reader.
   */
  static SunSpecIntMeter sunSpecIntMeter(int modelId) {
    Map<String, Object> model = Json.parseObject(resource("sunspec/model_" + modelId + ".json"));
    @SuppressWarnings("unchecked")
    Map<String, Object> group = (Map<String, Object>) model.get("group");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> pointList = (List<Map<String, Object>>) group.get("points");
    Map<String, RegisterPoint> byName = new LinkedHashMap<>();
    Map<String, String> scaleFactorOf = new LinkedHashMap<>();
    int offset = 0;
    for (Map<String, Object> p : pointList) {
      String pointName = (String) p.get("name");
      String typeName = (String) p.get("type");
      int size = Math.toIntExact((Long) p.get("size"));
      if (!typeName.equals("pad")
          && !typeName.equals("bitfield32")
          && !typeName.equals("string")
          && !typeName.equals("enum16")
          && !typeName.equals("bitfield16")) {
        byName.put(
            pointName,
            new RegisterPoint(
                pointName,
                3,
                offset,
                offset,
                RegisterType.parse(typeName),
                size,
                WordOrder.MSW_FIRST,
                1,
                1,
                p.get("units") instanceof String u ? u : "-",
                true,
                SUNSPEC_INT_REQUIRED.contains(pointName)));
      }
      if (p.get("sf") instanceof String sf) {
        scaleFactorOf.put(pointName, sf);
      }
      offset += size;
    }
    return new SunSpecIntMeter(modelId, offset, byName, scaleFactorOf);
  }

  /**
   * SunSpec integer meter layout: points by SunSpec name with offsets from the ID register, the
   * scale-factor point of each, and the total length in registers including ID and L.
   */
  record SunSpecIntMeter(
      int modelId,
      int lengthWithHeader,
      Map<String, RegisterPoint> points,
      Map<String, String> scaleFactorOf) {}

  static String resource(String path) {
    try (InputStream in = RegisterMap.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
