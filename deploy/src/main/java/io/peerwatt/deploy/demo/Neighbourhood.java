package io.peerwatt.deploy.demo;

import io.peerwatt.deploy.Platform;
import io.peerwatt.gateway.DeviceIdentity;
import io.peerwatt.gateway.Gateway;
import io.peerwatt.gateway.GatewayConfig;
import io.peerwatt.gateway.lightclient.LightClientConfig;
import io.peerwatt.gateway.metering.ClockSync;
import io.peerwatt.gateway.metering.MapChoice;
import io.peerwatt.gateway.metering.MeterConfig;
import io.peerwatt.gateway.metering.MeterSimulator;
import io.peerwatt.gateway.metering.MeterUri;
import io.peerwatt.gateway.metering.SimulatedDer;
import io.peerwatt.gateway.platform.Enrollment;
import io.peerwatt.gateway.platform.PlatformHttp;
import io.peerwatt.gateway.platform.Uploader;
import io.peerwatt.gateway.wallet.WalletConfig;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.settlement.chain.ChainHeader;
import io.peerwatt.trading.AccountAdmin;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's set-up: the operator, the zones with a utility each, and the homes (owner account,
 * metering point, one-time enrolment code, a Modbus meter simulator and a real gateway polling it,
 * enrolled and running; some with a battery the gateway may steer, {@link HomeBattery}), then each
 * home's standing rules. Home calls go a few at a time, off the slot loop.
 */
