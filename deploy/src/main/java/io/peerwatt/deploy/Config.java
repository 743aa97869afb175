package io.peerwatt.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Settings from one YAML file, then {@code PEERWATT_*} environment variables, then command-line
 * flags (each later source wins). Only declared keys are accepted: an unknown key in the file is an
 * error naming the key and the file. Values ending in {@code -file} name a file whose content is
 * the secret.
 */
public final class Config {
  private final Map<String, ConfigKey> keys;
  private final Map<String, String> values;
  private final Map<String, String> sources;

  private Config(
      Map<String, ConfigKey> keys, Map<String, String> values, Map<String, String> sources) {
    this.keys = keys;
    this.values = values;
    this.sources = sources;
  }

  /**
   * Loads the settings.
   *
   * @param declared every key the command understands
   * @param file the YAML file, or null for none
   * @param env the environment (normally {@code System.getenv()})
   * @param flags values given on the command line, by key name (null values are ignored)
   * @throws UserError for an unreadable file, malformed YAML or an unknown key
   */
  public static Config load(
      Collection<ConfigKey> declared,
      Path file,
      Map<String, String> env,
      Map<String, String> flags) {
    Map<String, ConfigKey> keys = new LinkedHashMap<>();
    declared.forEach(k -> keys.put(k.name(), k));
    Map<String, String> values = new LinkedHashMap<>();
    Map<String, String> sources = new LinkedHashMap<>();
    for (ConfigKey k : declared) {
      if (k.defaultValue() != null) {
        values.put(k.name(), k.defaultValue());
        sources.put(k.name(), "default");
      }
    }
    if (file != null) {
      Map<String, String> fromFile = new LinkedHashMap<>();
      flatten("", readYaml(file), fromFile);
      for (var e : fromFile.entrySet()) {
        if (!keys.containsKey(e.getKey())) {
          throw new UserError(
              "unknown config key '"
                  + e.getKey()
                  + "' in "
                  + file
                  + " (known keys: "
                  + String.join(", ", keys.keySet())
                  + ")");
        }
        values.put(e.getKey(), e.getValue());
        sources.put(e.getKey(), file.toString());
      }
    }
    for (ConfigKey k : declared) {
      String v = env.get(k.envName());
      if (v != null) {
        values.put(k.name(), v);
        sources.put(k.name(), "environment " + k.envName());
      }
    }
    flags.forEach(
        (name, v) -> {
          if (v != null) {
            if (!keys.containsKey(name)) {
              throw new IllegalArgumentException("flag for undeclared key " + name);
            }
            values.put(name, v);
            sources.put(name, "command line");
          }
        });
    return new Config(keys, values, sources);
  }

  private static JsonNode readYaml(Path file) {
    if (!Files.isReadable(file)) {
      throw new UserError("cannot read config file " + file);
    }
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      JsonNode node = new ObjectMapper(new YAMLFactory()).readTree(text);
      if (node == null || node.isMissingNode() || node.isNull()) {
        return new ObjectMapper().createObjectNode();
      }
      if (!node.isObject()) {
        throw new UserError("config file " + file + " must be a YAML mapping of keys to values");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new UserError(
          "config file "
              + file
              + " is not valid YAML: "
              + e.getOriginalMessage()
              + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
    } catch (IOException e) {
      throw new UserError("cannot read config file " + file + ": " + e.getMessage());
    }
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        var e = it.next();
        flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
      }
    } else if (node.isArray()) {
      List<String> items = new java.util.ArrayList<>();
      node.forEach(n -> items.add(n.asText()));
      out.put(prefix, String.join(",", items));
    } else if (!node.isNull()) {
      out.put(prefix, node.asText());
    }
  }

  /** The value, or null when neither set nor defaulted. */
  public String get(String name) {
    requireDeclared(name);
    return values.get(name);
  }

  public String require(String name) {
    String v = get(name);
    if (v == null || v.isBlank()) {
      throw new UserError(
          "config key '"
              + name
              + "' is required (set it in the config file or "
              + keys.get(name).envName()
              + ")");
    }
    return v;
  }

  public int getInt(String name, int min, int max) {
    String v = get(name);
    try {
      int i = Integer.parseInt(v.trim());
      if (i < min || i > max) {
        throw new NumberFormatException();
      }
      return i;
    } catch (NumberFormatException | NullPointerException e) {
      throw new UserError(
          "config key '"
              + name
              + "' must be a whole number from "
              + min
              + " to "
              + max
              + ", got '"
              + v
              + "' from "
              + sources.getOrDefault(name, "nowhere"));
    }
  }

  /** A path value with a leading {@code ~/} meaning the user's home. */
  public Path getPath(String name) {
    String v = get(name);
    if (v == null || v.isBlank()) {
      return null;
    }
    if (v.equals("~") || v.startsWith("~/")) {
      return Path.of(System.getProperty("user.home")).resolve(v.equals("~") ? "" : v.substring(2));
    }
    return Path.of(v);
  }

  /**
   * A secret given either directly under {@code name} or as a file under {@code name-file}; the
   * file wins, and its trailing newline is dropped.
   */
  public String secret(String name) {
    Path file = getPath(name + "-file");
    if (file != null) {
      try {
        return Files.readString(file, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new UserError(
            "cannot read secret file "
                + file
                + " for config key '"
                + name
                + "': "
                + e.getMessage());
      }
    }
    return get(name);
  }

  private void requireDeclared(String name) {
    if (!keys.containsKey(name)) {
      throw new IllegalArgumentException("undeclared config key " + name);
    }
  }
}
