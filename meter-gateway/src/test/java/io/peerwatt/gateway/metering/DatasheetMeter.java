package io.peerwatt.gateway.metering;

import com.digitalpetri.modbus.ExceptionCode;
import com.digitalpetri.modbus.exceptions.ModbusResponseException;
import io.peerwatt.protocol.encoding.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A meter that serves exactly the registers its maker's document lists (tables in {@code
 * src/test/resources/datasheets/}) and nothing more: a read touching any other register is refused
 * with exception 2, a read of more registers than the document allows at once with exception 3.
 * Values are set by register name; a listed register without a value reads 0 (Eastron) or "not
 * implemented" (SunSpec).
 */
final class DatasheetMeter implements SimulatedMeter {
  private static final int SUNSPEC_BASE = 40000;

  private final int unitId;
  private final int limit;

  /** (function code << 16 | address) to the register's two bytes. */
  private final Map<Integer, byte[]> registers = new HashMap<>();

  private DatasheetMeter(int unitId, int limit) {
    this.unitId = unitId;
    this.limit = limit;
  }

  /**
   * An Eastron meter from {@code datasheets/<table>.registers}, with {@code values} by register
   * name (floats in the document's unit, the serial as a whole number).
   */
  static DatasheetMeter eastron(String table, int unitId, Map<String, Number> values) {
    String text = resource("/datasheets/" + table + ".registers");
    int limit = RegisterMap.MODBUS_MAX_REGISTERS;
    for (String line : text.split("\n")) {
      String content =
          line.contains("#") ? line.substring(0, line.indexOf('#')).trim() : line.trim();
      if (content.startsWith("limit")) {
        limit = Integer.parseInt(content.split("\\s+")[1]);
      }
    }
    DatasheetMeter meter = new DatasheetMeter(unitId, limit);
    for (String line : text.split("\n")) {
      String content =
          line.contains("#") ? line.substring(0, line.indexOf('#')).trim() : line.trim();
      if (content.isEmpty() || content.startsWith("limit")) {
        continue;
      }
      String[] f = content.split("\\s+");
      int fc = Integer.parseInt(f[0]);
      int address = RegisterMap.protocolAddress(fc, Integer.parseInt(f[1]));
      Number value = values.getOrDefault(f[3], 0);
      byte[] bytes =
          switch (f[2]) {
            case "float32" -> int32(Float.floatToIntBits(value.floatValue()));
            case "uint32" -> int32((int) value.longValue());
            default -> throw new IllegalArgumentException("type " + f[2]);
          };
      meter.putAll(fc, address, bytes);
    }
    return meter;
  }

  /**
   * A SunSpec device: 'SunS' at 40000, the common model (from the SunSpec definition in the test
   * vectors) with serial {@code serial}, float meter model {@code modelId} with {@code values} by
   * point name (every other point NaN, "not implemented"), and the end marker.
   */
  static DatasheetMeter sunSpecFloat(
      int modelId, int unitId, String serial, Map<String, Float> values) {
    DatasheetMeter meter = new DatasheetMeter(unitId, RegisterMap.MODBUS_MAX_REGISTERS);
    int at = SUNSPEC_BASE;
    meter.put(3, at++, word(0x5375));
    meter.put(3, at++, word(0x6E53));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> common =
        (List<Map<String, Object>>)
            ((Map<String, Object>)
                    Json.parseObject(resource("/vectors/sunspec/model_1.json")).get("group"))
                .get("points");
    int commonStart = at;
    for (Map<String, Object> p : common) {
      int size = Math.toIntExact((Long) p.get("size"));
      byte[] bytes = new byte[size * 2];
      switch ((String) p.get("name")) {
        case "ID" -> bytes = word(1);
        case "L" -> bytes = word(66);
        case "Mn" -> bytes = text("Datasheet", size);
        case "Md" -> bytes = text("M" + modelId, size);
        case "SN" -> bytes = text(serial, size);
        default -> {}
      }
      meter.putAll(3, at, bytes);
      at += size;
    }
    if (at - commonStart != 68) {
      throw new IllegalStateException("common model is " + (at - commonStart) + " registers");
    }
    meter.put(3, at++, word(modelId));
    meter.put(3, at++, word(124));
    for (String line : resource("/datasheets/sunspec-float-meter.points").split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.trim().split("\\s+");
      int size = Integer.parseInt(f[1]);
      byte[] bytes =
          f[2].equals("float32")
              ? int32(Float.floatToIntBits(values.getOrDefault(f[0], Float.NaN)))
              : new byte[size * 2];
      meter.putAll(3, at, bytes);
      at += size;
    }
    meter.put(3, at++, word(0xFFFF));
    meter.put(3, at, word(0));
    return meter;
  }

  @Override
  public int unitId() {
    return unitId;
  }

  @Override
  public synchronized byte[] answer(int functionCode, int address, int quantity)
      throws ModbusResponseException {
    if (quantity > limit) {
      throw new ModbusResponseException(functionCode, ExceptionCode.ILLEGAL_DATA_VALUE.getCode());
    }
    byte[] out = new byte[quantity * 2];
    for (int i = 0; i < quantity; i++) {
      byte[] word = registers.get(key(functionCode, address + i));
      if (word == null) {
        throw new ModbusResponseException(
            functionCode, ExceptionCode.ILLEGAL_DATA_ADDRESS.getCode());
      }
      out[2 * i] = word[0];
      out[2 * i + 1] = word[1];
    }
    return out;
  }

  private void put(int fc, int address, byte[] word) {
    registers.put(key(fc, address), word);
  }

  private void putAll(int fc, int address, byte[] bytes) {
    for (int i = 0; i < bytes.length / 2; i++) {
      put(fc, address + i, new byte[] {bytes[2 * i], bytes[2 * i + 1]});
    }
  }

  /**
   * A register pair of {@code bits}, most significant word first (as these documents order them).
   */
  private static byte[] int32(int bits) {
    return new byte[] {
      (byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits
    };
  }

  private static byte[] word(int value) {
    return new byte[] {(byte) (value >>> 8), (byte) value};
  }

  private static byte[] text(String value, int registerCount) {
    byte[] out = new byte[registerCount * 2];
    byte[] ascii = value.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(ascii, 0, out, 0, Math.min(out.length, ascii.length));
    return out;
  }

  private static int key(int fc, int address) {
    return fc << 16 | address;
  }

  private static String resource(String path) {
    try (InputStream in = DatasheetMeter.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
