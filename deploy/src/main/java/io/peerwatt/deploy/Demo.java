package io.peerwatt.deploy;

import io.peerwatt.gateway.Gateway;
import io.peerwatt.gateway.GatewayConfig;
import io.peerwatt.gateway.metering.ClockSync;
import io.peerwatt.gateway.metering.MapChoice;
import io.peerwatt.gateway.metering.MeterConfig;
import io.peerwatt.gateway.metering.MeterSimulator;
import io.peerwatt.gateway.metering.MeterUri;
import io.peerwatt.gateway.platform.Uploader;
import io.peerwatt.gateway.wallet.WalletConfig;
import io.peerwatt.protocol.anchor.AnchorItemKind;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.settlement.AuditExport;
import io.peerwatt.settlement.anchor.ItemRef;
import io.peerwatt.settlement.anchor.JdbcAnchorSource;
import io.peerwatt.settlement.anchor.ProofBundles;
import io.peerwatt.settlement.chain.ChainHeader;
import io.peerwatt.settlement.chain.TxStatus;
import io.peerwatt.settlement.report.JdbcReportSource;
import io.peerwatt.settlement.report.ReportFormat;
import io.peerwatt.settlement.report.ReportWriter;
import io.peerwatt.settlement.report.UtilityReport;
import io.peerwatt.trading.AccountAdmin;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code peerwatt demo}: the platform on an embedded PostgreSQL and devnet, and N simulated homes, each
 * a Modbus meter simulator polled over TCP by a real gateway (own key, journal and data dir) that
 * enrols with a one-time code and uploads signed readings; each home trades by standing rules that
 * forecast from its own last hour of readings; the platform clears, settles, pays over payment channels
 * (signed by the gateways of machine-to-machine homes, custodially for the others), anchors and mines,
 * all in accelerated time.
 */
