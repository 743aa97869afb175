package io.peerwatt.deploy.demo;

import io.peerwatt.deploy.ChainSettings;
import io.peerwatt.deploy.Config;
import io.peerwatt.deploy.Platform;
import io.peerwatt.deploy.PlatformSettings;
import io.peerwatt.deploy.UserError;
import io.peerwatt.gateway.DeviceIdentity;
import io.peerwatt.gateway.metering.SimulatedDer;
import io.peerwatt.gateway.wallet.WalletConfig;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.keys.PublicKey;
import io.peerwatt.settlement.JdbcStatementStore;
import io.peerwatt.settlement.chain.ChainHeader;
import io.peerwatt.settlement.chain.TxStatus;
import io.peerwatt.settlement.devnet.DevnetBackend;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code peerwatt demo}: the platform on an embedded PostgreSQL and devnet, and N simulated homes
 * ({@link Neighbourhood}), each a Modbus meter simulator polled over TCP by a real gateway (own
 * key, journal and data dir) that enrols with a one-time code and uploads signed readings; each
 * home trades by standing rules that forecast from its own last hour of readings; the platform
 * clears, settles, pays over payment channels (signed by the gateways of machine-to-machine homes,
 * custodially for the others), anchors and mines, all in accelerated time. Each slot is printed
 * once done ({@link SlotReport}); a run that ends by itself leaves its figures and export ({@link
 * DemoExport}).
 */
public final class Demo implements AutoCloseable {
  static final Duration SLOT = Duration.ofMinutes(15);

  /** Gate closure lead of the demo zones (simulated time). */
  static final Duration GATE_LEAD = Duration.ofMinutes(5);

  /** The settlement grace window ({@code SettlementPolicy.defaults()}). */
  static final Duration GRACE = Duration.ofMinutes(5);

  /** The JDK's bound on the idle connections it keeps per server (read once, on first use). */
  private static final String HTTP_KEEP_ALIVE = "http.maxConnections";

  private static final DateTimeFormatter SLOT_START =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm'Z'").withZone(ZoneOffset.UTC);

