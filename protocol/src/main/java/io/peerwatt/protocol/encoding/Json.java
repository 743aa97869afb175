package io.peerwatt.protocol.encoding;

import io.peerwatt.protocol.FormatException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Minimal JSON (RFC 8259) for the protocol's JSON forms, because this module uses no JSON library.
 *
 * <p>Parsing yields {@code Map<String, Object>} (keys in document order, duplicates rejected),
 * {@code List<Object>}, {@code String}, {@code Long} for integers that fit, {@code BigInteger} for
 * larger integers, {@code BigDecimal} for numbers with a fraction or exponent (never float/double),
 * {@code Boolean} and {@link #NULL}. Errors are {@link FormatException}s naming the offset.
 *
 * <p>Writing accepts the same types (plus {@code Integer}, {@code Short}, {@code Byte} and {@code
 * null}); maps are written in their iteration order, so a {@code LinkedHashMap} built in a fixed
 * order gives stable output. {@link #write} is compact, {@link #writePretty} indents by two spaces.
 */
public final class Json {
  /** The JSON {@code null} in parsed documents (so a map can tell "null" from "absent"). */
  public static final Object NULL =
      new Object() {
        @Override
        public String toString() {
          return "null";
        }
      };

  private static final int MAX_DEPTH = 200;

  private Json() {}

  /** Parses one JSON value; anything but whitespace after it is an error. */
  public static Object parse(String text) {
    Parser p = new Parser(text);
    p.skipWhitespace();
    Object value = p.readValue(0);
    p.skipWhitespace();
    if (p.pos != text.length()) {
      throw p.error("unexpected text after the JSON value");
    }
    return value;
  }

  /** Parses a document that must be a JSON object. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> parseObject(String text) {
    Object value = parse(text);
    if (!(value instanceof Map)) {
      throw new FormatException("expected a JSON object at the top level");
    }
    return (Map<String, Object>) value;
  }

  /** Compact JSON. */
  public static String write(Object value) {
    StringBuilder sb = new StringBuilder();
    writeValue(sb, value, -1, 0);
    return sb.toString();
  }

  /** JSON indented by two spaces, one member per line. */
  public static String writePretty(Object value) {
    StringBuilder sb = new StringBuilder();
    writeValue(sb, value, 2, 0);
    return sb.toString();
  }

  private static void writeValue(StringBuilder sb, Object value, int indent, int level) {
    if (value == null || value == NULL) {
      sb.append("null");
    } else if (value instanceof String s) {
      writeString(sb, s);
    } else if (value instanceof Boolean b) {
      sb.append(b.booleanValue());
    } else if (value instanceof Long
        || value instanceof Integer
        || value instanceof Short
        || value instanceof Byte
        || value instanceof BigInteger) {
      sb.append(value);
    } else if (value instanceof BigDecimal d) {
      sb.append(d.toString());
    } else if (value instanceof Map<?, ?> map) {
      if (map.isEmpty()) {
        sb.append("{}");
        return;
      }
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String key)) {
          throw new IllegalArgumentException("JSON object keys must be strings: " + e.getKey());
        }
        if (!first) {
          sb.append(',');
        }
        first = false;
        newline(sb, indent, level + 1);
        writeString(sb, key);
        sb.append(indent >= 0 ? ": " : ":");
        writeValue(sb, e.getValue(), indent, level + 1);
      }
      newline(sb, indent, level);
      sb.append('}');
    } else if (value instanceof List<?> list) {
      if (list.isEmpty()) {
        sb.append("[]");
        return;
      }
      sb.append('[');
      boolean first = true;
      for (Object item : list) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        newline(sb, indent, level + 1);
        writeValue(sb, item, indent, level + 1);
      }
      newline(sb, indent, level);
      sb.append(']');
    } else {
      throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
    }
  }

  private static void newline(StringBuilder sb, int indent, int level) {
    if (indent >= 0) {
      sb.append('\n');
      sb.append(" ".repeat(indent * level));
    }
  }

  private static void writeString(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  // ---- typed access helpers for the protocol's JSON forms ----

  /** The member {@code name} of {@code object}; {@link FormatException} when absent. */
  public static Object member(Map<String, Object> object, String name) {
    Object v = object.get(name);
    if (v == null) {
      throw new FormatException("missing field \"" + name + "\"");
    }
    return v;
  }

  /** A string member. */
  public static String string(Map<String, Object> object, String name) {
    if (member(object, name) instanceof String s) {
      return s;
    }
    throw new FormatException("field \"" + name + "\" must be a string");
  }

  /** An integer member that fits in a long. */
  public static long integer(Map<String, Object> object, String name) {
    if (member(object, name) instanceof Long l) {
      return l;
    }
    throw new FormatException("field \"" + name + "\" must be an integer within the 64-bit range");
  }

  /** An integer member within [min, max]. */
  public static long integer(Map<String, Object> object, String name, long min, long max) {
    long v = integer(object, name);
    if (v < min || v > max) {
      throw new FormatException(
          "field \"" + name + "\" must be in [" + min + ", " + max + "], got " + v);
    }
    return v;
  }

  /** An object member. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> object(Map<String, Object> object, String name) {
    if (member(object, name) instanceof Map<?, ?> m) {
      return (Map<String, Object>) m;
    }
    throw new FormatException("field \"" + name + "\" must be an object");
  }

  /** An array member. */
  @SuppressWarnings("unchecked")
  public static List<Object> array(Map<String, Object> object, String name) {
    if (member(object, name) instanceof List<?> l) {
      return (List<Object>) l;
    }
    throw new FormatException("field \"" + name + "\" must be an array");
  }

  /** Rejects members other than {@code allowed}, so a typo cannot be silently ignored. */
  public static void requireOnly(Map<String, Object> object, String what, String... allowed) {
    List<String> names = List.of(allowed);
    for (String key : object.keySet()) {
      if (!names.contains(key)) {
        throw new FormatException("unknown field \"" + key + "\" in " + what);
      }
    }
  }

  private static final class Parser {
    private final String text;
    private int pos;

    Parser(String text) {
      this.text = text;
    }

    FormatException error(String message) {
      return new FormatException("JSON: " + message + " at offset " + pos);
    }

    void skipWhitespace() {
      while (pos < text.length()) {
        char c = text.charAt(pos);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
          pos++;
        } else {
          break;
        }
      }
    }

    Object readValue(int depth) {
      if (depth > MAX_DEPTH) {
        throw error("nesting deeper than " + MAX_DEPTH);
      }
      if (pos >= text.length()) {
        throw error("unexpected end of input");
      }
      char c = text.charAt(pos);
      return switch (c) {
        case '{' -> readObject(depth);
        case '[' -> readArray(depth);
        case '"' -> readString();
        case 't' -> literal("true", Boolean.TRUE);
        case 'f' -> literal("false", Boolean.FALSE);
        case 'n' -> literal("null", NULL);
        default -> {
          if (c == '-' || (c >= '0' && c <= '9')) {
            yield readNumber();
          }
          throw error("unexpected character '" + c + "'");
        }
      };
    }

    private Object literal(String word, Object value) {
      if (!text.startsWith(word, pos)) {
        throw error("invalid literal");
      }
      pos += word.length();
      return value;
    }

    private Map<String, Object> readObject(int depth) {
      pos++;
      Map<String, Object> map = new LinkedHashMap<>();
      skipWhitespace();
      if (peek() == '}') {
        pos++;
        return Collections.unmodifiableMap(map);
      }
      while (true) {
        skipWhitespace();
        if (peek() != '"') {
          throw error("expected a string key");
        }
        int keyAt = pos;
        String key = readString();
        skipWhitespace();
        expect(':');
        skipWhitespace();
        Object value = readValue(depth + 1);
        if (map.put(key, value) != null) {
          pos = keyAt;
          throw error("duplicate key \"" + key + "\"");
        }
        skipWhitespace();
        char c = peek();
        pos++;
        if (c == '}') {
          return Collections.unmodifiableMap(map);
        }
        if (c != ',') {
          pos--;
          throw error("expected ',' or '}'");
        }
      }
    }

    private List<Object> readArray(int depth) {
      pos++;
      List<Object> list = new ArrayList<>();
      skipWhitespace();
      if (peek() == ']') {
        pos++;
        return Collections.unmodifiableList(list);
      }
      while (true) {
        skipWhitespace();
        list.add(readValue(depth + 1));
        skipWhitespace();
        char c = peek();
        pos++;
        if (c == ']') {
          return Collections.unmodifiableList(list);
        }
        if (c != ',') {
          pos--;
          throw error("expected ',' or ']'");
        }
      }
    }

    private char peek() {
      if (pos >= text.length()) {
        throw error("unexpected end of input");
      }
      return text.charAt(pos);
    }

    private void expect(char c) {
      if (peek() != c) {
        throw error("expected '" + c + "'");
      }
      pos++;
    }

    private String readString() {
      pos++;
      // most strings (keys, hex, times) have no escape: take them in one piece
      for (int end = pos; end < text.length(); end++) {
        char c = text.charAt(end);
        if (c == '"') {
          String s = text.substring(pos, end);
          pos = end + 1;
          return s;
        }
        if (c == '\\' || c < 0x20) {
          break;
        }
      }
      StringBuilder sb = new StringBuilder();
      while (true) {
        if (pos >= text.length()) {
          throw error("unterminated string");
        }
        char c = text.charAt(pos++);
        if (c == '"') {
          return sb.toString();
        }
        if (c < 0x20) {
          pos--;
          throw error("control character in string");
        }
        if (c != '\\') {
          sb.append(c);
          continue;
        }
        char e = peek();
        pos++;
        switch (e) {
          case '"' -> sb.append('"');
          case '\\' -> sb.append('\\');
          case '/' -> sb.append('/');
          case 'b' -> sb.append('\b');
          case 'f' -> sb.append('\f');
          case 'n' -> sb.append('\n');
          case 'r' -> sb.append('\r');
          case 't' -> sb.append('\t');
          case 'u' -> {
            if (pos + 4 > text.length()) {
              throw error("truncated \\u escape");
            }
            int code = 0;
            for (int i = 0; i < 4; i++) {
              int d = Character.digit(text.charAt(pos + i), 16);
              if (d < 0) {
                throw error("invalid \\u escape");
              }
              code = code << 4 | d;
            }
            pos += 4;
            sb.append((char) code);
          }
          default -> {
            pos--;
            throw error("invalid escape '\\" + e + "'");
          }
        }
      }
    }

    private Object readNumber() {
      int start = pos;
      if (peek() == '-') {
        pos++;
      }
      if (pos >= text.length() || !Character.isDigit(text.charAt(pos))) {
        throw error("digit expected");
      }
      if (text.charAt(pos) == '0') {
        pos++;
        if (pos < text.length() && Character.isDigit(text.charAt(pos))) {
          throw error("leading zero in number");
        }
      } else {
        digits();
      }
      boolean integral = true;
      if (pos < text.length() && text.charAt(pos) == '.') {
        integral = false;
        pos++;
        if (digits() == 0) {
          throw error("digit expected after '.'");
        }
      }
      if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
        integral = false;
        pos++;
        if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
          pos++;
        }
        if (digits() == 0) {
          throw error("digit expected in exponent");
        }
      }
      String literal = text.substring(start, pos);
      if (!integral) {
        return new BigDecimal(literal);
      }
      if (literal.length() <= 18) {
        return Long.parseLong(literal); // 18 digits always fit in a long
      }
      BigInteger big = new BigInteger(literal);
      return big.bitLength() < 64 ? (Object) big.longValue() : big;
    }

    private int digits() {
      int n = 0;
      while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
        pos++;
        n++;
      }
      return n;
    }
  }
}
