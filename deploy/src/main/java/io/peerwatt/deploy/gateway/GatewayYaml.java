package io.peerwatt.deploy.gateway;

import io.peerwatt.deploy.UserError;
import io.peerwatt.gateway.GatewayConfig;
import io.peerwatt.gateway.control.AllowedHours;
import io.peerwatt.gateway.control.FlexibilityConfig;
import io.peerwatt.gateway.lightclient.LightClientConfig;
import io.peerwatt.gateway.metering.MapChoice;
import io.peerwatt.gateway.metering.MeterConfig;
import io.peerwatt.gateway.metering.MeterUri;
import io.peerwatt.gateway.platform.Uploader;
import io.peerwatt.gateway.wallet.WalletConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Reads {@code gateway.yaml} (documented example: {@code deploy/examples/gateway.yaml}) into a
 * {@link GatewayConfig}. Strict ({@link StrictYaml}): an unknown key, a wrong type or a bad value
 * is a {@link UserError} naming the key path, e.g. {@code meters[1].unit}.
 */
final class GatewayYaml {
  private static final Set<String> TOP =
      Set.of(
          "dataDir",
          "platform",
          "readingInterval",
          "clock",
          "upload",
          "journal",
          "meters",
          "wallet",
          "lightClient",
          "flexibility");
  private static final Set<String> FLEXIBILITY =
      Set.of(
          "kind",
          "modbus",
          "unit",
          "sunSpecModel",
          "ratedPowerWatts",
          "minStateOfChargePercent",
          "maxPowerWatts",
          "allowedHours",
          "timeZone",
          "pollInterval",
          "contactTimeout",
          "clockSkew");
  private static final Set<String> LIGHT_CLIENT =
      Set.of("checkpoint", "headerSource", "sampleEvery", "interval");
  private static final Set<String> CHECKPOINT = Set.of("height", "hash");
  private static final Set<String> WALLET =
      Set.of(
          "mode",
          "spendingCapSatsPerDay",
          "channelCapacitySats",
          "devnetFaucet",
          "interval",
          "readingRetentionDays");
  private static final Set<String> CLOCK = Set.of("assumeSynchronised");
  private static final Set<String> UPLOAD = Set.of("interval", "batchSize");
  private static final Set<String> JOURNAL = Set.of("maxBytes", "segmentBytes");
  private static final Set<String> METER =
      Set.of("name", "channel", "meter", "unit", "map", "pollInterval", "timeout", "retries");

  private final StrictYaml yaml;

  private GatewayYaml(Path file) {
    this.yaml = new StrictYaml(file);
  }

  /** Loads {@code file}; {@code dataDirFlag} (from --data-dir) wins over the file's dataDir. */
  static GatewayConfig load(Path file, Path dataDirFlag) {
    return new GatewayYaml(file).parse(dataDirFlag);
  }

