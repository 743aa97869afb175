package io.peerwatt.deploy.gateway;

import io.peerwatt.deploy.UserError;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Typed values of the gateway's YAML config file, read strictly: an unknown key, a wrong type or a
 * bad value is a {@link UserError} naming the file and the key path, e.g. {@code meters[1].unit}.
 * The file is parsed by SnakeYAML into maps, lists and scalars (no object binding, no duplicate
 * keys).
 */
final class StrictYaml {
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(|k|M|G)i?B?");

  private final Path file;

  StrictYaml(Path file) {
    this.file = file;
  }

  /** The document; it must be a YAML mapping. */
  Map<String, Object> read() {
    if (!Files.isReadable(file)) {
      throw new UserError("cannot read gateway config " + file);
    }
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    Object document;
    try {
      document =
          new Yaml(new SafeConstructor(options))
              .load(Files.readString(file, StandardCharsets.UTF_8));
    } catch (MarkedYAMLException e) {
      throw new UserError(
          "gateway config "
              + file
              + " is not valid YAML: "
              + e.getProblem()
              + (e.getProblemMark() == null
                  ? ""
                  : " (line " + (e.getProblemMark().getLine() + 1) + ")"));
    } catch (YAMLException e) {
      throw new UserError("gateway config " + file + " is not valid YAML: " + e.getMessage());
    } catch (IOException e) {
      throw new UserError("cannot read gateway config " + file + ": " + e.getMessage());
    }
    if (!(document instanceof Map<?, ?>)) {
      throw new UserError("gateway config " + file + " must be a YAML mapping");
    }
    return mapping(document, "");
  }

  /** Every key of {@code node} must be in {@code allowed}. */
  void keys(Map<String, Object> node, String prefix, Set<String> allowed) {
    for (String key : node.keySet()) {
      if (!allowed.contains(key)) {
        throw new UserError(
            file
                + ": unknown key '"
                + prefix
                + key
                + "' (known here: "
                + String.join(", ", allowed.stream().sorted().toList())
                + ")");
      }
    }
  }

  /** The mapping under {@code key} (empty when absent), holding only {@code allowed} keys. */
  Map<String, Object> section(Map<String, Object> root, String key, Set<String> allowed) {
    if (!root.containsKey(key)) {
      return Map.of();
    }
    Object node = root.get(key);
    if (!(node instanceof Map<?, ?>)) {
      throw error(key, "must be a mapping");
    }
    Map<String, Object> section = mapping(node, key);
    keys(section, key + ".", allowed);
    return section;
  }

  /** The list under {@code key}, or null when absent. */
  List<?> list(Map<String, Object> node, String key) {
    Object v = node.get(key);
    return v instanceof List<?> list ? list : null;
  }

  /** {@code value} as a mapping with text keys, or the error for {@code path}. */
  @SuppressWarnings("unchecked")
  Map<String, Object> mapping(Object value, String path) {
    if (!(value instanceof Map<?, ?> map)) {
      throw error(path, "must be a mapping");
    }
    for (Object key : map.keySet()) {
      if (!(key instanceof String)) {
        throw error(path, "has a key that is not text: " + key);
      }
    }
    return (Map<String, Object>) map;
  }

  /** The text under {@code key}, which must be there. */
  String required(Map<String, Object> node, String key, String at) {
    if (!node.containsKey(key)) {
      throw error(at + "." + key, "is required");
    }
    return text(node, key, at + "." + key);
  }

  String text(Map<String, Object> node, String key, String path) {
    Object v = node.get(key);
    if (!(v instanceof String) && !(v instanceof Number)) {
      throw error(path, "must be a string");
    }
    return v.toString();
  }

  boolean bool(Map<String, Object> node, String key, String path) {
    if (!(node.get(key) instanceof Boolean b)) {
      throw error(path, "must be true or false");
    }
    return b;
  }

  /** A whole number, or {@code fallback} when absent. */
  long integer(Map<String, Object> node, String key, String path, long fallback) {
    if (!node.containsKey(key)) {
      return fallback;
    }
    Object v = node.get(key);
    if (v instanceof Integer || v instanceof Long) {
      return ((Number) v).longValue();
    }
    if (v instanceof BigInteger) {
      throw error(path, "is too large");
    }
    throw error(path, "must be a whole number");
  }

  /**
   * A duration like {@code 500ms}, {@code 5s}, {@code 2m} or {@code 1h}, or {@code fallback} when
   * absent.
   */
  Duration duration(Map<String, Object> node, String key, String path, Duration fallback) {
    if (!node.containsKey(key)) {
      return fallback;
    }
    String text = text(node, key, path).trim();
    Matcher m = DURATION.matcher(text);
    if (!m.matches()) {
      throw error(path, "must be a duration like 500ms, 5s, 2m or 1h; got " + text);
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }

  /**
   * A byte size like {@code 268435456}, {@code 256MiB} or {@code 4MB}, or {@code fallback} when
   * absent.
   */
  long size(Map<String, Object> node, String key, String path, long fallback) {
    if (!node.containsKey(key)) {
      return fallback;
    }
    String text = text(node, key, path).trim();
    Matcher m = SIZE.matcher(text);
    if (!m.matches()) {
      throw error(path, "must be a size like 268435456, 256MiB or 4MB; got " + text);
    }
    long n = Long.parseLong(m.group(1));
    int shift =
        switch (m.group(2)) {
          case "k" -> 10;
          case "M" -> 20;
          case "G" -> 30;
          default -> 0;
        };
    return Math.multiplyExact(n, 1L << shift);
  }

  /** The error for the value at {@code path}. */
  UserError error(String path, String what) {
    return new UserError(file + ": " + path + " " + what);
  }

  /** The error for a value a config record refused. */
  UserError invalid(IllegalArgumentException e) {
    return new UserError(file + ": " + e.getMessage());
  }
}
