package io.peerwatt.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.peerwatt.gateway.journal.Journal;
import io.peerwatt.gateway.journal.JournalEntry;
import io.peerwatt.gateway.metering.MeterSimulator;
import io.peerwatt.gateway.metering.Meters;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.keys.SignatureCheck;
import io.peerwatt.protocol.reading.SignedReading;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The installer's whole job, done in a clean Debian 12 root made by {@code debootstrap
 * --variant=minbase} (with a headless JRE 17 and systemd, nothing else): {@code dpkg -i} of the
 * package the build made, then the user, files and enabled unit are in place, {@code
 * systemd-analyze verify} accepts the unit, and the gateway the package installed, started as the
 * unit starts it (its user, environment and ExecStart, in a chroot with /proc mounted), signs
 * readings from a meter simulated on the host's loopback.
 *
 * <p>Needs root, debootstrap and the Debian mirror (deb.debian.org); {@code .ci/run} installs
 * debootstrap. Skipped with one line saying which is missing. About 2-3 minutes, most of it
 * debootstrap.
 */
class GatewayInstallIT {
  private static final String MIRROR = "http://deb.debian.org/debian";
  private static final String UNIT_FILE = "/lib/systemd/system/peerwatt-gateway.service";

  @Test
  void dpkgInstallsTheGatewayInACleanDebian12RootAndItSignsReadings() throws Exception {
    assumeTrue(
        "0".equals(output("id", "-u").strip()),
        "not root: the debootstrap install test is skipped");
    assumeTrue(
        GatewayDistributionIT.onPath("debootstrap"),
        "no debootstrap: the install test is skipped (apt-get install debootstrap; .ci/run does)");
    assumeTrue(mirrorAnswers(), MIRROR + " does not answer: the install test is skipped");
    Path deb = GatewayDistributionIT.deb();
    Path root = Files.createTempDirectory("peerwatt-debian12-");
    // a temporary directory is 0700; as the root's "/" it would shut out every user but root
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
    // kept for a look after a failure; mvn clean removes them
    Path logs =
        Files.createDirectories(
            GatewayDistributionIT.ROOT.resolve("deploy/target/gateway-install-logs"));
    boolean procMounted = false;
    MeterSimulator meter =
        new MeterSimulator(MeterSimulator.Model.SDM630, 1, 12, 1, Clock.systemUTC());
    try {
      run(
          logs.resolve("debootstrap.log"),
          20,
          "debootstrap",
          "--variant=minbase",
          "--include=openjdk-17-jre-headless,systemd",
          "bookworm",
          root.toString(),
          MIRROR);
      // java needs /proc (without it: "libjli.so: cannot open shared object file")
      run(
          logs.resolve("mount.log"),
          1,
          "mount",
          "-t",
          "proc",
          "proc",
          root.resolve("proc").toString());
      procMounted = true;

      Files.copy(deb, root.resolve("tmp").resolve(deb.getFileName()));
      run(
          logs.resolve("dpkg.log"),
          5,
          "chroot",
          root.toString(),
          "dpkg",
          "-i",
          "/tmp/" + deb.getFileName());

      assertThat(inRoot(root, "id", "peerwatt-gateway"))
          .contains("(peerwatt-gateway)")
          .contains("(dialout)");
      assertThat(inRoot(root, "getent", "passwd", "peerwatt-gateway"))
          .contains(":/var/lib/peerwatt-gateway:/usr/sbin/nologin");
      assertThat(
              inRoot(
                      root,
                      "stat",
                      "-c",
                      "%a %U:%G %n",
                      "/usr/share/peerwatt-gateway/peerwatt-gateway.jar",
                      "/usr/bin/peerwatt",
                      UNIT_FILE,
                      "/etc/peerwatt/gateway.yaml",
                      "/var/lib/peerwatt-gateway")
                  .lines())
          .containsExactly(
              "644 root:root /usr/share/peerwatt-gateway/peerwatt-gateway.jar",
              "755 root:root /usr/bin/peerwatt",
              "644 root:root " + UNIT_FILE,
              "640 root:peerwatt-gateway /etc/peerwatt/gateway.yaml",
              "750 peerwatt-gateway:peerwatt-gateway /var/lib/peerwatt-gateway");
      assertThat(inRoot(root, "systemctl", "is-enabled", "peerwatt-gateway").strip())
          .isEqualTo("enabled");
      // verify checks the unit's ExecStart exists in this root; exit 0 alone would pass unknown
      // keys
      Process verify =
          new ProcessBuilder("chroot", root.toString(), "systemd-analyze", "verify", UNIT_FILE)
              .redirectErrorStream(true)
              .start();
      String verified = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(verify.waitFor(2, TimeUnit.MINUTES)).isTrue();
      assertThat(verify.exitValue()).as(verified).isZero();
      assertThat(verified).isEmpty();

      meter.start(0);
      // the installer's edit of the example configuration: the meter, a reading a second for the
      // test
      Files.writeString(
          root.resolve("etc/peerwatt/gateway.yaml"),
          "dataDir: /var/lib/peerwatt-gateway\n"
              + "readingInterval: 1s\nclock:\n  assumeSynchronised: true\nmeters:\n  - name: grid\n"
              + "    meter: tcp://127.0.0.1:"
              + meter.port()
              + "\n    unit: 1\n    map: sdm630\n");
      Path dataDir = root.resolve("var/lib/peerwatt-gateway");
      Process gateway =
          new ProcessBuilder(asTheUnitRunsIt(root))
              .redirectErrorStream(true)
              .redirectOutput(logs.resolve("gateway.log").toFile())
              .start();
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (journalDepth(dataDir) < 3 && System.nanoTime() < deadline && gateway.isAlive()) {
          Thread.sleep(200);
        }
        assertThat(journalDepth(dataDir))
            .as(Files.readString(logs.resolve("gateway.log")))
            .isGreaterThanOrEqualTo(3);
        // the package's peerwatt command, run as root, reads the service's files as the service
        // user
        assertThat(inRoot(root, "peerwatt", "gateway", "status"))
            .contains("\"map\": \"sdm630\"")
            .contains("\"deviceKey\"");
      } finally {
        gateway.descendants().forEach(ProcessHandle::destroy);
        gateway.destroy();
        gateway.waitFor(30, TimeUnit.SECONDS);
      }
      try (Journal journal = Journal.open(dataDir.resolve("journal/channel-0"), 1 << 20, 1 << 16)) {
        List<JournalEntry> entries = journal.all();
        assertThat(entries).hasSizeGreaterThanOrEqualTo(3);
        for (JournalEntry e : entries) {
          SignedReading signed = SignedReading.decode(e.signedReading());
          assertThat(signed.verify()).isEqualTo(SignatureCheck.VALID);
          assertThat(signed.reading().importWh()).isGreaterThan(12_000_000);
        }
      }
      assertThat(
              inRoot(root, "stat", "-c", "%U %a", "/var/lib/peerwatt-gateway/device.key").strip())
          .isEqualTo("peerwatt-gateway 600");
    } finally {
      meter.stop();
      Meters.releaseSharedResources();
      if (procMounted) {
        new ProcessBuilder("umount", "-R", root.resolve("proc").toString())
            .inheritIO()
            .start()
            .waitFor();
      }
      // --one-file-system: never into anything still mounted in the root
      new ProcessBuilder("rm", "-rf", "--one-file-system", root.toString())
          .inheritIO()
          .start()
          .waitFor();
    }
  }

  /**
   * The installed unit's command as systemd would run it: in the root, as its {@code User=}, with
   * its {@code Environment=}, its {@code ExecStart=}.
   */
  private static List<String> asTheUnitRunsIt(Path root) throws IOException {
    List<String> lines = Files.readAllLines(root.resolve(UNIT_FILE.substring(1)));
    String user = null;
    List<String> env = new ArrayList<>();
    List<String> exec = null;
    for (String line : lines) {
      if (line.startsWith("User=")) {
        user = line.substring("User=".length()).trim();
      } else if (line.startsWith("Environment=")) {
        env.add(line.substring("Environment=".length()).trim());
      } else if (line.startsWith("ExecStart=")) {
        exec = Arrays.asList(line.substring("ExecStart=".length()).trim().split("\\s+"));
      }
    }
    assertThat(user).isEqualTo("peerwatt-gateway");
    assertThat(exec).isNotNull().first().isEqualTo("/usr/bin/java");
    List<String> command =
        new ArrayList<>(List.of("chroot", root.toString(), "runuser", "-u", user, "--", "env"));
    command.addAll(env);
    command.addAll(exec);
    return command;
  }

  private static long journalDepth(Path dataDir) throws IOException {
    Path status = dataDir.resolve("status.json");
    if (!Files.exists(status)) {
      return 0;
    }
    try {
      return Json.integer(Json.parseObject(Files.readString(status)), "journalDepth");
    } catch (RuntimeException e) {
      return 0; // read while being replaced
    }
  }

  private static boolean mirrorAnswers() {
    try {
      HttpURLConnection c =
          (HttpURLConnection)
              URI.create(MIRROR + "/dists/bookworm/Release").toURL().openConnection();
      c.setRequestMethod("HEAD");
      c.setConnectTimeout(10_000);
      c.setReadTimeout(10_000);
      return c.getResponseCode() == 200;
    } catch (IOException e) {
      return false;
    }
  }

  private static String inRoot(Path root, String... command) throws Exception {
    List<String> full = new ArrayList<>(List.of("chroot", root.toString()));
    full.addAll(List.of(command));
    return output(full.toArray(String[]::new));
  }

  private static String output(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
    return out;
  }

  /** Runs {@code command} with its output in {@code log}; fails with the log's tail. */
  private static void run(Path log, int minutes, String... command) throws Exception {
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean done = p.waitFor(minutes, TimeUnit.MINUTES);
    if (!done) {
      p.destroyForcibly().waitFor();
    }
    List<String> lines = Files.readAllLines(log);
    String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    assertThat(done && p.exitValue() == 0)
        .as(String.join(" ", command) + " failed:\n" + tail)
        .isTrue();
  }
}