  private GatewayConfig parse(Path dataDirFlag) {
    Map<String, Object> root = yaml.read();
    yaml.keys(root, "", TOP);
    Path dataDir =
        dataDirFlag != null
            ? dataDirFlag
            : root.containsKey("dataDir")
                ? Path.of(yaml.text(root, "dataDir", "dataDir"))
                : GatewayCommand.defaultDataDir();
    Optional<URI> platform = Optional.empty();
    if (root.containsKey("platform")) {
      String url = yaml.text(root, "platform", "platform");
      if (!url.startsWith("http://") && !url.startsWith("https://")) {
        throw yaml.error("platform", "must be an http:// or https:// URL, got " + url);
      }
      platform = Optional.of(URI.create(url));
    }
    Duration readingInterval =
        yaml.duration(root, "readingInterval", "readingInterval", Duration.ofSeconds(60));
    Map<String, Object> clock = yaml.section(root, "clock", CLOCK);
    boolean assumeSynced =
        clock.containsKey("assumeSynchronised")
            && yaml.bool(clock, "assumeSynchronised", "clock.assumeSynchronised");
    Map<String, Object> upload = yaml.section(root, "upload", UPLOAD);
    Duration uploadInterval =
        yaml.duration(upload, "interval", "upload.interval", Duration.ofSeconds(10));
    int batchSize = (int) yaml.integer(upload, "batchSize", "upload.batchSize", Uploader.MAX_BATCH);
    Map<String, Object> journal = yaml.section(root, "journal", JOURNAL);
    long maxBytes = yaml.size(journal, "maxBytes", "journal.maxBytes", 256L << 20);
    long segmentBytes = yaml.size(journal, "segmentBytes", "journal.segmentBytes", 4L << 20);
    List<?> meterList = yaml.list(root, "meters");
    if (meterList == null || meterList.isEmpty()) {
      throw yaml.error("meters", "must be a list of at least one meter");
    }
    List<MeterConfig> meters = new ArrayList<>();
    int i = 0;
    for (Object item : meterList) {
      String at = "meters[" + i + "]";
      Map<String, Object> m = yaml.mapping(item, at);
      yaml.keys(m, at + ".", METER);
      MeterUri uri;
      try {
        uri = MeterUri.parse(yaml.required(m, "meter", at));
      } catch (IllegalArgumentException e) {
        throw yaml.error(at + ".meter", e.getMessage());
      }
      MapChoice map;
      try {
        map = MapChoice.parse(m.containsKey("map") ? yaml.text(m, "map", at + ".map") : "auto");
      } catch (IllegalArgumentException e) {
        throw yaml.error(at + ".map", e.getMessage());
      }
      try {
        meters.add(
            new MeterConfig(
                yaml.required(m, "name", at),
                (int) yaml.integer(m, "channel", at + ".channel", i),
                uri,
                (int) yaml.integer(m, "unit", at + ".unit", 1),
                map,
                yaml.duration(m, "pollInterval", at + ".pollInterval", Duration.ofSeconds(5)),
                yaml.duration(m, "timeout", at + ".timeout", Duration.ofSeconds(1)),
                (int) yaml.integer(m, "retries", at + ".retries", 2)));
      } catch (IllegalArgumentException e) {
        throw yaml.invalid(e);
      }
      i++;
    }
    Optional<WalletConfig> wallet = wallet(root);
    Optional<LightClientConfig> lightClient = lightClient(root);
    Optional<FlexibilityConfig> flexibility = flexibility(root);
    try {
      return new GatewayConfig(
          dataDir,
          platform,
          readingInterval,
          uploadInterval,
          batchSize,
          maxBytes,
          segmentBytes,
          assumeSynced,
          meters,
          wallet,
          lightClient,
          flexibility);
    } catch (IllegalArgumentException e) {
      throw yaml.invalid(e);
    }
  }

  /**
   * {@code flexibility:}: absent = the platform steers nothing; otherwise the battery or inverter
   * (kind, modbus, unit; sunSpecModel found on the device when absent) and the owner's limits
   * (maxPowerWatts and allowedHours required; timeZone defaults to the host's).
   */
  private Optional<FlexibilityConfig> flexibility(Map<String, Object> root) {
    if (!root.containsKey("flexibility")) {
      return Optional.empty();
    }
    Map<String, Object> f = yaml.section(root, "flexibility", FLEXIBILITY);
    String kindText = yaml.required(f, "kind", "flexibility");
    FlexibilityConfig.Kind kind =
        switch (kindText) {
          case "battery" -> FlexibilityConfig.Kind.BATTERY;
          case "inverter" -> FlexibilityConfig.Kind.INVERTER;
          default ->
              throw yaml.error("flexibility.kind", "must be battery or inverter, got " + kindText);
        };
    MeterUri device;
    try {
      device = MeterUri.parse(yaml.required(f, "modbus", "flexibility"));
    } catch (IllegalArgumentException e) {
      throw yaml.error("flexibility.modbus", e.getMessage());
    }
    AllowedHours hours;
    try {
      hours = AllowedHours.parse(yaml.required(f, "allowedHours", "flexibility"));
    } catch (IllegalArgumentException e) {
      throw yaml.error("flexibility.allowedHours", e.getMessage());
    }
    ZoneId zone = ZoneId.systemDefault();
    if (f.containsKey("timeZone")) {
      String name = yaml.text(f, "timeZone", "flexibility.timeZone");
      try {
        zone = ZoneId.of(name);
      } catch (DateTimeException e) {
        throw yaml.error(
            "flexibility.timeZone", "is not a time zone (e.g. Europe/Berlin): " + name);
      }
    }
    if (!f.containsKey("maxPowerWatts")) {
      throw yaml.error("flexibility.maxPowerWatts", "is required");
    }
    long model = yaml.integer(f, "sunSpecModel", "flexibility.sunSpecModel", -1);
    long rated = yaml.integer(f, "ratedPowerWatts", "flexibility.ratedPowerWatts", -1);
    try {
      return Optional.of(
          new FlexibilityConfig(
              kind,
              device,
              (int) yaml.integer(f, "unit", "flexibility.unit", 1),
              model < 0 ? OptionalInt.empty() : OptionalInt.of((int) model),
              rated < 0 ? OptionalLong.empty() : OptionalLong.of(rated),
              (int)
                  yaml.integer(
                      f, "minStateOfChargePercent", "flexibility.minStateOfChargePercent", 20),
              yaml.integer(f, "maxPowerWatts", "flexibility.maxPowerWatts", 0),
              hours,
              zone,
              yaml.duration(f, "pollInterval", "flexibility.pollInterval", Duration.ofSeconds(30)),
              yaml.duration(
                  f, "contactTimeout", "flexibility.contactTimeout", Duration.ofMinutes(5)),
              yaml.duration(
                  f, "clockSkew", "flexibility.clockSkew", FlexibilityConfig.DEFAULT_CLOCK_SKEW)));
    } catch (IllegalArgumentException e) {
      throw yaml.invalid(e);
    }
  }

