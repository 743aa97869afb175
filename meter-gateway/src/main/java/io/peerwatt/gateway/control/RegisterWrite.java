package io.peerwatt.gateway.control;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.encoding.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Holding registers to write from {@code address} (zero-based Modbus address), each an unsigned
 * 16-bit word.
 *
 * @param address the first register
 * @param words the values, 1..123 of them
 * @param point the SunSpec point names, for logs (e.g. {@code "124.OutWRte"})
 */
public record RegisterWrite(int address, List<Integer> words, String point) {
  public RegisterWrite {
    words = List.copyOf(words);
    if (address < 0 || address > 0xFFFF || words.isEmpty() || words.size() > 123) {
      throw new IllegalArgumentException("a register write needs an address and 1..123 words");
    }
    for (int w : words) {
      if (w < 0 || w > 0xFFFF) {
        throw new IllegalArgumentException("register words are 0..65535, got " + w);
      }
    }
  }

  /** One register. */
  public static RegisterWrite of(int address, int word, String point) {
    return new RegisterWrite(address, List.of(word & 0xFFFF), point);
  }

  /** The same registers with other values (what they held before). */
  public RegisterWrite withWords(List<Integer> previous) {
    return new RegisterWrite(address, previous, point);
  }

  Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("address", (long) address);
    List<Object> w = new ArrayList<>();
    words.forEach(x -> w.add((long) x));
    m.put("words", w);
    m.put("point", point);
    return m;
  }

  @SuppressWarnings("unchecked")
  static RegisterWrite fromJson(Object value) {
    if (!(value instanceof Map<?, ?> raw)) {
      throw new FormatException("a register write must be an object");
    }
    Map<String, Object> m = (Map<String, Object>) raw;
    Json.requireOnly(m, "register write", "address", "words", "point");
    List<Integer> words = new ArrayList<>();
    for (Object w : Json.array(m, "words")) {
      if (!(w instanceof Long l) || l < 0 || l > 0xFFFF) {
        throw new FormatException("register words must be integers 0..65535");
      }
      words.add(l.intValue());
    }
    try {
      return new RegisterWrite(
          (int) Json.integer(m, "address", 0, 0xFFFF), words, Json.string(m, "point"));
    } catch (IllegalArgumentException e) {
      throw new FormatException(e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return point + "@" + address + "=" + words;
  }
}
