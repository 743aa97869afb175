package io.peerwatt.gateway.metering;

import io.peerwatt.protocol.encoding.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A meter model's register map, loaded from a data file in {@code
 * io/peerwatt/gateway/metering/maps/} (addresses as the manual prints them) or, for SunSpec integer
 * meters, from the SunSpec model definition JSON. Quantities the gateway needs: {@code
 * importTotal}, {@code exportTotal}, {@code powerTotal}, {@code voltageL1}, and optionally {@code
 * serial} and {@code identity}.
 */
record RegisterMap(String name, Map<String, RegisterPoint> points) {

  static final String IMPORT = "importTotal";
  static final String EXPORT = "exportTotal";
  static final String POWER = "powerTotal";
  static final String VOLTAGE = "voltageL1";
  static final String SERIAL = "serial";
  static final String IDENTITY = "identity";

  RegisterPoint point(String quantity) {
    RegisterPoint point = points.get(quantity);
    if (point == null) {
      throw new IllegalStateException("map " + name + " has no " + quantity);
    }
    return point;
  }

  /** Loads {@code maps/<name>.map}. */
  static RegisterMap load(String name) {
    boolean sunSpec = name.startsWith("sunspec");
    Map<String, RegisterPoint> points = new LinkedHashMap<>();
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
        RegisterPoint point = sunSpec ? sunSpecPoint(f) : fixedPoint(f);
        points.put(point.quantity(), point);
      } catch (RuntimeException e) {
        throw new IllegalStateException(
            "maps/" + name + ".map line " + lineNo + ": " + e.getMessage(), e);
      }
    }
    return new RegisterMap(name, Map.copyOf(points));
  }

  // quantity fc address type words scale unit
  private static RegisterPoint fixedPoint(String[] f) {
    if (f.length != 7) {
      throw new IllegalArgumentException("expected 7 fields, got " + f.length);
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
        false);
  }

  // quantity offset type words scale unit
  private static RegisterPoint sunSpecPoint(String[] f) {
    if (f.length != 6) {
      throw new IllegalArgumentException("expected 6 fields, got " + f.length);
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
        true);
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
                true));
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
