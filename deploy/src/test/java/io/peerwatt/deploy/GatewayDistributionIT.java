package io.peerwatt.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.peerwatt.gateway.journal.Journal;
import io.peerwatt.gateway.journal.JournalEntry;
import io.peerwatt.gateway.metering.MeterSimulator;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.keys.SignatureCheck;
import io.peerwatt.protocol.reading.SignedReading;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's own distribution as {@code ./mvnw package} leaves it: {@code peerwatt-gateway.jar}
 * (small, nothing of the platform, nothing it reaches missing, and on its own it reads a meter and
 * signs) and {@code peerwatt-gateway_VERSION_all.deb} (files, modes, conffile, dependencies,
 * maintainer scripts).
 */
class GatewayDistributionIT {
  static final Path ROOT = Path.of(System.getProperty("peerwatt.root"));
  static final Path JAR = ROOT.resolve("deploy/target/peerwatt-gateway.jar");
  static final Path UNIT = ROOT.resolve("deploy/systemd/peerwatt-gateway.service");
  static final long MAX_JAR_BYTES = 15L * 1024 * 1024;

  @TempDir Path dir;

  @Test
  void theGatewayJarIsUnder15MbAndCarriesNothingOfThePlatform() throws IOException {
    assertThat(Files.size(JAR)).isLessThan(MAX_JAR_BYTES);
    List<String> entries = new ArrayList<>();
    try (ZipFile zip = new ZipFile(JAR.toFile())) {
      zip.stream().forEach(e -> entries.add(e.getName()));
    }
    assertThat(entries)
        .contains(
            "io/peerwatt/deploy/gateway/GatewayMain.class",
            "io/peerwatt/gateway/Gateway.class",
            "io/peerwatt/protocol/reading/SignedReading.class",
            "META-INF/services/org.slf4j.spi.SLF4JServiceProvider",
            // the native libraries of the boards the package is for
            "Linux/armv7hf/libjSerialComm.so",
            "Linux/armv8_64/libjSerialComm.so");
    assertThat(entries).anyMatch(e -> e.startsWith("fr/acinq/secp256k1/jni/native/linux-aarch64/"));
    for (String platformOnly :
        List.of(
            "org/postgresql/",
            "io/zonky/",
            "io/vertx/",
            "org/jooq/",
            "org/flywaydb/",
            "com/zaxxer/",
            "io/micrometer/",
            "io/peerwatt/trading/",
            "io/peerwatt/settlement/",
            "io/peerwatt/db/",
            "io/peerwatt/deploy/demo/",
            "webroot/",
            "ch/qos/logback/",
            "com/fasterxml/",
            "Windows/",
            "OSX/")) {
      assertThat(entries)
          .as("nothing under " + platformOnly)
          .noneMatch(e -> e.startsWith(platformOnly));
    }
  }

  /**
   * jdeps over the jar: from every PeerWatt class, following each class's references through the
   * jar, no class that is needed is missing (Bouncy Castle is packed by package, so this is what
   * keeps that list honest).
   */
  @Test
  void nothingTheGatewayReachesIsMissingFromTheJar() throws Exception {
    Path jdeps = Path.of(System.getProperty("java.home"), "bin", "jdeps");
    assumeTrue(
        Files.isExecutable(jdeps),
        "no jdeps in "
            + System.getProperty("java.home")
            + " (a JRE, not a JDK): the jar's completeness check is skipped");
    Process p =
        new ProcessBuilder(
                jdeps.toString(), "--multi-release", "17", "-verbose:class", JAR.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    Pattern edge = Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)\\s+(.*)$");
    Map<String, Set<String>> references = new HashMap<>();
    Set<String> missing = new HashSet<>();
    for (String line : out.split("\n")) {
      Matcher m = edge.matcher(line);
      if (m.matches()) {
        references.computeIfAbsent(m.group(1), k -> new HashSet<>()).add(m.group(2));
        if (m.group(3).trim().equals("not found")) {
          missing.add(m.group(2));
        }
      }
    }
    Deque<String> todo = new ArrayDeque<>();
    for (String c : references.keySet()) {
      if (c.startsWith("io.peerwatt.")) {
        todo.add(c);
      }
    }
    Set<String> reached = new HashSet<>(todo);
    Set<String> reachedMissing = new TreeSet<>();
    while (!todo.isEmpty()) {
      for (String target : references.getOrDefault(todo.poll(), Set.of())) {
        if (missing.contains(target)) {
          reachedMissing.add(target);
        } else if (reached.add(target)) {
          todo.add(target);
        }
      }
    }
    assertThat(reached).hasSizeGreaterThan(1_000);
    // Netty's optional integrations (BlockHound, Log4j, compression codecs, ...) are missing by
    // design
    // and never loaded by the gateway; anything PeerWatt or Bouncy Castle needs must be there
    assertThat(reachedMissing)
        .filteredOn(
            c ->
                c.startsWith("io.peerwatt.")
                    || c.startsWith("org.bouncycastle.")
                    || c.startsWith("fr.acinq.")
                    || c.startsWith("com.digitalpetri.")
                    || c.startsWith("org.yaml.")
                    || c.startsWith("picocli.")
                    || c.startsWith("org.slf4j."))
        .isEmpty();
  }

