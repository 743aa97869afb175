package io.peerwatt.deploy.gateway;

import io.peerwatt.deploy.CommandGroup;
import io.peerwatt.deploy.UserError;
import io.peerwatt.gateway.DeviceIdentity;
import io.peerwatt.gateway.Gateway;
import io.peerwatt.gateway.GatewayConfig;
import io.peerwatt.gateway.StatusFile;
import io.peerwatt.gateway.metering.MapChoice;
import io.peerwatt.gateway.metering.MeterException;
import io.peerwatt.gateway.metering.MeterSample;
import io.peerwatt.gateway.metering.MeterUri;
import io.peerwatt.gateway.metering.Meters;
import io.peerwatt.gateway.platform.Enrollment;
import io.peerwatt.gateway.platform.PlatformHttp;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.keys.PrivateKey;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code peerwatt gateway}: the home meter gateway (probe, run, enroll, status). */
@Command(
    name = "gateway",
    mixinStandardHelpOptions = true,
    description =
        "The home meter gateway: reads meters over Modbus, signs and journals every reading, uploads them.",
    subcommands = {
      GatewayCommand.Probe.class,
      GatewayCommand.Run.class,
      GatewayCommand.Enroll.class,
      GatewayCommand.Status.class,
      GatewayWalletCommand.class
    })
public final class GatewayCommand extends CommandGroup {

