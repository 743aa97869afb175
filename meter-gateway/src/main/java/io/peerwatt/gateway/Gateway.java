package io.peerwatt.gateway;

import io.peerwatt.gateway.control.CommandCheck;
import io.peerwatt.gateway.control.FlexibilityAgent;
import io.peerwatt.gateway.control.FlexibilityConfig;
import io.peerwatt.gateway.control.SunSpecController;
import io.peerwatt.gateway.control.VenClient;
import io.peerwatt.gateway.journal.Journal;
import io.peerwatt.gateway.lightclient.LightClient;
import io.peerwatt.gateway.metering.ClockSync;
import io.peerwatt.gateway.metering.MeterChannel;
import io.peerwatt.gateway.metering.MeterConfig;
import io.peerwatt.gateway.metering.MeterException;
import io.peerwatt.gateway.metering.ReadingSchedule;
import io.peerwatt.gateway.platform.Enrollment;
import io.peerwatt.gateway.platform.PlatformClient;
import io.peerwatt.gateway.platform.PlatformHttp;
import io.peerwatt.gateway.platform.Uploader;
import io.peerwatt.gateway.wallet.PaymentAgent;
import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.reading.SignedDeviceCertificate;
import io.peerwatt.protocol.reading.SignedReading;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running gateway: polls each meter, takes a signed reading at every UTC quarter-hour boundary
 * and every {@code readingInterval}, journals it (fsync) before anything else, uploads from the
 * journals in the background, and keeps {@link StatusFile} current for {@code gateway status}. Time
 * comes from the injected {@link Clock}; {@link #tick()} does whatever is due, so tests drive it
 * step by step.
 */
public final class Gateway implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Gateway.class);

  private final GatewayConfig config;
  private final PrivateKey key;
  private final Clock clock;
  private final ClockSync clockSync;
  private final ReadingSchedule schedule;
  private final List<MeterChannel> channels = new ArrayList<>();
  private final Map<Integer, Instant> nextReading = new HashMap<>();
  private final Map<Integer, Instant> nextPoll = new HashMap<>();
  private final Uploader uploader;

  /** The machine-to-machine wallet's agent, or null when the platform pays for the owner. */
  private final PaymentAgent wallet;

  /** The light client auditing this gateway's anchored readings, or null when it is off. */
  private final LightClient lightClient;

  private final PlatformHttp http;
  private final GatewayStatus status;

  /** The VEN steering the flexibility device, once enrolled; null without one (or before). */
  private FlexibilityAgent flexibility;

  /** Why the flexibility agent is not running yet, for the status. */
  private String flexibilityWaiting;

  private Gateway(GatewayConfig config, PrivateKey key, Clock clock, ClockSync clockSync)
      throws IOException {
    this.config = config;
    this.key = key;
    this.clock = clock;
    this.clockSync = clockSync;
    this.schedule = new ReadingSchedule(config.readingInterval());
    Map<Integer, String> serials = StatusFile.knownSerials(config.dataDir());
    Map<Integer, Journal> journals = new TreeMap<>();
    try {
      for (MeterConfig meter : config.meters()) {
        Journal journal =
            Journal.open(
                config.dataDir().resolve("journal").resolve("channel-" + meter.channel()),
                config.journalMaxBytes(),
                config.journalSegmentBytes());
        journals.put(meter.channel(), journal);
        channels.add(MeterChannel.open(meter, journal, serials.getOrDefault(meter.channel(), "")));
      }
    } catch (IOException | RuntimeException e) {
      channels.forEach(MeterChannel::close);
      throw e;
    }
    PlatformHttp http = new PlatformHttp(Duration.ofSeconds(10));
    this.http = http;
    this.uploader =
        config
            .platform()
            .map(
                platform ->
                    new Uploader(
                        platform,
                        key,
                        journals,
                        config.dataDir(),
                        clock,
                        http,
                        config.batchSize(),
                        Duration.ofSeconds(30)))
            .orElse(null);
    if (config.wallet().isPresent()) {
      this.wallet =
          PaymentAgent.open(
              config.dataDir(),
              DeviceIdentity.channelKey(config.dataDir()),
              new PlatformClient(
                  config.platform().orElseThrow(), key, http, clock, Duration.ofSeconds(30)),
              journals,
              config.wallet().get(),
              clock);
    } else {
      this.wallet = null;
    }
    if (config.lightClient().isPresent()) {
      URI platform = config.platform().orElseThrow();
      this.lightClient =
          LightClient.open(
              config.lightClient().get(),
              config.dataDir(),
              platform,
              new PlatformClient(platform, key, http, clock, Duration.ofSeconds(30)),
              http,
              clock);
    } else {
      this.lightClient = null;
    }
    if (wallet != null && lightClient != null) {
      wallet.auditStatementReadingsWith(lightClient::charged);
    }
    this.status = new GatewayStatus(config, key, clock, channels, uploader, wallet, lightClient);
    Instant now = clock.instant();
    for (MeterChannel channel : channels) {
      nextReading.put(channel.config().channel(), schedule.nextAfter(now.minusMillis(1)).at());
      nextPoll.put(channel.config().channel(), now);
    }
  }

  /** Opens the gateway with real Modbus links; the device key is created on first start. */
  public static Gateway open(GatewayConfig config, Clock clock) throws IOException {
    PrivateKey key = DeviceIdentity.loadOrCreate(config.dataDir());
    ClockSync sync =
        config.assumeClockSynchronised() ? ClockSync.assumeSynchronised() : ClockSync.systemd();
    return new Gateway(config, key, clock, sync);
  }

  /**
   * As {@link #open(GatewayConfig, Clock)} with an explicit key and clock-sync check (tests, demo).
   */
  public static Gateway open(GatewayConfig config, PrivateKey key, Clock clock, ClockSync clockSync)
      throws IOException {
    return new Gateway(config, key, clock, clockSync);
  }

  /**
   * Does everything due at the clock's now: signed readings (boundary or cadence) and status polls.
   *
   * @return when something is next due
   */
  public synchronized Instant tick() throws IOException {
    Instant now = clock.instant();
    boolean changed = false;
    for (MeterChannel channel : channels) {
      int ch = channel.config().channel();
      Instant due = nextReading.get(ch);
      if (!now.isBefore(due)) {
        // a late tick (suspend, slow meter) still gives one reading, marked as the boundary it was
        // due for
        boolean boundary = ReadingSchedule.isBoundary(due) || crossedBoundary(due, now);
        SignedReading taken = channel.take(now, boundary, clockSync.synchronised(), key);
        if (taken != null && lightClient != null) {
          lightClient.taken(ch, taken);
        }
        if (taken != null && wallet != null) {
          try {
            wallet.recordReading(ch, taken);
          } catch (IOException e) {
            // the journal holds the reading; the wallet's copy is rebuilt from it on the next start
            log.warn(
                "channel {}: the wallet's reading ledger missed a reading: {}", ch, e.getMessage());
          }
        }
        nextReading.put(ch, schedule.nextAfter(now).at());
        nextPoll.put(ch, now.plus(channel.config().pollInterval()));
        changed = true;
      } else if (!now.isBefore(nextPoll.get(ch))) {
        try {
          channel.read(now);
        } catch (MeterException e) {
          // remembered by the channel for status; readings carry the flags
          log.debug("status poll of {} failed: {}", channel.config().name(), e.getMessage());
        }
        nextPoll.put(ch, now.plus(channel.config().pollInterval()));
        changed = true;
      }
    }
    if (changed) {
      writeStatus();
    }
    Instant next = Instant.MAX;
    for (MeterChannel channel : channels) {
      next =
          min(
              next,
              min(
                  nextReading.get(channel.config().channel()),
                  nextPoll.get(channel.config().channel())));
    }
    return next;
  }

  private static boolean crossedBoundary(Instant due, Instant now) {
    return Math.floorDiv(due.toEpochMilli(), ReadingSchedule.QUARTER_HOUR_MS)
        != Math.floorDiv(now.toEpochMilli(), ReadingSchedule.QUARTER_HOUR_MS);
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  /**
   * Runs until {@code stop} is set: the reading loop on this thread, uploads on another (backoff 1
   * s doubling to 5 min with jitter; a pause of {@code uploadInterval} once drained).
   */
  public void run(AtomicBoolean stop) throws IOException, InterruptedException {
    GatewayLoops loops = new GatewayLoops(this, config);
    Thread uploads = null;
    if (uploader != null) {
      uploads = new Thread(() -> loops.uploads(stop), "peerwatt-upload");
      uploads.setDaemon(true);
      uploads.start();
    } else {
      log.warn("no platform configured: readings stay in the journal until one is");
    }
    Thread payments = null;
    if (wallet != null) {
      payments = new Thread(() -> loops.wallet(stop), "peerwatt-wallet");
      payments.setDaemon(true);
      payments.start();
    }
    Thread flex = null;
    if (config.flexibility().isPresent()) {
      flex = new Thread(() -> loops.flexibility(stop), "peerwatt-flexibility");
      flex.setDaemon(true);
      flex.start();
    }
    Thread audit = null;
    if (lightClient != null) {
      audit = new Thread(() -> loops.lightClient(stop), "peerwatt-light-client");
      audit.setDaemon(true);
      audit.start();
    }
    try {
      while (!stop.get()) {
        Instant next = tick();
        long sleepMs = Math.max(1, Duration.between(clock.instant(), next).toMillis());
        synchronized (stop) {
          if (!stop.get()) {
            stop.wait(Math.min(sleepMs, 1_000));
          }
        }
      }
    } finally {
      if (uploads != null) {
        uploads.interrupt();
        uploads.join(5_000);
      }
      if (payments != null) {
        payments.interrupt();
        payments.join(5_000);
      }
      if (audit != null) {
        audit.interrupt();
        audit.join(5_000);
      }
      if (flex != null) {
        flex.interrupt();
        flex.join(15_000);
      }
    }
  }

  /** Closes the flexibility agent, which restores the device (when its loop ends). */
  synchronized void closeFlexibility() {
    if (flexibility != null) {
      flexibility.close();
    }
  }

  /**
   * One round of the flexibility VEN (tests drive it directly); nothing without a flexibility
   * device. The agent starts once the gateway is enrolled: its device id is the venName and the key
   * that signed its device certificate is the platform key commands must carry.
   */
  public void flexibilityStep() {
    FlexibilityAgent agent = flexibilityAgent();
    if (agent != null) {
      agent.step();
    }
  }

  private synchronized FlexibilityAgent flexibilityAgent() {
    if (flexibility != null || config.flexibility().isEmpty()) {
      return flexibility;
    }
    FlexibilityConfig flex = config.flexibility().get();
    try {
      var stored = Enrollment.stored(config.dataDir());
      if (stored.isEmpty()) {
        flexibilityWaiting = "not enrolled yet: the platform key and device id come from enrolment";
        return null;
      }
      Map<String, Object> enrolment = Json.parseObject(stored.get());
      String deviceId = Long.toString(Json.integer(enrolment, "deviceId"));
      SignedDeviceCertificate certificate =
          SignedDeviceCertificate.fromJson(Json.object(enrolment, "certificate"));
      var platformKey = certificate.certificate().issuerKey();
      if (certificate.checkIssuer(platformKey)
          != io.peerwatt.protocol.reading.CertificateCheck.VALID) {
        flexibilityWaiting = "the stored device certificate's signature does not verify";
        return null;
      }
      URI platform = config.platform().orElseThrow();
      VenClient ven =
          new VenClient(
              new PlatformClient(platform, key, http, clock, Duration.ofSeconds(30)),
              http,
              clock,
              Duration.ofSeconds(30));
      flexibility =
          new FlexibilityAgent(
              flex,
              config.dataDir(),
              deviceId,
              new CommandCheck(platformKey, deviceId, flex),
              ven,
              () -> SunSpecController.open(flex, Duration.ofSeconds(5)),
              clock);
      flexibilityWaiting = null;
    } catch (IOException | FormatException e) {
      flexibilityWaiting = "cannot start: " + e.getMessage();
      log.warn("flexibility: {}", flexibilityWaiting);
    }
    return flexibility;
  }

  /**
   * One round of the light client (tests and the demo drive it directly); nothing without one.
   *
   * @return whether sampled readings still wait for their proof
   */
  public boolean lightClientStep() {
    return lightClient != null && lightClient.step();
  }

  /** The light client, or null when it is off. */
  public LightClient lightClient() {
    return lightClient;
  }

  /**
   * One round of the machine-to-machine wallet (tests drive it directly); nothing without a wallet.
   *
   * @return whether wallet work is under way (see {@link PaymentAgent#step})
   */
  public boolean walletStep() {
    if (wallet == null) {
      return false;
    }
    synchronized (wallet) {
      return wallet.step();
    }
  }

  /** The journal of each channel. */
  public Map<Integer, Journal> journals() {
    Map<Integer, Journal> out = new TreeMap<>();
    for (MeterChannel channel : channels) {
      out.put(channel.config().channel(), channel.journal());
    }
    return out;
  }

  /** The uploader, or null when no platform is configured. */
  public Uploader uploader() {
    return uploader;
  }

  public PrivateKey deviceKey() {
    return key;
  }

  /** Writes {@code status.json} (atomically) for {@code gateway status}. */
  public synchronized void writeStatus() throws IOException {
    status.write(flexibility, flexibilityWaiting);
  }

  @Override
  public synchronized void close() {
    if (flexibility != null) {
      flexibility.close();
    }
    channels.forEach(MeterChannel::close);
  }
}