  @Test
  void theJarAloneProbesAMeterAndRunsTheGatewayWithTheUnitsFlags() throws Exception {
    MeterSimulator meter =
        new MeterSimulator(MeterSimulator.Model.SDM630, 3, 9, 1, Clock.systemUTC());
    meter.start(0);
    try {
      Result version = java(List.of(), "--version");
      assertThat(version.out()).startsWith("peerwatt-gateway ").contains("secp256k1: ");
      Result probe =
          java(
              List.of(),
              "gateway",
              "probe",
              "--meter",
              "tcp://127.0.0.1:" + meter.port(),
              "--unit",
              "3");
      assertThat(probe.exit()).as(probe.out()).isZero();
      assertThat(Json.string(Json.parseObject(probe.out()), "map")).isEqualTo("sdm630");

      Path config =
          Files.writeString(
              dir.resolve("gateway.yaml"),
              "dataDir: "
                  + dir.resolve("data")
                  + "\n"
                  + "readingInterval: 1s\nclock:\n  assumeSynchronised: true\nmeters:\n  - name: grid\n"
                  + "    meter: tcp://127.0.0.1:"
                  + meter.port()
                  + "\n    unit: 3\n    map: sdm630\n");
      List<String> command =
          new ArrayList<>(
              List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
      command.addAll(unitJvmFlags());
      command.addAll(
          List.of("-jar", JAR.toString(), "gateway", "run", "--config", config.toString()));
      Process gateway =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("gateway.log").toFile())
              .start();
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (journaled(dir.resolve("data")) < 3
            && System.nanoTime() < deadline
            && gateway.isAlive()) {
          Thread.sleep(100);
        }
      } finally {
        gateway.destroy();
        assertThat(gateway.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
      assertThat(journaled(dir.resolve("data")))
          .as(Files.readString(dir.resolve("gateway.log")))
          .isGreaterThanOrEqualTo(3);
      try (Journal journal =
          Journal.open(dir.resolve("data/journal/channel-0"), 1 << 20, 1 << 16)) {
        for (JournalEntry e : journal.all()) {
          SignedReading signed = SignedReading.decode(e.signedReading());
          assertThat(signed.verify()).isEqualTo(SignatureCheck.VALID);
          assertThat(signed.reading().importWh()).isGreaterThan(12_000_000);
        }
      }
      assertThat(Files.readString(dir.resolve("gateway.log")))
          .contains("INFO  i.p.g.m.MeterChannel - meter grid");
    } finally {
      meter.stop();
    }
  }

  @Test
  void theDebianPackageInstallsTheJarUnitConfigAndCommandAndMakesTheUser() throws Exception {
    Path deb = deb();
    assumeTrue(onPath("dpkg-deb"), "no dpkg-deb: the package's contents check is skipped");
    Map<String, String> fields = new HashMap<>();
    for (String field : List.of("Package", "Version", "Architecture", "Depends")) {
      fields.put(field, run("dpkg-deb", "-f", deb.toString(), field).strip());
    }
    assertThat(fields)
        .containsEntry("Package", "peerwatt-gateway")
        .containsEntry("Architecture", "all");
    assertThat(fields.get("Version")).matches("\\d+\\.\\d+\\.\\d+.*");
    assertThat(fields.get("Depends"))
        .contains("openjdk-17-jre-headless | java17-runtime-headless")
        .contains("adduser");
    String contents = run("dpkg-deb", "-c", deb.toString());
    assertThat(contents)
        .containsPattern(
            "-rw-r--r-- root/root +\\d+ .* \\./usr/share/peerwatt-gateway/peerwatt-gateway\\.jar")
        .containsPattern("-rwxr-xr-x root/root +\\d+ .* \\./usr/bin/peerwatt\\n")
        .containsPattern(
            "-rw-r--r-- root/root +\\d+ .* \\./lib/systemd/system/peerwatt-gateway\\.service")
        .containsPattern("-rw-r----- root/root +\\d+ .* \\./etc/peerwatt/gateway\\.yaml")
        .containsPattern("drwxr-x--- root/root +0 .* \\./var/lib/peerwatt-gateway/");
    assertThat(run("dpkg-deb", "-I", deb.toString(), "conffiles").strip())
        .isEqualTo("/etc/peerwatt/gateway.yaml");
    String postinst = run("dpkg-deb", "-I", deb.toString(), "postinst");
    assertThat(postinst)
        .contains("adduser --system --group --home /var/lib/peerwatt-gateway")
        .contains("usermod -a -G dialout peerwatt-gateway")
        .contains("deb-systemd-helper");
  }

  /** {@code deploy/target/peerwatt-gateway_VERSION_all.deb}. */
  static Path deb() throws IOException {
    try (var files = Files.list(ROOT.resolve("deploy/target"))) {
      List<Path> debs =
          files
              .filter(f -> f.getFileName().toString().matches("peerwatt-gateway_.+_all\\.deb"))
              .toList();
      assertThat(debs).as("one peerwatt-gateway_VERSION_all.deb in deploy/target").hasSize(1);
      return debs.get(0);
    }
  }

  /** The JVM flags of the shipped unit's ExecStart (between /usr/bin/java and -jar). */
  static List<String> unitJvmFlags() throws IOException {
    String exec =
        Files.readAllLines(UNIT).stream()
            .filter(l -> l.startsWith("ExecStart="))
            .findFirst()
            .orElseThrow();
    List<String> words = Arrays.asList(exec.substring("ExecStart=".length()).trim().split("\\s+"));
    return List.copyOf(words.subList(1, words.indexOf("-jar")));
  }

  private static int journaled(Path dataDir) throws IOException {
    Path status = dataDir.resolve("status.json");
    if (!Files.exists(status)) {
      return 0;
    }
    try {
      return (int) Json.integer(Json.parseObject(Files.readString(status)), "journalDepth");
    } catch (RuntimeException e) {
      return 0; // written just now, read half-way
    }
  }

  record Result(int exit, String out) {}

  private static Result java(List<String> flags, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(flags);
    command.addAll(List.of("-jar", JAR.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), out);
  }

  static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
    return out;
  }

  static boolean onPath(String command) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(d, command))) {
        return true;
      }
    }
    return false;
  }
}