  /**
   * {@code PEERWATT_GATEWAY_DATA_DIR} when set (the Debian package's {@code peerwatt} command sets
   * it to /var/lib/peerwatt-gateway), else {@code ~/.peerwatt-gateway}.
   */
  static Path defaultDataDir() {
    String fromEnvironment = System.getenv("PEERWATT_GATEWAY_DATA_DIR");
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      return Path.of(fromEnvironment);
    }
    return Path.of(System.getProperty("user.home"), ".peerwatt-gateway");
  }

  /** {@code --data-dir} of the commands that work on a gateway's files. */
  static final class DataDir {
    @Option(
        names = "--data-dir",
        paramLabel = "DIR",
        description = "default $PEERWATT_GATEWAY_DATA_DIR, else ~/.peerwatt-gateway")
    Path dataDir;

    Path path() {
      return dataDir == null ? defaultDataDir() : dataDir;
    }
  }

  static String json(Object value) {
    return Json.writePretty(value);
  }

  /**
   * {@code peerwatt gateway probe}: reads one meter once and prints the reading as JSON, or with
   * {@code --scan} finds the meters on a bus: which unit ids answer, and which maps read them.
   */
  @Command(
      name = "probe",
      mixinStandardHelpOptions = true,
      description =
          "Read one meter once and print the values as JSON (check the wiring before anything else);"
              + " with --scan, find which meters answer at which unit ids and which maps read them.")
  public static final class Probe implements Callable<Integer> {
    /** Per request when scanning: a unit that is not there costs this twice. */
    static final long SCAN_TIMEOUT_MS = 200;

    static final long PROBE_TIMEOUT_MS = 1000;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--meter",
        required = true,
        paramLabel = "URI",
        description = "tcp://host[:port] or rtu:///dev/ttyUSB0?baud=9600&parity=none&stopBits=1")
    String meter;

    @Option(
        names = "--unit",
        defaultValue = "1",
        description = "Modbus unit id (default ${DEFAULT-VALUE})")
    int unit;

    @Option(
        names = "--map",
        defaultValue = "auto",
        description =
            "auto, sdm630, sdm120, sdm230, sdm72d, em24 or sunspec (default ${DEFAULT-VALUE})")
    String map;

    @Option(
        names = "--scan",
        description = "try every unit id (or --units) and every map; print what answers")
    boolean scan;

    @Option(
        names = "--units",
        paramLabel = "FROM-TO",
        defaultValue = "1-247",
        description = "unit ids to scan, e.g. 1-10 or 5 (default ${DEFAULT-VALUE})")
    String units;

    @Option(
        names = "--timeout",
        paramLabel = "MS",
        description =
            "per request, ms (default "
                + PROBE_TIMEOUT_MS
                + ", or "
                + SCAN_TIMEOUT_MS
                + " with --scan)")
    Long timeoutMs;

    @Option(
        names = "--retries",
        defaultValue = "1",
        description = "extra attempts after a timeout (default ${DEFAULT-VALUE})")
    int retries;

    @Override
    public Integer call() {
      MeterUri uri;
      MapChoice choice;
      try {
        uri = MeterUri.parse(meter);
        choice = MapChoice.parse(map);
      } catch (IllegalArgumentException e) {
        throw new UserError(e.getMessage());
      }
      try {
        return scan ? scan(uri) : probe(uri, choice);
      } finally {
        Meters.releaseSharedResources();
      }
    }

    private int probe(MeterUri uri, MapChoice choice) {
      if (unit < 0 || unit > 247) {
        throw new UserError("--unit must be 0..247");
      }
      long timeout = timeoutMs == null ? PROBE_TIMEOUT_MS : timeoutMs;
      try {
        Meters.Probe probe = Meters.probe(uri, unit, choice, Duration.ofMillis(timeout), retries);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("map", probe.map());
        out.put("found", probe.found());
        out.put("meter", uri.toString());
        out.put("unit", unit);
        out.put("serial", probe.sample().serial());
        out.put("importWh", probe.sample().importWh());
        out.put("exportWh", probe.sample().exportWh());
        out.put(
            "powerW",
            probe.sample().missing().contains("powerTotal") ? null : probe.sample().powerW());
        out.put(
            "voltageV",
            probe.sample().missing().contains("voltageL1")
                ? null
                : BigDecimal.valueOf(probe.sample().voltageMilliV(), 3));
        out.put("lacks", probe.lacks());
        spec.commandLine().getOut().println(json(out));
        return 0;
      } catch (MeterException e) {
        throw new UserError(
            "meter " + uri + " unit " + unit + ": " + e.fault() + ": " + e.getMessage());
      }
    }

    private int scan(MeterUri uri) {
      int[] range = unitRange(units);
      long timeout = timeoutMs == null ? SCAN_TIMEOUT_MS : timeoutMs;
      var out = spec.commandLine().getOut();
      out.println(
          "scanning "
              + uri
              + ", unit ids "
              + range[0]
              + "-"
              + range[1]
              + ", "
              + timeout
              + " ms per request");
      out.flush();
      List<Meters.Found> found;
      try {
        found =
            Meters.scan(
                uri,
                range[0],
                range[1],
                Duration.ofMillis(timeout),
                f -> {
                  out.println(describe(f));
                  out.flush();
                });
      } catch (MeterException e) {
        throw new UserError("cannot scan " + uri + ": " + e.fault() + ": " + e.getMessage());
      }
      long meters = found.stream().filter(f -> !f.fits().isEmpty()).count();
      out.println(
          meters
              + " meter(s) found"
              + (found.size() > meters
                  ? ", " + (found.size() - meters) + " other device(s) answered"
                  : "")
              + (found.isEmpty()
                  ? "; check the wiring, the address and the line settings (baud, parity)"
                  : ""));
      return 0;
    }

    static int[] unitRange(String text) {
      String[] parts = text.trim().split("-", -1);
      try {
        int from = Integer.parseInt(parts[0].trim());
        int to = parts.length == 1 ? from : Integer.parseInt(parts[1].trim());
        if (parts.length > 2 || from < 1 || to > 247 || from > to) {
          throw new NumberFormatException();
        }
        return new int[] {from, to};
      } catch (NumberFormatException e) {
        throw new UserError("--units must be FROM-TO within 1-247 (or one unit id), got " + text);
      }
    }

    /** One unit: the map that reads it best with its values, then the other maps that read it. */
    static String describe(Meters.Found f) {
      if (f.fits().isEmpty()) {
        return "unit " + f.unit() + ": answers, but no map reads it (not a supported meter)";
      }
      Meters.Fit best = f.fits().get(0);
      MeterSample s = best.sample();
      StringBuilder line =
          new StringBuilder(
              "unit "
                  + f.unit()
                  + ": "
                  + best.map()
                  + (best.complete() ? "" : " (lacks " + String.join(", ", best.lacks()) + ")")
                  + ": import "
                  + s.importWh()
                  + " Wh, export "
                  + s.exportWh()
                  + " Wh"
                  + (s.missing().contains("powerTotal") ? "" : ", power " + s.powerW() + " W")
                  + (s.missing().contains("voltageL1") || s.voltageMilliV() == 0
                      ? ""
                      : ", voltage " + BigDecimal.valueOf(s.voltageMilliV(), 3) + " V")
                  + (s.serial().isEmpty() ? "" : ", serial " + s.serial()));
      if (f.fits().size() > 1) {
        line.append("; also read by ")
            .append(
                String.join(
                    ", ",
                    f.fits().subList(1, f.fits().size()).stream()
                        .map(
                            o ->
                                o.map()
                                    + (o.complete()
                                        ? ""
                                        : " (lacks " + String.join(", ", o.lacks()) + ")"))
                        .toList()));
      }
      return line.toString();
    }
  }

  /** {@code peerwatt gateway run}: the long-running gateway. */
  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description =
          "Run the gateway: poll meters, sign and journal readings, upload them. Stops on SIGTERM/Ctrl-C.")
  public static final class Run implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "gateway.yaml")
    Path config;

    @Option(
        names = "--data-dir",
        paramLabel = "DIR",
        description =
            "overrides dataDir (default $PEERWATT_GATEWAY_DATA_DIR, else ~/.peerwatt-gateway)")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
      GatewayConfig cfg = GatewayYaml.load(config, dataDir);
      AtomicBoolean stop = new AtomicBoolean();
      Thread main = Thread.currentThread();
      Thread hook =
          new Thread(
              () -> {
                stop.set(true);
                synchronized (stop) {
                  stop.notifyAll();
                }
                try {
                  main.join(10_000);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "peerwatt-gateway-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      try (Gateway gateway = Gateway.open(cfg, Clock.systemUTC())) {
        gateway.run(stop);
        gateway.writeStatus();
      } finally {
        Meters.releaseSharedResources();
      }
      return 0;
    }
  }

  /** {@code peerwatt gateway enroll}: registers the device key with the platform. */
  @Command(
      name = "enroll",
      mixinStandardHelpOptions = true,
      description =
          "Register this gateway's device key with the platform using an installer's enrolment code.")
  public static final class Enroll implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--platform",
        required = true,
        paramLabel = "URL",
        description = "the platform, e.g. https://peerwatt.example")
    URI platform;

    @Option(names = "--code", required = true, description = "the one-time enrolment code")
    String code;

    @Option(
        names = "--serial",
        paramLabel = "SERIAL",
        description =
            "meter serial number (repeatable); default: the serials the running gateway has seen")
    List<String> serials;

    @CommandLine.Mixin DataDir dataDir;

    @Override
    public Integer call() throws Exception {
      Path dir = dataDir.path();
      PrivateKey key = DeviceIdentity.loadOrCreate(dir);
      List<String> meterSerials =
          serials != null
              ? serials
              : StatusFile.knownSerials(dir).values().stream()
                  .filter(serial -> !serial.isEmpty())
                  .toList();
      try {
        Enrollment.Result result =
            Enrollment.enroll(
                platform,
                code,
                meterSerials,
                key,
                dir,
                new PlatformHttp(Duration.ofSeconds(10)),
                Duration.ofSeconds(30));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("deviceId", result.deviceId());
        out.put("deviceKey", key.publicKey().hex());
        out.put("meterSerials", meterSerials);
        out.put("meteringPointId", result.certificate().certificate().meteringPointId());
        out.put("zoneCode", result.certificate().certificate().zoneCode());
        out.put("validTo", result.certificate().certificate().validTo().toString());
        spec.commandLine().getOut().println(json(out));
        return 0;
      } catch (Enrollment.EnrollmentException e) {
        throw new UserError("enrolment failed: " + e.getMessage());
      } catch (IOException e) {
        throw new UserError("cannot reach " + platform + ": " + e);
      }
    }
  }

  /** {@code peerwatt gateway status}: what the running (or last) gateway reported. */
  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description =
          "Print device id, meters, last reading per meter, journal depth and last upload as JSON.")
  public static final class Status implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin DataDir dataDir;

    @Override
    public Integer call() throws Exception {
      Path dir = dataDir.path();
      Path status = StatusFile.path(dir);
      if (!Files.exists(status)) {
        if (!DeviceIdentity.hasDeviceKey(dir)) {
          throw new UserError(
              "no gateway in " + dir + " (no device key yet): run 'peerwatt gateway run' first");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("deviceKey", DeviceIdentity.loadOrCreate(dir).publicKey().hex());
        out.put("state", "never ran: no status yet");
        spec.commandLine().getOut().println(json(out));
        return 0;
      }
      spec.commandLine()
          .getOut()
          .println(json(Json.parseObject(Files.readString(status, StandardCharsets.UTF_8))));
      return 0;
    }
  }
}
