package io.peerwatt.protocol.bsv;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads the node's JSON vector files. They hold only arrays, strings and integers, so this small
 * reader keeps the tests free of the production JSON code they might one day exercise.
 */
final class Vectors {
  private final String text;
  private int pos;

  private Vectors(String text) {
    this.text = text;
  }

  /** The node's vector file {@code file}, from the test classpath ({@code vectors/bitcoin-sv/}). */
  static String bitcoinSv(String file) {
    try (InputStream in = Vectors.class.getResourceAsStream("/vectors/bitcoin-sv/" + file)) {
      if (in == null) {
        throw new IllegalStateException("no test resource vectors/bitcoin-sv/" + file);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The top-level array of a vector file; each element is a List, String, Long or BigDecimal. */
  static List<Object> load(String file) {
    return castList(new Vectors(bitcoinSv(file)).value());
  }

  @SuppressWarnings("unchecked")
  static List<Object> castList(Object o) {
    return (List<Object>) o;
  }

  private void ws() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private Object value() {
    ws();
    char c = text.charAt(pos);
    if (c == '[') {
      pos++;
      List<Object> list = new ArrayList<>();
      ws();
      if (text.charAt(pos) == ']') {
        pos++;
        return list;
      }
      while (true) {
        list.add(value());
        ws();
        char d = text.charAt(pos++);
        if (d == ']') {
          return list;
        }
        if (d != ',') {
          throw new IllegalStateException("expected , at " + pos);
        }
      }
    }
    if (c == '"') {
      pos++;
      StringBuilder sb = new StringBuilder();
      while (true) {
        char d = text.charAt(pos++);
        if (d == '"') {
          return sb.toString();
        }
        if (d == '\\') {
          char e = text.charAt(pos++);
          switch (e) {
            case 'n' -> sb.append('\n');
            case 't' -> sb.append('\t');
            case 'u' -> {
              sb.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
              pos += 4;
            }
            default -> sb.append(e);
          }
        } else {
          sb.append(d);
        }
      }
    }
    int start = pos;
    while (pos < text.length() && "-0123456789.eE+".indexOf(text.charAt(pos)) >= 0) {
      pos++;
    }
    if (start == pos) {
      throw new IllegalStateException("unexpected " + c + " at " + pos);
    }
    String number = text.substring(start, pos);
    if (number.matches("-?\\d+")) {
      return Long.parseLong(number);
    }
    return new java.math.BigDecimal(number);
  }
}
