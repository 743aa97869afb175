package io.peerwatt.gateway;

import io.peerwatt.gateway.control.FlexibilityAgent;
import io.peerwatt.gateway.lightclient.LightClient;
import io.peerwatt.gateway.metering.MeterChannel;
import io.peerwatt.gateway.platform.Enrollment;
import io.peerwatt.gateway.platform.Uploader;
import io.peerwatt.gateway.wallet.PaymentAgent;
import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.reading.MeterReading;
import io.peerwatt.protocol.reading.ReadingCodec;
import io.peerwatt.protocol.reading.ReadingFlag;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Gateway}'s {@code status.json} for {@code gateway status}: the device, each meter
 * channel, the uploads, the wallet, the light client and the flexibility agent.
 */
final class GatewayStatus {
  private static final Logger log = LoggerFactory.getLogger(Gateway.class);

  private final GatewayConfig config;
  private final PrivateKey key;
  private final Clock clock;
  private final List<MeterChannel> channels;
  private final Uploader uploader;
  private final PaymentAgent wallet;
  private final LightClient lightClient;

  /**
   * @param uploader null when no platform is configured
   * @param wallet null without a machine-to-machine wallet
   * @param lightClient null when it is off
   */
  GatewayStatus(
      GatewayConfig config,
      PrivateKey key,
      Clock clock,
      List<MeterChannel> channels,
      Uploader uploader,
      PaymentAgent wallet,
      LightClient lightClient) {
    this.config = config;
    this.key = key;
    this.clock = clock;
    this.channels = channels;
    this.uploader = uploader;
    this.wallet = wallet;
    this.lightClient = lightClient;
  }

  /**
   * Writes {@code status.json} (atomically).
   *
   * @param flexibility the flexibility agent, or null while it is not running
   * @param flexibilityWaiting why it is not running yet, or null
   */
  void write(FlexibilityAgent flexibility, String flexibilityWaiting) throws IOException {
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("deviceKey", key.publicKey().hex());
    status.put("deviceId", deviceId(config.dataDir()));
    status.put(
        "updatedAt", ReadingCodec.formatInstant(clock.instant().truncatedTo(ChronoUnit.MILLIS)));
    List<Object> meters = new ArrayList<>();
    int depth = 0;
    for (MeterChannel channel : channels) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", channel.config().name());
      m.put("channel", channel.config().channel());
      m.put("meter", channel.config().uri().toString());
      m.put("unit", channel.config().unitId());
      m.put("map", channel.mapName());
      m.put("serial", channel.knownSerial());
      m.put("lacks", List.copyOf(channel.lacks()));
      m.put("lastReading", readingSummary(channel.lastReading()));
      m.put(
          "lastPollAt",
          channel.lastSampleAt() == null
              ? null
              : ReadingCodec.formatInstant(channel.lastSampleAt().truncatedTo(ChronoUnit.MILLIS)));
      m.put("lastError", channel.lastError());
      m.put("journalDepth", channel.journal().depth());
      depth += channel.journal().depth();
      meters.add(m);
    }
    status.put("meters", meters);
    status.put("journalDepth", depth);
    Map<String, Object> upload = new LinkedHashMap<>();
    upload.put("platform", config.platform().map(Object::toString).orElse(null));
    Uploader.Round last = uploader == null ? null : uploader.lastRound();
    if (last != null) {
      upload.put("lastStatus", last.status());
      upload.put("lastChannel", last.channel());
      upload.put("lastSent", last.sent());
      upload.put("lastAccepted", last.accepted());
      upload.put("lastDuplicates", last.duplicates());
      upload.put("lastRejected", last.rejected());
      upload.put("lastRetried", last.retried());
      upload.put("lastRestarts", last.restarts());
      upload.put("lastError", last.error());
    }
    Instant success = uploader == null ? null : uploader.lastSuccessAt();
    upload.put(
        "lastSuccessAt",
        success == null
            ? null
            : ReadingCodec.formatInstant(success.truncatedTo(ChronoUnit.MILLIS)));
    status.put("upload", upload);
    if (wallet != null) {
      status.put("wallet", wallet.status());
    }
    if (lightClient != null) {
      status.put("lightClient", lightClient.status());
    }
    if (config.flexibility().isPresent()) {
      status.put(
          "flexibility",
          flexibility != null
              ? flexibility.status()
              : Map.of("waiting", flexibilityWaiting == null ? "starting" : flexibilityWaiting));
    }
    StatusFile.write(config.dataDir(), status);
  }

  private static Map<String, Object> readingSummary(MeterReading r) {
    if (r == null) {
      return null;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("sequence", r.sequence());
    m.put("takenAt", ReadingCodec.formatInstant(r.takenAt()));
    m.put("importWh", r.importWh());
    m.put("exportWh", r.exportWh());
    m.put("powerW", r.powerW());
    m.put("voltageL1Mv", r.voltageL1Mv());
    List<Object> flags = new ArrayList<>();
    for (ReadingFlag flag : r.flags()) {
      flags.add(flag.jsonName());
    }
    m.put("flags", flags);
    return m;
  }

  private static Object deviceId(Path dataDir) throws IOException {
    var enrollment = Enrollment.stored(dataDir);
    if (enrollment.isEmpty()) {
      return null;
    }
    try {
      return Json.integer(Json.parseObject(enrollment.get()), "deviceId");
    } catch (FormatException e) {
      log.warn("{} is damaged: {}", Enrollment.FILE, e.getMessage());
      return null;
    }
  }
}
