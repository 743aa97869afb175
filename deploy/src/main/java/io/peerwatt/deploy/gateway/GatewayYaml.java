package io.peerwatt.deploy.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.peerwatt.deploy.UserError;
import io.peerwatt.gateway.GatewayConfig;
import io.peerwatt.gateway.metering.MapChoice;
import io.peerwatt.gateway.metering.MeterConfig;
import io.peerwatt.gateway.metering.MeterUri;
import io.peerwatt.gateway.platform.Uploader;
import io.peerwatt.gateway.wallet.WalletConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code gateway.yaml} (documented example: {@code deploy/examples/gateway.yaml}) into a
 * {@link GatewayConfig}. Strict: an unknown key, a wrong type or a bad value is a {@link UserError}
 * naming the key path, e.g. {@code meters[1].unit}.
 */
final class GatewayYaml {
  private static final Set<String> TOP =
      Set.of("dataDir", "platform", "readingInterval", "clock", "upload", "journal", "meters", "wallet");
  private static final Set<String> WALLET =
      Set.of("mode", "spendingCapSatsPerDay", "channelCapacitySats", "devnetFaucet", "interval", "readingRetentionDays");
  private static final Set<String> CLOCK = Set.of("assumeSynchronised");
  private static final Set<String> UPLOAD = Set.of("interval", "batchSize");
  private static final Set<String> JOURNAL = Set.of("maxBytes", "segmentBytes");
  private static final Set<String> METER = Set.of("name", "channel", "meter", "unit", "map", "pollInterval", "timeout", "retries");
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(|k|M|G)i?B?");

  private final Path file;

  private GatewayYaml(Path file) {
    this.file = file;
  }

  /** Loads {@code file}; {@code dataDirFlag} (from --data-dir) wins over the file's dataDir. */
  static GatewayConfig load(Path file, Path dataDirFlag) {
    return new GatewayYaml(file).parse(dataDirFlag);
  }

  private GatewayConfig parse(Path dataDirFlag) {
    JsonNode root = read();
    keys(root, "", TOP);
    Path dataDir = dataDirFlag != null ? dataDirFlag
        : root.has("dataDir") ? Path.of(text(root, "dataDir", "dataDir")) : GatewayCommand.defaultDataDir();
    Optional<URI> platform = Optional.empty();
    if (root.has("platform")) {
      String url = text(root, "platform", "platform");
      if (!url.startsWith("http://") && !url.startsWith("https://")) {
        throw error("platform", "must be an http:// or https:// URL, got " + url);
      }
      platform = Optional.of(URI.create(url));
    }
    Duration readingInterval = duration(root, "readingInterval", "readingInterval", Duration.ofSeconds(60));
    JsonNode clock = section(root, "clock", CLOCK);
    boolean assumeSynced = clock.has("assumeSynchronised") && bool(clock, "assumeSynchronised", "clock.assumeSynchronised");
    JsonNode upload = section(root, "upload", UPLOAD);
    Duration uploadInterval = duration(upload, "interval", "upload.interval", Duration.ofSeconds(10));
    int batchSize = (int) integer(upload, "batchSize", "upload.batchSize", Uploader.MAX_BATCH);
    JsonNode journal = section(root, "journal", JOURNAL);
    long maxBytes = size(journal, "maxBytes", "journal.maxBytes", 256L << 20);
    long segmentBytes = size(journal, "segmentBytes", "journal.segmentBytes", 4L << 20);
    if (!root.has("meters") || !root.get("meters").isArray() || root.get("meters").isEmpty()) {
      throw error("meters", "must be a list of at least one meter");
    }
    List<MeterConfig> meters = new ArrayList<>();
    int i = 0;
    for (JsonNode m : root.get("meters")) {
      String at = "meters[" + i + "]";
      if (!m.isObject()) {
        throw error(at, "must be a mapping");
      }
      keys(m, at + ".", METER);
      MeterUri uri;
      try {
        uri = MeterUri.parse(required(m, "meter", at));
      } catch (IllegalArgumentException e) {
        throw error(at + ".meter", e.getMessage());
      }
      MapChoice map;
      try {
        map = MapChoice.parse(m.has("map") ? text(m, "map", at + ".map") : "auto");
      } catch (IllegalArgumentException e) {
        throw error(at + ".map", e.getMessage());
      }
      try {
        meters.add(new MeterConfig(required(m, "name", at), (int) integer(m, "channel", at + ".channel", i), uri,
            (int) integer(m, "unit", at + ".unit", 1), map, duration(m, "pollInterval", at + ".pollInterval",
            Duration.ofSeconds(5)), duration(m, "timeout", at + ".timeout", Duration.ofSeconds(1)),
            (int) integer(m, "retries", at + ".retries", 2)));
      } catch (IllegalArgumentException e) {
        throw new UserError(file + ": " + e.getMessage());
      }
      i++;
    }
    Optional<WalletConfig> wallet = wallet(root);
    try {
      return new GatewayConfig(dataDir, platform, readingInterval, uploadInterval, batchSize, maxBytes, segmentBytes,
          assumeSynced, meters, wallet);
    } catch (IllegalArgumentException e) {
      throw new UserError(file + ": " + e.getMessage());
    }
  }