public final class Demo implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Demo.class);
  static final Duration SLOT = Duration.ofMinutes(15);
  /** Gate closure lead of the demo zones (simulated time). */
  static final Duration GATE_LEAD = Duration.ofMinutes(5);
  /**
   * The horizon of the homes' standing rules: with the last hour's average carried forward (forecast
   * RECENT), each rule orders for the next quarter-hour only, in the ten minutes before its gate closes.
   */
  static final int RULE_HORIZON_MINUTES = 15;
  /** How many homes' API calls (rule creation, pausing) the demo makes at once. */
  private static final int HOME_CALLS_AT_ONCE = 8;
  /** The settlement grace window ({@code SettlementPolicy.defaults()}). */
  static final Duration GRACE = Duration.ofMinutes(5);
  static final String OPERATOR = "operator";
  static final String OPERATOR_PASSWORD = "demo-operator-password";
  static final String UTILITY_PASSWORD = "demo-utility-password";
  static final String HOME_PASSWORD = "demo-home-password";
  /** The utility tariff the exported report prices residual energy at (30 ct/kWh). */
  static final long REPORT_TARIFF_MILLI_CT_PER_KWH = 30_000;

  /** What the demo was asked to do. */
  public record Options(int homes, int zones, Integer slots, long speed, int port, Path dataDir) {
    public Options {
      if (homes < 1 || homes > 500) {
        throw new UserError("--homes must be 1..500");
      }
      if (zones < 1 || zones > homes) {
        throw new UserError("--zones must be 1..homes");
      }
      if (slots != null && (slots < 1 || slots > 10_000)) {
        throw new UserError("--slots must be 1..10000");
      }
      if (speed < 1 || speed > 3_600) {
        throw new UserError("--speed must be 1..3600");
      }
    }
  }

  /** One simulated home; {@code m2m} when its gateway signs its channel payments. */
  record Home(int index, String username, long accountId, String zone, MeterSimulator meter, Gateway gateway,
      Thread thread, Path dataDir, long deviceId, boolean m2m, long meteringPointId, List<Long> ruleIds) {}

  /**
   * Which homes pay machine to machine: every home but each third, so a demo of three or more homes has
   * sellers and buyers of both kinds (odd homes have PV and sell at midday, even homes buy).
   */
  static boolean paysMachineToMachine(int home) {
    return home % 3 != 0;
  }

  /**
   * The gateways' wallet in the demo: faucet-funded on devnet; an idle wallet asks the platform once per
   * simulated minute, one with a payment under way every ten simulated seconds.
   */
  static WalletConfig demoWallet(long speed) {
    return new WalletConfig(20_000_000, 20_000_000, true, Duration.ofMillis(Math.max(100, 60_000 / speed)), 3);
  }

  /** One slot's figures as printed. */
  record SlotReport(String zone, Instant start, long readings, long orders, long trades, Long priceMilliCtPerKwh,
      long volumeWh, long statements, long paymentsPaid, long paymentsPending, String anchorTxid, Long anchorBlock,
      Instant doneAt) {}

  private final Options options;
  private final PrintStream out;
  private final AcceleratedClock clock;
  private Instant firstSlot;
  private final Platform platform;
  private final List<Home> homes = new ArrayList<>();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final List<String> zones = new ArrayList<>();
  private final List<String> closingTxids = new ArrayList<>();
  private final long startedNanos = System.nanoTime();
  /** Each home's login token, so the demo's own API calls do not pay a password hash each; renewed on 401. */
  private final Map<String, String> tokens = new java.util.concurrent.ConcurrentHashMap<>();

  private Demo(Options options, PrintStream out, AcceleratedClock clock, Platform platform) {
    this.options = options;
    this.out = out;
    this.clock = clock;
    this.platform = platform;
  }

  /** The first quarter hour whose gate closes at least two simulated minutes after {@code now}. */
  static Instant firstSlotAfter(Instant now) {
    long quarterMs = SLOT.toMillis();
    long earliest = now.plus(GATE_LEAD).plus(Duration.ofMinutes(2)).toEpochMilli();
    return Instant.ofEpochMilli(Math.floorDiv(earliest + quarterMs - 1, quarterMs) * quarterMs);
  }

  /** Starts the platform and the homes; returns when every home is enrolled and metering. */
  public static Demo start(Options options, PrintStream out) {
    Path dataDir = prepareDataDir(options.dataDir());
    // simulated days start at 10:00 UTC of today, so PV produces from the first slot on
    Instant start = LocalDate.now(ZoneOffset.UTC).atTime(10, 0).toInstant(ZoneOffset.UTC);
    AcceleratedClock clock = new AcceleratedClock(start, options.speed());
    PlatformSettings base = PlatformSettings.from(Config.load(PlatformSettings.KEYS, null, Map.of(),
        Map.of("http.port", Integer.toString(options.port()), "data-dir", dataDir.resolve("platform").toString(),
            "ingest.max-clock-skew-seconds", "600")));
    PlatformSettings settings = base.withSettlement(base.settlement().withIntervals(
        Duration.ofMillis(Math.max(200, 60_000 / options.speed())), Duration.ofMillis(300)));
    Platform platform = Platform.start(settings, ChainSettings.devnet(), clock);
    Demo demo = new Demo(options, out, clock, platform);
    try {
      demo.setUp(dataDir);
    } catch (RuntimeException | IOException e) {
      demo.close();
      if (e instanceof RuntimeException re) {
        throw re;
      }
      throw new UserError("demo set-up failed: " + e.getMessage(), e);
    }
    return demo;
  }

  private static Path prepareDataDir(Path requested) {
    try {
      if (requested == null) {
        return Files.createTempDirectory("peerwatt-demo-");
      }
      if (Files.isDirectory(requested)) {
        try (var entries = Files.list(requested)) {
          if (entries.findAny().isPresent()) {
            throw new UserError("--data-dir " + requested + " is not empty: the demo starts from nothing");
          }
        }
      }
      return Files.createDirectories(requested);
    } catch (IOException e) {
      throw new UserError("cannot create the demo data dir: " + e.getMessage(), e);
    }
  }

  private void setUp(Path dataDir) throws IOException {
    DSLContext dsl = platform.database().dsl();
    AccountAdmin.createOperator(dsl, OPERATOR, OPERATOR_PASSWORD);
    String ops = login(OPERATOR, OPERATOR_PASSWORD);
    for (int z = 1; z <= options.zones(); z++) {
      String code = "DEMO-" + z;
      zones.add(code);
      api("PUT", "/zones/" + code, ops, new JsonObject().put("name", "Demo neighbourhood " + z).put("currency", "EUR")
          .put("priceUnit", "MILLI_CT_PER_KWH").put("clearingMode", "CALL_AUCTION")
          .put("gateClosureLeadSeconds", GATE_LEAD.toSeconds()).put("gridFeePerKwh", 1000)
          .put("imbalancePricePerKwh", 30000).put("negativePricesAllowed", false).put("localTimeZone", "UTC")
          .put("minQuantityWh", 1).put("maxQuantityWh", 100000).put("minPricePerKwh", 0)
          .put("maxPricePerKwh", 100000), 200);
      api("POST", "/accounts", ops, new JsonObject().put("username", "utility" + z).put("password", UTILITY_PASSWORD)
          .put("role", "utility").put("zone", code), 201);
    }
    URI base = URI.create(platform.baseUrl());
    for (int i = 1; i <= options.homes(); i++) {
      homes.add(startHome(i, dataDir.resolve("homes").resolve("home" + i), base, ops));
    }
  }

  private Home startHome(int i, Path dir, URI base, String ops) throws IOException {
    String zone = zones.get((i - 1) % zones.size());
    String username = "home" + i;
    boolean m2m = paysMachineToMachine(i);
    long account = api("POST", "/accounts", ops, new JsonObject().put("username", username)
        .put("password", HOME_PASSWORD).put("role", "prosumer").put("zone", zone)
        .put("paymentMode", m2m ? "m2m" : "custodial"), 201).getLong("id");
    String token = login(username, HOME_PASSWORD);
    tokens.put(username, token);
    long mp = api("POST", "/metering-points", token, new JsonObject().put("label", "home " + i + " grid connection")
        .put("maxPowerW", 40000), 201).getLong("id");
    String code = api("POST", "/metering-points/" + mp + "/enrolment-codes", token, new JsonObject(), 201)
        .getString("code");
    // odd homes have PV of different sizes (sellers at midday); even homes have little or none (buyers)
    long pvPeakW = i % 2 == 1 ? 4_000 + 1_500L * (i % 4) : (i % 4 == 0 ? 1_000 : 0);
    MeterSimulator.Model model = i % 3 == 0 ? MeterSimulator.Model.SUNSPEC_203 : MeterSimulator.Model.SDM630;
    MeterSimulator meter = new MeterSimulator(model, 1, 1_000L + i, clock.speed(), Clock.systemUTC(), clock.instant(),
        pvPeakW, 10_000_000L + 7_919L * i, 1_000_000L + 3_571L * i);
    meter.start(0);
    Files.createDirectories(dir);
    PrivateKey key = io.peerwatt.gateway.DeviceIdentity.loadOrCreate(dir);
    long deviceId;
    try {
      deviceId = enrol(base, code, meter.truth().serial(), key, dir);
    } catch (RuntimeException e) {
      meter.stop();
      throw new IllegalStateException("home " + i + " could not enrol: " + e.getMessage(), e);
    }
    MeterConfig meterConfig = new MeterConfig("grid", 0, MeterUri.parse("tcp://127.0.0.1:" + meter.port()), 1,
        model == MeterSimulator.Model.SUNSPEC_203 ? MapChoice.SUNSPEC : MapChoice.SDM630,
        Duration.ofSeconds(30), Duration.ofSeconds(2), 2);
    GatewayConfig config = new GatewayConfig(dir, Optional.of(base), Duration.ofMinutes(1), Duration.ofMillis(200),
        Uploader.MAX_BATCH, 64L << 20, 1L << 20, true, List.of(meterConfig),
        m2m ? Optional.of(demoWallet(clock.speed())) : Optional.empty());
    Gateway gateway = Gateway.open(config, key, clock, ClockSync.assumeSynchronised());
    Thread thread = new Thread(() -> {
      try {
        gateway.run(stop);
      } catch (IOException e) {
        log.error("gateway of home {} stopped", i, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "demo-gateway-" + i);
    thread.setDaemon(true);
    thread.start();
    return new Home(i, username, account, zone, meter, gateway, thread, dir, deviceId, m2m, mp,
        new java.util.concurrent.CopyOnWriteArrayList<>());
  }

  /**
   * The home's standing rules: sell the surplus and buy the deficit its own meter showed over the last
   * hour, for the next quarter-hour, within limit prices that differ a little from home to home.
   */
  private void createRules(Home h) {
    for (String side : List.of("SELL", "BUY")) {
      long limit = side.equals("SELL") ? 6_000 + 400L * (h.index() % 20) : 32_000 - 400L * (h.index() % 20);
      JsonObject rule = new JsonObject().put("meteringPointId", h.meteringPointId()).put("side", side)
          .put("reserveWh", 10).put("limitPriceMilliCtPerKwh", limit).put("dailyCapWh", 100_000)
          .put("forecast", "RECENT").put("horizonMinutes", RULE_HORIZON_MINUTES);
      h.ruleIds().add(withToken(h.username(), token -> api("POST", "/rules", token, rule, 201)).getLong("id"));
    }
  }

  /** Enrols the gateway's key with the one-time code through the gateway's own enrolment client. */
  private long enrol(URI base, String code, String serial, PrivateKey key, Path dir) throws IOException {
    try {
      return io.peerwatt.gateway.platform.Enrollment.enroll(base, code, List.of(serial), key, dir,
          java.net.http.HttpClient.newHttpClient(), Duration.ofSeconds(30)).deviceId();
    } catch (io.peerwatt.gateway.platform.Enrollment.EnrollmentException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** Prints the portal URL and the demo logins. */
  public void printWelcome() {
    out.println("PeerWatt demo: " + homes.size() + " homes in " + zones.size() + " zone(s), time x" + clock.speed()
        + ", chain " + platform.settlement().chain().network() + " (not BSV money)");
    out.println("  portal: " + platform.baseUrl() + "/   health: " + platform.baseUrl() + "/health");
    out.println("  logins: " + OPERATOR + " / " + OPERATOR_PASSWORD + " (operator); utility1.." + zones.size() + " / "
        + UTILITY_PASSWORD + " (utility); home1.." + homes.size() + " / " + HOME_PASSWORD + " (prosumers)");
    out.println("  payments over BSV payment channels with the platform hub: " + homesWhere(true)
        + " machine to machine (each gateway checks its statements against the readings it signed, then signs"
        + " its own channel updates); " + homesWhere(false) + " custodial (the platform signs with a key it keeps"
        + " encrypted)");
    out.println("  each settled slot is anchored (readings, trades, statements) in one transaction and mined on devnet;"
        + " so are the device certificates issued in each quarter-hour");
    out.println("  simulated time started " + clock.start() + ", now " + clock.instant());
  }

  private String homesWhere(boolean m2m) {
    List<String> names = homes.stream().filter(h -> h.m2m() == m2m).map(Home::username).toList();
    return names.isEmpty() ? "no homes" : String.join(", ", names);
  }

  /**
   * Runs the slots: the homes' standing rules place the orders, the platform clears, settles, pays and
   * anchors; each slot is printed once it is done. With a slot count it pauses the rules once the last
   * slot's gate has closed (cancelling their orders for later slots) and returns when the last slot is
   * settled, paid and anchored; without it, until {@link #stop}.
   */
  public void run() throws InterruptedException {
    Integer slots = options.slots();
    firstSlot = firstSlotAfter(clock.instant());
    out.println("first traded slot " + slotText(firstSlot) + (slots == null ? ", running until Ctrl-C" : ", " + slots
        + " slot(s)") + "; every home trades by two standing rules (sell its surplus, buy its deficit, forecast from"
        + " its last hour of readings)");
    CompletableFuture<Void> rulesCreated = null;
    CompletableFuture<Void> rulesPaused = null;
    int reported = 0;
    while (!stop.get() && (slots == null || reported < slots)) {
      Instant now = clock.instant();
      // rules start once the gate before the first slot has closed, so they trade from the first slot on
      if (rulesCreated == null && !now.isBefore(firstSlot.minus(SLOT).minus(GATE_LEAD))) {
        rulesCreated = forEachHome("standing rules created", this::createRules);
      }
      if (slots != null && rulesPaused == null && rulesCreated != null && rulesCreated.isDone()
          && !now.isBefore(slotStart(slots - 1).minus(GATE_LEAD))) {
        rulesPaused = forEachHome("standing rules paused", this::pauseRules);
      }
      Instant reportSlot = slotStart(reported);
      if (!now.isBefore(reportSlot.plus(SLOT).plus(GRACE))) {
        List<SlotReport> done = slotDone(reportSlot);
        if (done != null) {
          done.forEach(this::print);
          reported++;
        }
      }
      Thread.sleep(100);
    }
    if (rulesPaused != null) {
      rulesPaused.join();
    }
  }

  /**
   * Makes the homes' API calls a few at a time, off the slot loop, so that with many homes the rules are
   * in place before the gate they aim at and no slot's progress waits for them; logs how long it took.
   */
  private CompletableFuture<Void> forEachHome(String what, java.util.function.Consumer<Home> call) {
    long started = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(HOME_CALLS_AT_ONCE, homes.size()), r -> {
      Thread t = new Thread(r, "demo-home-calls");
      t.setDaemon(true);
      return t;
    });
    CompletableFuture<?>[] calls = homes.stream()
        .map(h -> CompletableFuture.runAsync(() -> call.accept(h), pool))
        .toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(calls).whenComplete((ok, e) -> {
      pool.shutdown();
      if (e != null) {
        out.println("  not all " + what + ": " + (e.getCause() == null ? e : e.getCause()).getMessage());
      }
      log.info("{} for {} homes in {} ms", what, homes.size(), (System.nanoTime() - started) / 1_000_000);
    });
  }

  /** Pauses the home's rules: no orders for slots after the demo's last one. */
  private void pauseRules(Home h) {
    for (long id : h.ruleIds()) {
      try {
        withToken(h.username(), token -> api("PATCH", "/rules/" + id, token, new JsonObject().put("state", "PAUSED"),
            200));
      } catch (RuntimeException e) {
        out.println("  " + h.username() + ": rule " + id + " not paused: " + e.getMessage());
      }
    }
  }

  /** Calls the API with the home's login token, logging in again when it expired. */
  private JsonObject withToken(String username, java.util.function.Function<String, JsonObject> call) {
    String token = tokens.computeIfAbsent(username, u -> login(u, HOME_PASSWORD));
    try {
      return call.apply(token);
    } catch (ExpiredToken e) {
      tokens.put(username, login(username, HOME_PASSWORD));
      return call.apply(tokens.get(username));
    }
  }

  /** The API's slot form, {@code 2026-11-25T10:15Z/PT15M}. */
  static String slotText(Instant slot) {
    return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm'Z'").withZone(ZoneOffset.UTC).format(slot)
        + "/PT15M";
  }

  Instant slotStart(int k) {
    return firstSlot.plus(SLOT.multipliedBy(k));
  }

  /** The slot's reports when every zone's slot is settled and paid; null while something is missing. */
  private List<SlotReport> slotDone(Instant slot) {
    DSLContext dsl = platform.database().dsl();
    java.time.OffsetDateTime start = slot.atOffset(ZoneOffset.UTC);
    List<SlotReport> reports = new ArrayList<>();
    for (String zone : zones) {
      long trades = count(dsl, "select count(*) from trade where zone_code = ? and slot_start = ?::timestamptz", zone, start);
      long statements = count(dsl, "select count(distinct account_id) from settlement_statement"
          + " where zone_code = ? and slot_start = ?::timestamptz", zone, start);
      long pending = count(dsl, "select count(*) from settlement_payment where zone_code = ? and slot_start = ?::timestamptz"
          + " and status = 'pending'", zone, start);
      if (trades > 0 && (statements == 0 || pending > 0)) {
        return null;
      }
      // the slot's anchor (first one: later ones hold late items), mined
      Record anchor = dsl.fetchOptional("select txid, block_height from anchor where anchor_key = ?"
          + " order by created_at limit 1", "slot:" + zone + ":" + JdbcAnchorSource.interval(slot)).orElse(null);
      if (trades > 0 && (anchor == null || anchor.get(1) == null)) {
        return null;
      }
      long paid = count(dsl, "select count(*) from settlement_payment where zone_code = ? and slot_start = ?::timestamptz"
          + " and status = 'paid'", zone, start);
      long orders = count(dsl, "select count(*) from market_order where zone_code = ? and slot_start = ?::timestamptz", zone, start);
      long readings = count(dsl, "select count(*) from reading r join device d on d.id = r.device_id"
          + " join metering_point m on m.id = d.metering_point_id join account a on a.id = m.account_id"
          + " where a.zone_code = ? and r.taken_at >= ?::timestamptz and r.taken_at <= ?::timestamptz", zone, start, start.plus(SLOT));
      Record clearing = dsl.fetchOptional("select volume_wh, price_per_kwh from clearing_result"
          + " where zone_code = ? and slot_start = ?::timestamptz", zone, start).orElse(null);
      reports.add(new SlotReport(zone, slot, readings, orders, trades,
          clearing == null ? null : clearing.get(1, Long.class), clearing == null ? 0 : clearing.get(0, Long.class),
          statements, paid, pending, anchor == null ? null : anchor.get(0, String.class),
          anchor == null ? null : anchor.get(1, Long.class), clock.instant()));
    }
    return reports;
  }

  private static long count(DSLContext dsl, String sql, Object... args) {
    Long n = dsl.fetchOne(sql, args).get(0, Long.class);
    return n == null ? 0 : n;
  }

  private void print(SlotReport r) {
    out.printf("slot %s %s: readings %d, orders %d, clearing %s, volume %d Wh, trades %d, statements %d,"
            + " channel payments %d, anchor %s; done %d s (simulated) after the slot ended%n",
        r.zone(), slotText(r.start()), r.readings(), r.orders(),
        r.priceMilliCtPerKwh() == null ? "none" : r.priceMilliCtPerKwh() + " milli-ct/kWh", r.volumeWh(), r.trades(),
        r.statements(), r.paymentsPaid(),
        r.anchorTxid() == null ? "none (nothing settled)" : r.anchorTxid() + " in block " + r.anchorBlock(),
        Duration.between(r.start().plus(SLOT), r.doneAt()).toSeconds());
  }

  /**
   * Stops settlement, closes every payment channel on chain and mines until the closing transactions are
   * in a block.
   *
   * @return the block that mined them
   */
  public ChainHeader closeChannels() throws InterruptedException {
    closingTxids.addAll(platform.settlement().stopAndCloseAllChannels(Duration.ofSeconds(60)));
    ChainHeader block = platform.settlement().mineNow();
    for (String txid : closingTxids) {
      while (platform.settlement().chain().status(txid).state() != TxStatus.State.MINED) {
        Thread.sleep(100);
        block = platform.settlement().mineNow();
      }
    }
    out.println("closed " + closingTxids.size() + " payment channels on chain; mined in block " + block.height()
        + " " + block.hashHex());
    return block;
  }

  /** The run's figures (the {@code --summary} JSON). */
  public Map<String, Object> summary() {
    DSLContext dsl = platform.database().dsl();
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("homes", homes.size());
    s.put("zones", zones.size());
    s.put("slots", options.slots() == null ? countSlotsSettled(dsl) : options.slots());
    s.put("readings", count(dsl, "select count(*) from reading"));
    s.put("orders", count(dsl, "select count(*) from market_order"));
    s.put("trades", count(dsl, "select count(*) from trade"));
    s.put("energyTradedWh", count(dsl, "select coalesce(sum(quantity_wh), 0) from trade"));
    s.put("statements", count(dsl, "select count(*) from settlement_statement"));
    s.put("payments", count(dsl, "select count(*) from settlement_payment where status = 'paid'"));
    // commitments a payee stored: the hub's and the custodial store's, and those m2m sellers' gateways acknowledged
    s.put("channelUpdates", count(dsl, "select count(*) from payment_channel_commitment where role = 'payee'")
        + count(dsl, "select coalesce(sum(acked_sequence), 0) from gateway_channel_ack"));
    s.put("m2mHomes", homes.stream().filter(Home::m2m).count());
    s.put("channelsClosed", closingTxids.size());
    s.put("transactions", count(dsl, "select count(*) from platform_transaction where origin = 'made'"));
    s.put("blocks", platform.settlement().chain().tip().height());
    s.put("anchors", count(dsl, "select count(*) from anchor"));
    s.put("anchorsMined", count(dsl, "select count(*) from anchor where block_height is not null"));
    s.put("speed", clock.speed());
    s.put("wallTimeMillis", (System.nanoTime() - startedNanos) / 1_000_000);
    return s;
  }

  private static long countSlotsSettled(DSLContext dsl) {
    return count(dsl, "select count(*) from settlement_slot");
  }

  /**
   * Writes transactions.json and transactions.beef, proofs/ (for every home its newest anchored reading,
   * one of its trades and its newest statement) and the utility report of the demo's period per zone
   * (report.csv, report.json; with several zones report-ZONE.*).
   */
  public void export(Path dir) throws IOException {
    Files.createDirectories(dir);
    AuditExport export = platform.settlement().auditExport();
    export.writeJson(dir.resolve("transactions.json"));
    int n = export.writeBeef(dir.resolve("transactions.beef"));
    int proofs = writeProofs(dir.resolve("proofs"));
    writeTrust(dir);
    DSLContext dsl = platform.database().dsl();
    Instant to = slotStart(slotsRun());
    for (String zone : zones) {
      UtilityReport report = new JdbcReportSource(dsl).report(zone, firstSlot, to, REPORT_TARIFF_MILLI_CT_PER_KWH);
      String stem = zones.size() == 1 ? "report" : "report-" + zone;
      Files.write(dir.resolve(stem + ".csv"), ReportWriter.render(report, ReportFormat.CSV));
      Files.write(dir.resolve(stem + ".json"), ReportWriter.render(report, ReportFormat.JSON));
      out.println("report " + zone + " " + report.period() + ": energy reconciles " + report.totals().energyReconciles()
          + ", payments reconcile " + report.totals().paymentsReconcile());
    }
    out.println("exported " + n + " transactions (transactions.json, transactions.beef), " + proofs
        + " proof bundles, headers.json, platform-key.txt and the utility report to " + dir);
    out.println("  check a bundle: peerwatt verify " + dir.resolve("proofs") + "/home1-reading.json --headers "
        + dir.resolve("headers.json") + " --platform-key $(cat " + dir.resolve("platform-key.txt") + ")");
  }

  /**
   * What an offline verifier trusts, beside the bundles: the devnet header chain ({@code headers.json},
   * the {@code peerwatt verify --headers} form) and the platform's public key ({@code platform-key.txt}).
   */
  private void writeTrust(Path dir) throws IOException {
    io.peerwatt.settlement.chain.ChainBackend chain = platform.settlement().chain();
    io.vertx.core.json.JsonArray headers = new io.vertx.core.json.JsonArray();
    for (ChainHeader h : chain.headers(0, (int) Math.min(Integer.MAX_VALUE, chain.tip().height() + 1))) {
      headers.add(new JsonObject().put("height", h.height()).put("header", HexFormat.of().formatHex(h.header())));
    }
    Files.writeString(dir.resolve("headers.json"), new JsonObject().put("network", chain.network())
        .put("headers", headers).encodePrettily());
    Files.writeString(dir.resolve("platform-key.txt"), io.peerwatt.settlement.anchor.ProofRoutes
        .readPlatformKey(platform.settings().dataDir()).publicKey().hex() + "\n");
  }

  /** How many slots the demo ran (the report covers them). */
  private int slotsRun() {
    return options.slots() != null ? options.slots()
        : (int) Math.max(1, Duration.between(firstSlot, clock.instant()).dividedBy(SLOT));
  }

  private int writeProofs(Path dir) throws IOException {
    Files.createDirectories(dir);
    ProofBundles bundles = platform.settlement().proofs();
    DSLContext dsl = platform.database().dsl();
    int written = 0;
    for (Home h : homes) {
      List<String[]> items = new ArrayList<>();
      dsl.fetchOptional("select l.item_ref from anchor_leaf l join anchor a on a.txid = l.anchor_txid"
              + " where l.item_kind = ? and l.item_ref like ? and a.block_height is not null order by l.item_ref desc limit 1",
              (short) AnchorItemKind.READING.code(), h.deviceId() + "/%")
          .ifPresent(r -> items.add(new String[] {"reading", r.get(0, String.class)}));
      dsl.fetchOptional("select id from trade where buyer_account_id = ? or seller_account_id = ? order by id limit 1",
              h.accountId(), h.accountId())
          .ifPresent(r -> items.add(new String[] {"trade", ItemRef.trade(r.get(0, Long.class))}));
      dsl.fetchOptional("select zone_code, slot_start, version from settlement_statement where account_id = ?"
              + " order by slot_start desc, version desc limit 1", h.accountId())
          .ifPresent(r -> items.add(new String[] {"statement", ItemRef.statement(h.accountId(), r.get(0, String.class),
              r.get(1, java.time.OffsetDateTime.class).toEpochSecond(), r.get(2, Integer.class))}));
      for (String[] item : items) {
        AnchorItemKind kind = AnchorItemKind.valueOf(item[0].toUpperCase(java.util.Locale.ROOT));
        ProofBundles.Answer answer = bundles.bundle(kind, item[1]);
        if (answer.state() == ProofBundles.ProofState.PROVABLE) {
          Files.writeString(dir.resolve(h.username() + "-" + item[0] + ".json"), answer.bundle().toJsonText());
          written++;
        } else {
          out.println("  no proof for " + h.username() + " " + item[0] + " " + item[1] + ": " + answer.state());
        }
      }
    }
    return written;
  }

  Platform platform() {
    return platform;
  }

  List<Home> homes() {
    return homes;
  }

  AcceleratedClock clock() {
    return clock;
  }

  /** Asks {@link #run} to return. */
  public void stop() {
    stop.set(true);
    synchronized (stop) {
      stop.notifyAll();
    }
  }

  @Override
  public void close() {
    stop();
    for (Home h : homes) {
      try {
        h.thread().join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      h.gateway().close();
      h.meter().stop();
    }
    platform.close();
  }

  /** The API refused the caller's token (expired): log in again. */
  private static final class ExpiredToken extends RuntimeException {
    ExpiredToken(String message) {
      super(message);
    }
  }

  private String login(String user, String password) {
    return api("POST", "/auth/login", null, new JsonObject().put("username", user).put("password", password), 200)
        .getString("token");
  }

  private JsonObject api(String method, String path, String token, JsonObject body, int expected) {
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(platform.baseUrl() + "/api/v1" + path))
        .timeout(Duration.ofSeconds(30))
        .header("content-type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(body.encode()));
    if (token != null) {
      req.header("authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> r = http.send(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      if (r.statusCode() == 401 && token != null) {
        throw new ExpiredToken(method + " " + path + " answered 401: " + r.body());
      }
      if (r.statusCode() != expected) {
        throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
      }
      return r.body().isBlank() ? new JsonObject() : new JsonObject(r.body());
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