final class Neighbourhood implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Neighbourhood.class);
  static final String OPERATOR = "operator";
  static final String OPERATOR_PASSWORD = "demo-operator-password";
  static final String UTILITY_PASSWORD = "demo-utility-password";
  static final String HOME_PASSWORD = "demo-home-password";

  /**
   * The horizon of the homes' standing rules: with the last hour's average carried forward
   * (forecast RECENT), each rule orders for the next quarter-hour only, in the ten minutes before
   * its gate closes.
   */
  static final int RULE_HORIZON_MINUTES = 15;

  private final Platform platform;
  private final AcceleratedClock clock;
  private final PlatformApi api;
  private final AtomicBoolean stop;
  private final PrintStream out;
  private final WalletConfig gatewayWallet;
  private final List<String> zones = new ArrayList<>();
  private final List<Home> homes = new ArrayList<>();

  /**
   * @param stop the flag the homes' gateways run until
   * @param gatewayWallet the wallet of the machine-to-machine homes' gateways
   */
  Neighbourhood(
      Platform platform,
      AcceleratedClock clock,
      PlatformApi api,
      AtomicBoolean stop,
      PrintStream out,
      WalletConfig gatewayWallet) {
    this.platform = platform;
    this.clock = clock;
    this.api = api;
    this.stop = stop;
    this.out = out;
    this.gatewayWallet = gatewayWallet;
  }

  /**
   * Which homes pay machine to machine: every home but each third, so a demo of three or more homes
   * has sellers and buyers of both kinds (odd homes have PV and sell at midday, even homes buy).
   */
  static boolean paysMachineToMachine(int home) {
    return home % 3 != 0;
  }

  /**
   * The gateways' wallet in the demo: faucet-funded on devnet; an idle wallet asks the platform
   * once per simulated minute, one with a payment under way every ten simulated seconds.
   */
  static WalletConfig demoWallet(long speed) {
    return new WalletConfig(
        20_000_000, 20_000_000, true, Duration.ofMillis(Math.max(100, 60_000 / speed)), 3);
  }

  /**
   * The gateways' wallet on a node or ARC: no faucet (the demo funds them), channels of {@code
   * channelSats}, rounds as on devnet.
   */
  static WalletConfig realChainWallet(long speed, long channelSats) {
    return new WalletConfig(
        20_000_000, channelSats, false, Duration.ofMillis(Math.max(100, 60_000 / speed)), 3);
  }

  /** The data dir of home {@code i}'s gateway. */
  static Path homeDir(Path dataDir, int i) {
    return dataDir.resolve("homes").resolve("home" + i);
  }

  List<String> zones() {
    return zones;
  }

  List<Home> homes() {
    return homes;
  }

  /**
   * Creates the operator, {@code zoneCount} zones and {@code homeCount} homes; returns when every
   * home meters.
   */
  void setUp(Path dataDir, int zoneCount, int homeCount) throws IOException {
    AccountAdmin.createOperator(platform.database().dsl(), OPERATOR, OPERATOR_PASSWORD);
    String ops = api.login(OPERATOR, OPERATOR_PASSWORD);
    for (int z = 1; z <= zoneCount; z++) {
      String code = "DEMO-" + z;
      zones.add(code);
      api.call(
          "PUT",
          "/zones/" + code,
          ops,
          new JsonObject()
              .put("name", "Demo neighbourhood " + z)
              .put("currency", "EUR")
              .put("priceUnit", "MILLI_CT_PER_KWH")
              .put("clearingMode", "CALL_AUCTION")
              .put("gateClosureLeadSeconds", Demo.GATE_LEAD.toSeconds())
              .put("gridFeePerKwh", 1000)
              .put("imbalancePricePerKwh", 30000)
              .put("negativePricesAllowed", false)
              .put("localTimeZone", "Europe/Berlin")
              .put("minQuantityWh", 1)
              .put("maxQuantityWh", 100000)
              .put("minPricePerKwh", 0)
              .put("maxPricePerKwh", 100000)
              // what the homes' energy would cost and earn without trading: the portal compares
              .put("retailPricePerKwh", 32_000)
              .put("feedInTariffPerKwh", 8_000),
          200);
      api.call(
          "POST",
          "/accounts",
          ops,
          new JsonObject()
              .put("username", "utility" + z)
              .put("password", UTILITY_PASSWORD)
              .put("role", "utility")
              .put("zone", code),
          201);
    }
    startHomes(dataDir, homeCount, URI.create(platform.baseUrl()), ops);
  }

  /**
   * Starts the homes a few at a time ({@link FewAtATime}). The homes keep their numbers' order; the
   * first failure is thrown once the others are in (started homes stay listed, so {@link #close()}
   * stops them).
   */
  private void startHomes(Path dataDir, int homeCount, URI base, String ops) throws IOException {
    AtomicInteger ready = new AtomicInteger();
    try {
      FewAtATime.run(
          IntStream.rangeClosed(1, homeCount).boxed().toList(),
          "demo-home-setup",
          i -> {
            Home h = startHome(i, homeDir(dataDir, i), base, ops);
            int n = ready.incrementAndGet();
            if (homeCount >= 50 && (n % 50 == 0 || n == homeCount)) {
              out.println("  homes enrolled and metering: " + n + " of " + homeCount);
            }
            return h;
          },
          homes::add);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /**
   * The gateways' light client in the demo: headers from the platform's devnet checked from its tip
   * when the home starts (as an installer would take a recent block as the checkpoint), every fifth
   * reading audited, a round every two seconds of wall time.
   */
  private LightClientConfig demoLightClient() {
    ChainHeader tip = platform.settlement().chain().tip();
    return new LightClientConfig(
        tip.height(), tip.hashHex(), Optional.empty(), 5, Duration.ofSeconds(2));
  }

  /**
   * One home, enrolled and metering: account, metering point, meter simulator and a running
   * gateway.
   */
  private Home startHome(int i, Path dir, URI base, String ops) throws IOException {
    String zone = zones.get((i - 1) % zones.size());
    String username = "home" + i;
    boolean m2m = paysMachineToMachine(i);
    long account =
        api.call(
                "POST",
                "/accounts",
                ops,
                new JsonObject()
                    .put("username", username)
                    .put("password", HOME_PASSWORD)
                    .put("role", "prosumer")
                    .put("zone", zone)
                    .put("paymentMode", m2m ? "m2m" : "custodial"),
                201)
            .getLong("id");
    String token = api.token(username, HOME_PASSWORD);
    long mp =
        api.call(
                "POST",
                "/metering-points",
                token,
                new JsonObject()
                    .put("label", "home " + i + " grid connection")
                    .put("maxPowerW", 40000),
                201)
            .getLong("id");
    String code =
        api.call(
                "POST", "/metering-points/" + mp + "/enrolment-codes", token, new JsonObject(), 201)
            .getString("code");
    // odd homes have PV of different sizes (sellers at midday); even homes have little or none
    // (buyers)
    long pvPeakW = i % 2 == 1 ? 4_000 + 1_500L * (i % 4) : (i % 4 == 0 ? 1_000 : 0);
    MeterSimulator.Model model =
        i % 3 == 0 ? MeterSimulator.Model.SUNSPEC_203 : MeterSimulator.Model.SDM630;
    MeterSimulator meter =
        new MeterSimulator(
            model,
            1,
            1_000L + i,
            clock.speed(),
            Clock.systemUTC(),
            clock.instant(),
            pvPeakW,
            10_000_000L + 7_919L * i,
            1_000_000L + 3_571L * i);
    Optional<SimulatedDer> battery =
        HomeBattery.has(i) ? Optional.of(HomeBattery.simulated()) : Optional.empty();
    battery.ifPresent(meter::attach);
    meter.start(0);
    Files.createDirectories(dir);
    PrivateKey key = DeviceIdentity.loadOrCreate(dir);
    long deviceId;
    try {
      deviceId = enrol(base, code, meter.truth().serial(), key, dir);
    } catch (RuntimeException e) {
      meter.stop();
      throw new IllegalStateException("home " + i + " could not enrol: " + e.getMessage(), e);
    }
    MeterConfig meterConfig =
        new MeterConfig(
            "grid",
            0,
            MeterUri.parse("tcp://127.0.0.1:" + meter.port()),
            1,
            model == MeterSimulator.Model.SUNSPEC_203 ? MapChoice.SUNSPEC : MapChoice.SDM630,
            Duration.ofSeconds(30),
            Duration.ofSeconds(2),
            2);
    GatewayConfig config =
        new GatewayConfig(
            dir,
            Optional.of(base),
            Duration.ofMinutes(1),
            Duration.ofMillis(200),
            Uploader.MAX_BATCH,
            64L << 20,
            1L << 20,
            true,
            List.of(meterConfig),
            m2m ? Optional.of(gatewayWallet) : Optional.empty(),
            Optional.of(demoLightClient()),
            battery.map(b -> HomeBattery.gatewaySection(meter.port(), clock.speed())));
    if (battery.isPresent()) {
      api.call(
          "PUT", "/devices/" + deviceId + "/flexibility", token, HomeBattery.registration(), 200);
    }
    Gateway gateway = Gateway.open(config, key, clock, ClockSync.assumeSynchronised());
    Thread thread =
        new Thread(
            () -> {
              try {
                gateway.run(stop);
              } catch (IOException e) {
                log.error("gateway of home {} stopped", i, e);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "demo-gateway-" + i);
    thread.setDaemon(true);
    thread.start();
    return new Home(
        i,
        username,
        account,
        zone,
        meter,
        gateway,
        thread,
        dir,
        deviceId,
        m2m,
        mp,
        new CopyOnWriteArrayList<>(),
        battery);
  }

  /**
   * Creates every home's standing rules, a few homes at a time, off the slot loop, so that with
   * many homes the rules are in place before the gate they aim at and no slot's progress waits for
   * them.
   */
  CompletableFuture<Void> createRules() {
    return forEachHome("standing rules created", this::createRules);
  }

  /**
   * Pauses every home's rules (no orders for slots after the demo's last one), as {@link
   * #createRules()}.
   */
  CompletableFuture<Void> pauseRules() {
    return forEachHome("standing rules paused", this::pauseRules);
  }

  /**
   * The home's standing rules: sell the surplus and buy the deficit its own meter showed over the
   * last hour, for the next quarter-hour, within limit prices that differ a little from home to
   * home.
   */
  private void createRules(Home h) {
    for (String side : List.of("SELL", "BUY")) {
      long limit =
          side.equals("SELL") ? 6_000 + 400L * (h.index() % 20) : 32_000 - 400L * (h.index() % 20);
      JsonObject rule =
          new JsonObject()
              .put("meteringPointId", h.meteringPointId())
              .put("side", side)
              .put("reserveWh", 10)
              .put("limitPriceMilliCtPerKwh", limit)
              .put("dailyCapWh", 100_000)
              .put("forecast", "RECENT")
              .put("horizonMinutes", RULE_HORIZON_MINUTES);
      h.ruleIds()
          .add(
              api.as(
                      h.username(),
                      HOME_PASSWORD,
                      token -> api.call("POST", "/rules", token, rule, 201))
                  .getLong("id"));
    }
  }

  /** Pauses the home's rules: no orders for slots after the demo's last one. */
  private void pauseRules(Home h) {
    for (long id : h.ruleIds()) {
      try {
        api.as(
            h.username(),
            HOME_PASSWORD,
            token ->
                api.call(
                    "PATCH", "/rules/" + id, token, new JsonObject().put("state", "PAUSED"), 200));
      } catch (RuntimeException e) {
        out.println("  " + h.username() + ": rule " + id + " not paused: " + e.getMessage());
      }
    }
  }

  /** Makes one API call per home, a few at a time on their own threads; logs how long it took. */
  private CompletableFuture<Void> forEachHome(String what, Consumer<Home> call) {
    long started = System.nanoTime();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(FewAtATime.AT_ONCE, homes.size()),
            r -> {
              Thread t = new Thread(r, "demo-home-calls");
              t.setDaemon(true);
              return t;
            });
    CompletableFuture<?>[] calls =
        homes.stream()
            .map(h -> CompletableFuture.runAsync(() -> call.accept(h), pool))
            .toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(calls)
        .whenComplete(
            (ok, e) -> {
              pool.shutdown();
              if (e != null) {
                out.println(
                    "  not all "
                        + what
                        + ": "
                        + (e.getCause() == null ? e : e.getCause()).getMessage());
              }
              log.info(
                  "{} for {} homes in {} ms",
                  what,
                  homes.size(),
                  (System.nanoTime() - started) / 1_000_000);
            });
  }

  /** Enrols the gateway's key with the one-time code through the gateway's own enrolment client. */
  private long enrol(URI base, String code, String serial, PrivateKey key, Path dir)
      throws IOException {
    try {
      return Enrollment.enroll(
              base,
              code,
              List.of(serial),
              key,
              dir,
              new PlatformHttp(Duration.ofSeconds(10)),
              Duration.ofSeconds(30))
          .deviceId();
    } catch (Enrollment.EnrollmentException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /**
   * Stops the homes: waits for each gateway's loop (the stop flag is set), closes the gateway and
   * the meter.
   */
  @Override
  public void close() {
    for (Home h : homes) {
      try {
        h.thread().join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      h.gateway().close();
      h.meter().stop();
    }
  }
}
