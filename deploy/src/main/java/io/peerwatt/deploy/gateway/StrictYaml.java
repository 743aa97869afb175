package io.peerwatt.deploy.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.peerwatt.deploy.UserError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Typed values of the gateway's YAML config file, read strictly: an unknown key, a wrong type or a
 * bad value is a {@link UserError} naming the file and the key path, e.g. {@code meters[1].unit}.
 */
final class StrictYaml {
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(|k|M|G)i?B?");

  private final Path file;

  StrictYaml(Path file) {
    this.file = file;
  }

  /** The document; it must be a YAML mapping. */
  JsonNode read() {
    if (!Files.isReadable(file)) {
      throw new UserError("cannot read gateway config " + file);
    }
    try {
      JsonNode node =
          new ObjectMapper(new YAMLFactory())
              .readTree(Files.readString(file, StandardCharsets.UTF_8));
      if (node == null || !node.isObject()) {
        throw new UserError("gateway config " + file + " must be a YAML mapping");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new UserError(
          "gateway config "
              + file
              + " is not valid YAML: "
              + e.getOriginalMessage()
              + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
    } catch (IOException e) {
      throw new UserError("cannot read gateway config " + file + ": " + e.getMessage());
    }
  }

  /** Every key of {@code node} must be in {@code allowed}. */
  void keys(JsonNode node, String prefix, Set<String> allowed) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
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
  JsonNode section(JsonNode root, String key, Set<String> allowed) {
    if (!root.has(key)) {
      return new ObjectMapper().createObjectNode();
    }
    JsonNode node = root.get(key);
    if (!node.isObject()) {
      throw error(key, "must be a mapping");
    }
    keys(node, key + ".", allowed);
    return node;
  }

  /** The text under {@code key}, which must be there. */
  String required(JsonNode node, String key, String at) {
    if (!node.has(key)) {
      throw error(at + "." + key, "is required");
    }
    return text(node, key, at + "." + key);
  }

  String text(JsonNode node, String key, String path) {
    JsonNode v = node.get(key);
    if (!v.isTextual() && !v.isNumber()) {
      throw error(path, "must be a string");
    }
    return v.asText();
  }

  boolean bool(JsonNode node, String key, String path) {
    JsonNode v = node.get(key);
    if (!v.isBoolean()) {
      throw error(path, "must be true or false");
    }
    return v.booleanValue();
  }

  /** A whole number, or {@code fallback} when absent. */
  long integer(JsonNode node, String key, String path, long fallback) {
    if (!node.has(key)) {
      return fallback;
    }
    JsonNode v = node.get(key);
    if (!v.isIntegralNumber()) {
      throw error(path, "must be a whole number");
    }
    return v.longValue();
  }

  /**
   * A duration like {@code 500ms}, {@code 5s}, {@code 2m} or {@code 1h}, or {@code fallback} when
   * absent.
   */
  Duration duration(JsonNode node, String key, String path, Duration fallback) {
    if (!node.has(key)) {
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
  long size(JsonNode node, String key, String path, long fallback) {
    if (!node.has(key)) {
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