  /**
   * What the demo was asked to do.
   *
   * @param chain the chain backend (devnet by default; a node or ARC for {@code --chain node|arc})
   * @param funding how the demo is funded where it cannot mine (testnet, mainnet, ARC)
   */
  public record Options(
      int homes,
      int zones,
      Integer slots,
      long speed,
      int port,
      Path dataDir,
      ChainSettings chain,
      RealChain.Funding funding) {
    /** On devnet. */
    public Options(int homes, int zones, Integer slots, long speed, int port, Path dataDir) {
      this(homes, zones, slots, speed, port, dataDir, ChainSettings.devnet(), null);
    }

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

  private final Options options;
  private final PrintStream out;
  private final AcceleratedClock clock;
  private final Platform platform;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final Neighbourhood neighbourhood;
  private final DemoExport exports;
  private final FlexibilityEvent flexibility;
  private final List<String> closingTxids = new ArrayList<>();
  private final long startedNanos = System.nanoTime();
  private Instant firstSlot;

  /** The demo's own funding and mining on a node or ARC; null on devnet. */
  private RealChain realChain;

  private Demo(
      Options options,
      PrintStream out,
      AcceleratedClock clock,
      Platform platform,
      WalletConfig gatewayWallet) {
    this.options = options;
    this.out = out;
    this.clock = clock;
    this.platform = platform;
    PlatformApi api = new PlatformApi(platform.baseUrl());
    this.neighbourhood = new Neighbourhood(platform, clock, api, stop, out, gatewayWallet);
    this.exports = new DemoExport(platform, neighbourhood, out);
    this.flexibility =
        new FlexibilityEvent(
            api, neighbourhood, out, new JdbcStatementStore(platform.database().dsl()));
  }

  /** The first quarter hour whose gate closes at least two simulated minutes after {@code now}. */
  static Instant firstSlotAfter(Instant now) {
    long quarterMs = SLOT.toMillis();
    long earliest = now.plus(GATE_LEAD).plus(Duration.ofMinutes(2)).toEpochMilli();
    return Instant.ofEpochMilli(Math.floorDiv(earliest + quarterMs - 1, quarterMs) * quarterMs);
  }

  /**
   * Starts the platform and the homes; returns when every home is enrolled and metering. On a node
   * or ARC it funds the platform and the machine-to-machine gateways first ({@link RealChain}).
   *
   * @throws UserError when the demo cannot be funded (naming the address and the amount)
   */
  public static Demo start(Options options, PrintStream out) {
    // every home's gateway runs in this JVM and shares the JDK's HTTP keep-alive cache, which
    // keeps 5 idle connections per server unless told otherwise: without room for each gateway's
    // loops (uploads, wallet, light client, flexibility) nearly every request would connect anew
    if (System.getProperty(HTTP_KEEP_ALIVE) == null) {
      System.setProperty(HTTP_KEEP_ALIVE, Integer.toString(Math.max(5, 4 * options.homes())));
    }
    boolean devnet = options.chain().backend().equals("devnet");
    ChainSettings chain = devnet ? options.chain() : RealChain.withActualNetwork(options.chain());
    int m2mHomes = 0;
    for (int i = 1; i <= options.homes(); i++) {
      m2mHomes += Neighbourhood.paysMachineToMachine(i) ? 1 : 0;
    }
    long channelSats = devnet ? 0 : RealChain.channelSats(chain);
    RealChain.Budget budget =
        devnet ? null : RealChain.Budget.of(options.homes(), m2mHomes, channelSats);
    // checked before anything starts: an unfunded demo says how to fund it and does not start
    PrivateKey fundingKey = devnet ? null : RealChain.fundingKey(chain, options.funding(), budget);
    Path dataDir = prepareDataDir(options.dataDir());
    // simulated days start at 10:00 UTC of today, so PV produces from the first slot on
    Instant start = LocalDate.now(ZoneOffset.UTC).atTime(10, 0).toInstant(ZoneOffset.UTC);
    AcceleratedClock clock = new AcceleratedClock(start, options.speed());
    PlatformSettings base =
        PlatformSettings.from(
            Config.load(
                PlatformSettings.KEYS,
                null,
                Map.of(),
                Map.of(
                    "http.port",
                    Integer.toString(options.port()),
                    "data-dir",
                    dataDir.resolve("platform").toString(),
                    "ingest.max-clock-skew-seconds",
                    "600")));
    Duration blockInterval = Duration.ofMillis(Math.max(200, 60_000 / options.speed()));
    PlatformSettings.SettlementSettings settlement =
        base.settlement().withIntervals(blockInterval, Duration.ofMillis(300));
    if (!devnet) {
      settlement = settlement.withChannelCapacity(channelSats);
    }
    PlatformSettings settings = base.withSettlement(settlement);
    Platform platform = Platform.start(settings, chain, clock);
    WalletConfig gatewayWallet =
        devnet
            ? Neighbourhood.demoWallet(options.speed())
            : Neighbourhood.realChainWallet(options.speed(), channelSats);
    Demo demo = new Demo(options, out, clock, platform, gatewayWallet);
    try {
      if (!devnet) {
        demo.realChain =
            RealChain.fund(
                platform.settlement(),
                chain,
                fundingKey,
                options.funding(),
                budget,
                gatewayKeys(dataDir, options.homes()),
                blockInterval,
                out);
      }
      demo.neighbourhood.setUp(dataDir, options.zones(), options.homes());
      ResearchInstitute.buyData(
          new PlatformApi(platform.baseUrl()),
          platform.baseUrl(),
          demo.neighbourhood.homes(),
          clock,
          out);
    } catch (RuntimeException | IOException e) {
      demo.close();
      if (e instanceof RuntimeException re) {
        throw re;
      }
      throw new UserError("demo set-up failed: " + e.getMessage(), e);
    }
    return demo;
  }

  /**
   * The wallet keys of the machine-to-machine homes' gateways, by their data dirs, made before the
   * gateways start so the demo can fund them.
   */
  private static Map<Path, PublicKey> gatewayKeys(Path dataDir, int homes) throws IOException {
    Map<Path, PublicKey> keys = new LinkedHashMap<>();
    for (int i = 1; i <= homes; i++) {
      if (Neighbourhood.paysMachineToMachine(i)) {
        Path dir = Neighbourhood.homeDir(dataDir, i);
        keys.put(dir, DeviceIdentity.channelKey(dir).publicKey());
      }
    }
    return keys;
  }

  private static Path prepareDataDir(Path requested) {
    try {
      if (requested == null) {
        return Files.createTempDirectory("peerwatt-demo-");
      }
      if (Files.isDirectory(requested)) {
        try (var entries = Files.list(requested)) {
          if (entries.findAny().isPresent()) {
            throw new UserError(
                "--data-dir " + requested + " is not empty: the demo starts from nothing");
          }
        }
      }
      return Files.createDirectories(requested);
    } catch (IOException e) {
      throw new UserError("cannot create the demo data dir: " + e.getMessage(), e);
    }
  }

  /** Prints the portal URL and the demo logins. */
  public void printWelcome() {
    int homes = neighbourhood.homes().size();
    int zones = neighbourhood.zones().size();
    String network = platform.settlement().chain().network();
    out.println(
        "PeerWatt demo: "
            + homes
            + " homes in "
            + zones
            + " zone(s), time x"
            + clock.speed()
            + ", chain "
            + network
            + (network.equals("mainnet") ? " (real BSV money)" : " (not BSV money)"));
    out.println(
        "  portal: " + platform.baseUrl() + "/   health: " + platform.baseUrl() + "/health");
    out.println(
        "  logins: "
            + Neighbourhood.OPERATOR
            + " / "
            + Neighbourhood.OPERATOR_PASSWORD
            + " (operator);"
            + " utility1.."
            + zones
            + " / "
            + Neighbourhood.UTILITY_PASSWORD
            + " (utility); home1.."
            + homes
            + " / "
            + Neighbourhood.HOME_PASSWORD
            + " (prosumers)");
    out.println(
        "  payments over BSV payment channels with the platform hub: "
            + homesWhere(true)
            + " machine to machine (each gateway checks its statements against the readings it signed, then signs"
            + " its own channel updates); "
            + homesWhere(false)
            + " custodial (the platform signs with a key it keeps"
            + " encrypted)");
    out.println(
        "  each settled slot is anchored (readings, trades, statements) in one transaction and mined on "
            + network
            + (realChain == null || realChain.mines() ? " on the demo's timer" : " by the network")
            + "; so are the device certificates issued in each quarter-hour");
    out.println(
        "  every gateway is a light client: it checks the chain's headers by proof of work and verifies"
            + " every fifth reading it signed against its anchor itself (summary:"
            + " readingsVerifiedByGateways, gatewayAlarms)");
    out.println("  simulated time started " + clock.start() + ", now " + clock.instant());
  }

  private String homesWhere(boolean m2m) {
    List<String> names =
        neighbourhood.homes().stream().filter(h -> h.m2m() == m2m).map(Home::username).toList();
    return names.isEmpty() ? "no homes" : String.join(", ", names);
  }

  /**
   * Runs the slots: the homes' standing rules place the orders, the platform clears, settles, pays
   * and anchors; each slot is printed once it is done. With a slot count it pauses the rules once
   * the last slot's gate has closed (cancelling their orders for later slots) and returns when the
   * last slot is settled, paid and anchored; without it, until {@link #stop}.
   */
  public void run() throws InterruptedException {
    Integer slots = options.slots();
    firstSlot = firstSlotAfter(clock.instant());
    out.println(
        "first traded slot "
            + slotText(firstSlot)
            + (slots == null ? ", running until Ctrl-C" : ", " + slots + " slot(s)")
            + "; every home trades by two standing rules (sell its surplus, buy its deficit, forecast from"
            + " its last hour of readings)");
    flexibility.plan(firstSlot, slots, clock.instant());
    CompletableFuture<Void> rulesCreated = null;
    CompletableFuture<Void> rulesPaused = null;
    int reported = 0;
    while (!stop.get() && (slots == null || reported < slots)) {
      Instant now = clock.instant();
      // rules start once the gate before the first slot has closed, so they trade from the first
      // slot on
      if (rulesCreated == null && !now.isBefore(firstSlot.minus(SLOT).minus(GATE_LEAD))) {
        rulesCreated = neighbourhood.createRules();
      }
      if (slots != null
          && rulesPaused == null
          && rulesCreated != null
          && rulesCreated.isDone()
          && !now.isBefore(slotStart(slots - 1).minus(GATE_LEAD))) {
        rulesPaused = neighbourhood.pauseRules();
      }
      flexibility.tick(now);
      Instant reportSlot = slotStart(reported);
      if (!now.isBefore(reportSlot.plus(SLOT).plus(GRACE))) {
        List<SlotReport> done =
            SlotReport.whenDone(
                platform.database().dsl(), neighbourhood.zones(), reportSlot, clock);
        if (done != null) {
          done.forEach(r -> out.println(r.line()));
          flexibility.slotDone(reportSlot);
          reported++;
        }
      }
      Thread.sleep(100);
    }
    if (rulesPaused != null) {
      rulesPaused.join();
    }
    flexibility.finish();
  }

  /** The API's slot form, {@code 2026-11-25T10:15Z/PT15M}. */
  static String slotText(Instant slot) {
    return SLOT_START.format(slot) + "/PT15M";
  }

  private Instant slotStart(int k) {
    return firstSlot.plus(SLOT.multipliedBy(k));
  }

  /**
   * Stops settlement, closes every payment channel on chain and mines until the closing
   * transactions are in a block.
   *
   * @return the block that mined them
   */
  public ChainHeader closeChannels() throws InterruptedException {
    closingTxids.addAll(platform.settlement().stopAndCloseAllChannels(Duration.ofSeconds(60)));
    ChainHeader block;
    if (realChain != null) {
      block = realChain.awaitMined(platform.settlement(), closingTxids, out);
    } else {
      block = platform.settlement().mineNow();
      for (String txid : closingTxids) {
        while (platform.settlement().chain().status(txid).state() != TxStatus.State.MINED) {
          Thread.sleep(100);
          block = platform.settlement().mineNow();
        }
      }
    }
    out.println(
        "closed "
            + closingTxids.size()
            + " payment channels on chain; mined in block "
            + block.height()
            + " "
            + block.hashHex());
    return block;
  }

  /** The run's figures (the {@code --summary} JSON). */
  public Map<String, Object> summary() {
    Map<String, Object> summary =
        exports.summary(
            options.slots(),
            closingTxids.size(),
            clock.speed(),
            (System.nanoTime() - startedNanos) / 1_000_000,
            this::outsideTransaction);
    flexibility.addTo(summary);
    return summary;
  }

  FlexibilityEvent flexibility() {
    return flexibility;
  }

  /** The homes' batteries. */
  List<SimulatedDer> batteries() {
    return neighbourhood.homes().stream().flatMap(h -> h.battery().stream()).toList();
  }

  /**
   * A transaction outside the platform's log: on devnet from its ledger (a gateway's faucet
   * payment), on a real chain the demo's funding or the node's.
   */
  private Optional<Transaction> outsideTransaction(String txid) {
    if (realChain != null) {
      return realChain.transaction(txid);
    }
    return platform.settlement().chain() instanceof DevnetBackend devnet
        ? devnet.rawTransaction(txid).map(Transaction::parse)
        : Optional.empty();
  }

  /**
   * Writes the export ({@code --export DIR}) of the slots the demo ran; see {@link
   * DemoExport#export}.
   */
  public void export(Path dir) throws IOException {
    int slotsRun =
        options.slots() != null
            ? options.slots()
            : (int) Math.max(1, Duration.between(firstSlot, clock.instant()).dividedBy(SLOT));
    exports.export(dir, firstSlot, slotStart(slotsRun));
  }

  Platform platform() {
    return platform;
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
    neighbourhood.close();
    if (realChain != null) {
      realChain.close();
    }
    platform.close();
  }
}