  /** {@code wallet:}: absent or {@code mode: custodial} = the platform pays; {@code mode: m2m} = this gateway signs. */
  private Optional<WalletConfig> wallet(JsonNode root) {
    JsonNode w = section(root, "wallet", WALLET);
    String mode = w.has("mode") ? text(w, "mode", "wallet.mode") : "custodial";
    if (mode.equals("custodial")) {
      if (w.size() > (w.has("mode") ? 1 : 0)) {
        throw error("wallet", "settings other than mode need mode: m2m");
      }
      return Optional.empty();
    }
    if (!mode.equals("m2m")) {
      throw error("wallet.mode", "must be custodial or m2m, got " + mode);
    }
    WalletConfig d = WalletConfig.defaults();
    try {
      return Optional.of(new WalletConfig(
          integer(w, "spendingCapSatsPerDay", "wallet.spendingCapSatsPerDay", d.spendingCapSatsPerDay()),
          integer(w, "channelCapacitySats", "wallet.channelCapacitySats", d.channelCapacitySats()),
          w.has("devnetFaucet") && bool(w, "devnetFaucet", "wallet.devnetFaucet"),
          duration(w, "interval", "wallet.interval", d.interval()),
          (int) integer(w, "readingRetentionDays", "wallet.readingRetentionDays", d.readingRetentionDays())));
    } catch (IllegalArgumentException e) {
      throw new UserError(file + ": " + e.getMessage());
    }
  }

  private JsonNode read() {
    if (!Files.isReadable(file)) {
      throw new UserError("cannot read gateway config " + file);
    }
    try {
      JsonNode node = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file, StandardCharsets.UTF_8));
      if (node == null || !node.isObject()) {
        throw new UserError("gateway config " + file + " must be a YAML mapping");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new UserError("gateway config " + file + " is not valid YAML: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
    } catch (IOException e) {
      throw new UserError("cannot read gateway config " + file + ": " + e.getMessage());
    }
  }

  private void keys(JsonNode node, String prefix, Set<String> allowed) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!allowed.contains(key)) {
        throw new UserError(file + ": unknown key '" + prefix + key + "' (known here: " + String.join(", ",
            allowed.stream().sorted().toList()) + ")");
      }
    }
  }

  private JsonNode section(JsonNode root, String key, Set<String> allowed) {
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

  private String required(JsonNode node, String key, String at) {
    if (!node.has(key)) {
      throw error(at + "." + key, "is required");
    }
    return text(node, key, at + "." + key);
  }

  private String text(JsonNode node, String key, String path) {
    JsonNode v = node.get(key);
    if (!v.isTextual() && !v.isNumber()) {
      throw error(path, "must be a string");
    }
    return v.asText();
  }

  private boolean bool(JsonNode node, String key, String path) {
    JsonNode v = node.get(key);
    if (!v.isBoolean()) {
      throw error(path, "must be true or false");
    }
    return v.booleanValue();
  }

  private long integer(JsonNode node, String key, String path, long fallback) {
    if (!node.has(key)) {
      return fallback;
    }
    JsonNode v = node.get(key);
    if (!v.isIntegralNumber()) {
      throw error(path, "must be a whole number");
    }
    return v.longValue();
  }

  private Duration duration(JsonNode node, String key, String path, Duration fallback) {
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

  private long size(JsonNode node, String key, String path, long fallback) {
    if (!node.has(key)) {
      return fallback;
    }
    String text = text(node, key, path).trim();
    Matcher m = SIZE.matcher(text);
    if (!m.matches()) {
      throw error(path, "must be a size like 268435456, 256MiB or 4MB; got " + text);
    }
    long n = Long.parseLong(m.group(1));
    int shift = switch (m.group(2)) {
      case "k" -> 10;
      case "M" -> 20;
      case "G" -> 30;
      default -> 0;
    };
    return Math.multiplyExact(n, 1L << shift);
  }

  private UserError error(String path, String what) {
    return new UserError(file + ": " + path + " " + what);
  }
}
