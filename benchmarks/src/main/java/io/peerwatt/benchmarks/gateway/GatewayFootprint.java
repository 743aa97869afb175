package io.peerwatt.benchmarks.gateway;

import io.peerwatt.gateway.metering.MeterSimulator;
import io.peerwatt.gateway.metering.Meters;
import io.peerwatt.gateway.metering.SimulatedBus;
import io.peerwatt.protocol.encoding.Json;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Load driver for the gateway's footprint on a small board (issue 20): the gateway's own jar,
 * started with the JVM flags of the shipped systemd unit ({@code
 * deploy/systemd/peerwatt-gateway.service}), reading 4 simulated meters (4 Modbus TCP connections)
 * and running the machine-to-machine wallet and the light client against a real platform ({@code
 * peerwatt.jar platform}: embedded PostgreSQL, devnet) it is enrolled with.
 *
 * <p>Measures (1) start-up to first signed reading: from starting the JVM to {@code status.json}
 * showing a journaled reading, with {@code readingInterval: 1s} so the schedule adds no wait, three
 * runs; (2) resident memory ({@code ps -o rss}) of {@code gateway run} with the example's intervals
 * (a reading a minute, status polls every 5 s, an upload round every 10 s, the wallet every 30 s),
 * sampled every 2 s.
 *
 * <pre>
 * ./mvnw -q -pl benchmarks -am package -DskipTests
 * java -cp benchmarks/target/benchmarks.jar io.peerwatt.benchmarks.gateway.GatewayFootprint [SECONDS]
 * </pre>
 */
public final class GatewayFootprint {
  private static final Path ROOT = Path.of(System.getProperty("peerwatt.root", "."));
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String OPERATOR_PASSWORD = "footprint-operator-password";
  private static final String HOME_PASSWORD = "footprint-home-password";

  private GatewayFootprint() {}

  public static void main(String[] args) throws Exception {
    long seconds = args.length > 0 ? Long.parseLong(args[0]) : 300;
    Path gatewayJar = ROOT.resolve("deploy/target/peerwatt-gateway.jar");
    Path platformJar = ROOT.resolve("deploy/target/peerwatt.jar");
    Path unit = ROOT.resolve("deploy/systemd/peerwatt-gateway.service");
    List<String> flags = new ArrayList<>(unitFlags(unit));
    Map<String, String> env = unitEnvironment(unit);
    // more flags for experiments, e.g. -Dfootprint.flags=-XX:NativeMemoryTracking=summary (then
    // jcmd PID VM.native_memory)
    String extra = System.getProperty("footprint.flags", "").strip();
    if (!extra.isEmpty()) {
      flags.addAll(Arrays.asList(extra.split("\\s+")));
    }
    System.out.println(
        "gateway jar "
            + Files.size(gatewayJar)
            + " bytes; unit JVM flags: "
            + String.join(" ", flags)
            + "; environment "
            + env);
    Path dir = Files.createTempDirectory("peerwatt-footprint");
    List<Process> processes = new ArrayList<>();
    List<MeterSimulator> meters = new ArrayList<>();
    List<SimulatedBus> buses = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        MeterSimulator m =
            new MeterSimulator(
                i % 2 == 0 ? MeterSimulator.Model.SDM630 : MeterSimulator.Model.SUNSPEC_213,
                1,
                100 + i,
                1,
                Clock.systemUTC());
        meters.add(m);
        buses.add(new SimulatedBus(List.of(m)).start(0));
      }
      int port = freePort();
      URI platform = URI.create("http://127.0.0.1:" + port);
      Path platformDir = dir.resolve("platform");
      Path passwordFile =
          Files.writeString(dir.resolve("operator-password"), OPERATOR_PASSWORD + "\n");
      run(
          List.of(
              "java",
              "-jar",
              platformJar.toString(),
              "admin",
              "create-operator",
              "--username",
              "operator",
              "--password-file",
              passwordFile.toString(),
              "--data-dir",
              platformDir.toString()),
          dir.resolve("admin.log"));
      processes.add(
          start(
              List.of(
                  "java",
                  "-jar",
                  platformJar.toString(),
                  "platform",
                  "--port",
                  Integer.toString(port),
                  "--data-dir",
                  platformDir.toString()),
              dir.resolve("platform.log"),
              Map.of("PEERWATT_DEVNET_BLOCK_INTERVAL_SECONDS", "10")));
      waitForHealth(platform, Duration.ofMinutes(3));
      String code = enrolmentCode(platform);
      Path gatewayDir = dir.resolve("gateway");
      run(
          List.of(
              "java",
              "-jar",
              gatewayJar.toString(),
              "gateway",
              "enroll",
              "--platform",
              platform.toString(),
              "--code",
              code,
              "--serial",
              meters.get(0).truth().serial(),
              "--data-dir",
              gatewayDir.toString()),
          dir.resolve("enroll.log"));