  /**
   * {@code lightClient:}: absent = off; otherwise the checkpoint its header chain starts from
   * ({@code height}, {@code hash}) is required.
   */
  private Optional<LightClientConfig> lightClient(Map<String, Object> root) {
    if (!root.containsKey("lightClient")) {
      return Optional.empty();
    }
    Map<String, Object> l = yaml.section(root, "lightClient", LIGHT_CLIENT);
    if (!l.containsKey("checkpoint")) {
      throw yaml.error("lightClient.checkpoint", "is required (height and hash of a block)");
    }
    Map<String, Object> checkpoint = yaml.section(l, "checkpoint", CHECKPOINT);
    Optional<URI> source = Optional.empty();
    if (l.containsKey("headerSource")) {
      String url = yaml.text(l, "headerSource", "lightClient.headerSource");
      if (!url.startsWith("http://") && !url.startsWith("https://")) {
        throw yaml.error(
            "lightClient.headerSource", "must be an http:// or https:// URL, got " + url);
      }
      source = Optional.of(URI.create(url));
    }
    try {
      return Optional.of(
          new LightClientConfig(
              yaml.integer(checkpoint, "height", "lightClient.checkpoint.height", -1),
              yaml.required(checkpoint, "hash", "lightClient.checkpoint"),
              source,
              (int)
                  yaml.integer(
                      l,
                      "sampleEvery",
                      "lightClient.sampleEvery",
                      LightClientConfig.DEFAULT_SAMPLE_EVERY),
              yaml.duration(
                  l, "interval", "lightClient.interval", LightClientConfig.DEFAULT_INTERVAL)));
    } catch (IllegalArgumentException e) {
      throw yaml.invalid(e);
    }
  }

  /**
   * {@code wallet:}: absent or {@code mode: custodial} = the platform pays; {@code mode: m2m} =
   * this gateway signs.
   */
  private Optional<WalletConfig> wallet(Map<String, Object> root) {
    Map<String, Object> w = yaml.section(root, "wallet", WALLET);
    String mode = w.containsKey("mode") ? yaml.text(w, "mode", "wallet.mode") : "custodial";
    if (mode.equals("custodial")) {
      if (w.size() > (w.containsKey("mode") ? 1 : 0)) {
        throw yaml.error("wallet", "settings other than mode need mode: m2m");
      }
      return Optional.empty();
    }
    if (!mode.equals("m2m")) {
      throw yaml.error("wallet.mode", "must be custodial or m2m, got " + mode);
    }
    WalletConfig d = WalletConfig.defaults();
    try {
      return Optional.of(
          new WalletConfig(
              yaml.integer(
                  w,
                  "spendingCapSatsPerDay",
                  "wallet.spendingCapSatsPerDay",
                  d.spendingCapSatsPerDay()),
              yaml.integer(
                  w, "channelCapacitySats", "wallet.channelCapacitySats", d.channelCapacitySats()),
              w.containsKey("devnetFaucet") && yaml.bool(w, "devnetFaucet", "wallet.devnetFaucet"),
              yaml.duration(w, "interval", "wallet.interval", d.interval()),
              (int)
                  yaml.integer(
                      w,
                      "readingRetentionDays",
                      "wallet.readingRetentionDays",
                      d.readingRetentionDays())));
    } catch (IllegalArgumentException e) {
      throw yaml.invalid(e);
    }
  }
}