      System.out.println(
          "start-up to first signed reading (readingInterval 1s, status.json shows it):");
      for (int run = 1; run <= 3; run++) {
        Path startDir = dir.resolve("start-" + run);
        Files.createDirectories(startDir);
        Files.copy(gatewayDir.resolve("device.key"), startDir.resolve("device.key"));
        Path config = writeConfig(startDir, null, buses, "1s", false);
        long started = System.nanoTime();
        Process p =
            start(gatewayCommand(flags, gatewayJar, config), startDir.resolve("gateway.log"), env);
        long ms = waitForFirstReading(startDir, p, started, 60);
        System.out.printf("  run %d: %d ms%n", run, ms);
        stop(p);
      }

      Path config = writeConfig(gatewayDir, platform, buses, "60s", true);
      Process gateway =
          start(gatewayCommand(flags, gatewayJar, config), dir.resolve("gateway.log"), env);
      processes.add(gateway);
      // a reading a minute: the first one comes at the next whole minute
      waitForFirstReading(gatewayDir, gateway, System.nanoTime(), 120);
      System.out.println("gateway pid " + gateway.pid());
      System.out.println(
          "resident memory of gateway run (4 meters, m2m wallet), ps -o rss every 2 s for "
              + seconds
              + " s:");
      long max = 0;
      long last = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (System.nanoTime() < deadline && gateway.isAlive()) {
        last = rssKb(gateway.pid());
        max = Math.max(max, last);
        Thread.sleep(2_000);
      }
      String hwm =
          Files.readAllLines(Path.of("/proc", Long.toString(gateway.pid()), "status")).stream()
              .filter(l -> l.startsWith("VmHWM"))
              .findFirst()
              .orElse("VmHWM: ?");
      System.out.printf(
          "  max %d kB (%.1f MB), last %d kB; kernel %s%n",
          max, max / 1024.0, last, hwm.replaceAll("\\s+", " "));
      System.out.println("  gateway status: " + status(gatewayDir));
    } finally {
      for (Process p : processes) {
        stop(p);
      }
      buses.forEach(SimulatedBus::stop);
      Meters.releaseSharedResources();
      System.out.println("logs in " + dir);
    }
  }

  /** The unit's {@code Environment=NAME=VALUE} lines. */
  static Map<String, String> unitEnvironment(Path unit) throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : Files.readAllLines(unit)) {
      if (line.startsWith("Environment=")) {
        String pair = line.substring("Environment=".length()).trim();
        env.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
      }
    }
    return env;
  }

  /** The JVM flags of the unit's ExecStart, between /usr/bin/java and -jar. */
  static List<String> unitFlags(Path unit) throws IOException {
    String exec =
        Files.readAllLines(unit).stream()
            .filter(l -> l.startsWith("ExecStart="))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException(unit + " has no ExecStart"));
    List<String> words = Arrays.asList(exec.substring("ExecStart=".length()).trim().split("\\s+"));
    return List.copyOf(words.subList(1, words.indexOf("-jar")));
  }

  private static List<String> gatewayCommand(List<String> flags, Path jar, Path config) {
    List<String> command = new ArrayList<>(List.of("java"));
    command.addAll(flags);
    command.addAll(
        List.of("-jar", jar.toString(), "gateway", "run", "--config", config.toString()));
    return command;
  }

  private static Path writeConfig(
      Path dataDir, URI platform, List<SimulatedBus> buses, String interval, boolean wallet)
      throws IOException {
    StringBuilder yaml = new StringBuilder("dataDir: " + dataDir + "\n");
    if (platform != null) {
      yaml.append("platform: ").append(platform).append("\n");
    }
    yaml.append("readingInterval: ")
        .append(interval)
        .append("\nclock:\n  assumeSynchronised: true\nmeters:\n");
    for (int i = 0; i < buses.size(); i++) {
      yaml.append("  - name: meter")
          .append(i)
          .append("\n    channel: ")
          .append(i)
          .append("\n    meter: tcp://127.0.0.1:")
          .append(buses.get(i).port())
          .append("\n    unit: 1\n");
    }
    if (wallet) {
      yaml.append("wallet:\n  mode: m2m\n  devnetFaucet: true\n");
      // the light client too, from devnet's first block: its header chain and audit rounds count
      yaml.append("lightClient:\n  checkpoint:\n    height: 0\n    hash: \"")
          .append(firstBlockHash(platform))
          .append("\"\n  sampleEvery: 4\n  interval: 30s\n");
    }
    Path file = dataDir.resolve("gateway.yaml");
    Files.writeString(file, yaml.toString());
    return file;
  }

  /** The hash of the platform chain's block 0 ({@code GET /api/v1/chain/headers}). */
  private static String firstBlockHash(URI platform) throws IOException {
    try {
      HttpResponse<String> answer =
          HTTP.send(
              HttpRequest.newBuilder(platform.resolve("/api/v1/chain/headers?from=0&count=1"))
                  .build(),
              HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      @SuppressWarnings("unchecked")
      Map<String, Object> first =
          (Map<String, Object>) Json.array(Json.parseObject(answer.body()), "headers").get(0);
      return Json.string(first, "hash");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static long waitForFirstReading(
      Path dataDir, Process p, long startedNanos, long withinSeconds) throws Exception {
    Path status = dataDir.resolve("status.json");
    long deadline = startedNanos + TimeUnit.SECONDS.toNanos(withinSeconds);
    while (System.nanoTime() < deadline) {
      if (Files.exists(status) && Files.readString(status).contains("\"sequence\"")) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
      }
      if (!p.isAlive()) {
        throw new IllegalStateException("the gateway exited with " + p.exitValue());
      }
      Thread.sleep(10);
    }
    throw new IllegalStateException("no signed reading within " + withinSeconds + " s");
  }

  private static String status(Path dataDir) throws IOException {
    Map<String, Object> s = Json.parseObject(Files.readString(dataDir.resolve("status.json")));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("journalDepth", s.get("journalDepth"));
    out.put("upload", s.get("upload"));
    out.put("wallet", s.get("wallet"));
    return Json.write(out);
  }

  private static String enrolmentCode(URI platform) throws Exception {
    String op = login(platform, "operator", OPERATOR_PASSWORD);
    call(
        platform,
        "PUT",
        "/zones/FOOT",
        op,
        Map.ofEntries(
            Map.entry("name", "Footprint"),
            Map.entry("currency", "EUR"),
            Map.entry("priceUnit", "MILLI_CT_PER_KWH"),
            Map.entry("clearingMode", "CALL_AUCTION"),
            Map.entry("gateClosureLeadSeconds", 300L),
            Map.entry("gridFeePerKwh", 1000L),
            Map.entry("imbalancePricePerKwh", 30000L),
            Map.entry("negativePricesAllowed", false),
            Map.entry("localTimeZone", "UTC"),
            Map.entry("minQuantityWh", 1L),
            Map.entry("maxQuantityWh", 100000L),
            Map.entry("minPricePerKwh", 0L),
            Map.entry("maxPricePerKwh", 100000L)));
    call(
        platform,
        "POST",
        "/accounts",
        op,
        Map.of(
            "username",
            "home1",
            "password",
            HOME_PASSWORD,
            "role",
            "prosumer",
            "zone",
            "FOOT",
            "paymentMode",
            "m2m"));
    String home = login(platform, "home1", HOME_PASSWORD);
    long mp =
        Json.integer(
            call(
                platform,
                "POST",
                "/metering-points",
                home,
                Map.of("label", "footprint", "maxPowerW", 40000L)),
            "id");
    return Json.string(
        call(platform, "POST", "/metering-points/" + mp + "/enrolment-codes", home, Map.of()),
        "code");
  }

  private static String login(URI platform, String user, String password) throws Exception {
    return Json.string(
        call(platform, "POST", "/auth/login", null, Map.of("username", user, "password", password)),
        "token");
  }

  private static Map<String, Object> call(
      URI platform, String method, String path, String token, Map<String, Object> body)
      throws Exception {
    HttpRequest.Builder req =
        HttpRequest.newBuilder(platform.resolve("/api/v1" + path))
            .header("content-type", "application/json")
            .method(
                method, HttpRequest.BodyPublishers.ofString(Json.write(new LinkedHashMap<>(body))));
    if (token != null) {
      req.header("authorization", "Bearer " + token);
    }
    HttpResponse<String> r =
        HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    if (r.statusCode() / 100 != 2) {
      throw new IllegalStateException(
          method + " " + path + " answered " + r.statusCode() + ": " + r.body());
    }
    return r.body().isBlank() ? Map.of() : Json.parseObject(r.body());
  }

  private static void waitForHealth(URI platform, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (HTTP.send(
                    HttpRequest.newBuilder(platform.resolve("/health")).build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode()
            == 200) {
          return;
        }
      } catch (IOException e) {
        // not up yet
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("the platform did not come up within " + within);
  }

  private static long rssKb(long pid) throws Exception {
    Process ps = new ProcessBuilder("ps", "-o", "rss=", "-p", Long.toString(pid)).start();
    String out = new String(ps.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
    ps.waitFor();
    return out.isEmpty() ? 0 : Long.parseLong(out);
  }

  private static void run(List<String> command, Path log) throws Exception {
    Process p = start(command, log, Map.of());
    if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed; see " + log);
    }
  }

  private static Process start(List<String> command, Path log, Map<String, String> env)
      throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    return pb.start();
  }

  private static void stop(Process p) throws InterruptedException {
    if (p.isAlive()) {
      p.destroy();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
