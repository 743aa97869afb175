package io.peerwatt.deploy.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short demo's export (3 homes, 2 slots, x180) checked by an independent BSV implementation:
 * {@code tools/bsv-crosscheck} (the BSV Association's TypeScript SDK, {@code @bsv/sdk}, on Node)
 * parses every transaction, runs every input through the SDK's script interpreter, checks the BEEF
 * and its BUMPs against the exported headers and every proof bundle's anchor transaction, BUMP and
 * headers. Then a tampered copy of the export must fail there, so the check cannot pass vacuously.
 *
 * <p>Needs {@code node} and {@code npm} on PATH and, the first time ({@code node_modules} missing),
 * the npm registry for {@code npm ci}; without them the test is skipped with one line saying so.
 */
class BsvSdkCrossCheckTest {
  private static final Path TOOL =
      Path.of(System.getProperty("peerwatt.root", ".."), "tools", "bsv-crosscheck")
          .toAbsolutePath()
          .normalize();

  @Test
  void aShortDemosExportPassesTheBsvSdkAndATamperedOneFails(@TempDir Path dir) throws Exception {
    installTheToolOrSkip();

    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Path out = dir.resolve("out");
    // two slots, like DemoEndToEndTest: the first may close before the homes' rules have an hour of
    // readings to trade on (a slot without trades is not settled, so nothing of it is anchored)
    try (Demo demo =
        Demo.start(
            new Demo.Options(3, 1, 2, 180, 0, dir.resolve("data")),
            new PrintStream(printed, true, StandardCharsets.UTF_8))) {
      demo.printWelcome();
      demo.run();
      demo.closeChannels();
      demo.export(out);
    }
    String demoOutput = printed.toString(StandardCharsets.UTF_8);
    System.out.println(demoOutput);
    try (var bundles = Files.list(out.resolve("proofs"))) {
      assertThat(bundles.count())
          .as("proof bundles exported by the demo:\n" + demoOutput)
          .isPositive();
    }

    Result good = crosscheck(out);
    System.out.println(good.output);
    assertThat(good.exitCode).as(good.output).isZero();
    assertThat(good.output)
        .doesNotContain("FAIL")
        .contains("transactions.beef parses as BEEF")
        .contains("unlocking script valid for the spent output")
        .contains("BUMP computes the first header's Merkle root");
    Matcher counts = Pattern.compile("(?m)^(\\d+) passed, 0 failed$").matcher(good.output);
    assertThat(counts.find()).as(good.output).isTrue();
    assertThat(Integer.parseInt(counts.group(1))).isGreaterThan(20);

    // Tampered: one spent amount in transactions.json (the FORKID sighash commits to it) and one
    // byte of
    // a BUMP hash in transactions.beef. Both must be named.
    Path bad = dir.resolve("tampered");
    copyTree(out, bad);
    String json = Files.readString(bad.resolve("transactions.json"));
    Matcher sats = Pattern.compile("\"satoshis\" ?: ?(\\d+)").matcher(json);
    assertThat(sats.find()).isTrue();
    json =
        json.substring(0, sats.start(1))
            + (Long.parseLong(sats.group(1)) + 1)
            + json.substring(sats.end(1));
    Files.writeString(bad.resolve("transactions.json"), json);
    byte[] beef = Files.readAllBytes(bad.resolve("transactions.beef"));
    // version (4), BUMP count, the first BUMP's height, tree height (1), level 0's leaf count, the
    // first
    // leaf's offset and flags (1), then its 32-byte hash (level 0 starts at offset 0: never a
    // duplicate)
    int at = 4;
    at += varIntSize(beef[at]);
    at += varIntSize(beef[at]) + 1;
    at += varIntSize(beef[at]);
    at += varIntSize(beef[at]);
    assertThat(beef[at]).as("first leaf's flags").isNotEqualTo((byte) 1);
    beef[at + 1 + 8] ^= 0x01;
    Files.write(bad.resolve("transactions.beef"), beef);

    Result tampered = crosscheck(bad);
    assertThat(tampered.exitCode).as(tampered.output).isEqualTo(1);
    assertThat(tampered.output)
        .containsPattern(
            "(?m)^FAIL transactions\\.json\\[0\\] \\S+ input 0: unlocking script valid")
        .containsPattern("(?m)^FAIL transactions\\.beef");
  }

  /**
   * Skips (one line) without node/npm, or without node_modules and a reachable registry; else npm
   * ci.
   */
  private static void installTheToolOrSkip() throws Exception {
    String why = null;
    if (!onPath("node") || !onPath("npm")) {
      why = "node and npm are not on PATH";
    } else if (!Files.isDirectory(TOOL.resolve("node_modules").resolve("@bsv").resolve("sdk"))) {
      if (run(List.of("npm", "ping"), TOOL, 60).exitCode != 0) {
        why = "the npm registry cannot be reached to install @bsv/sdk";
      } else {
        Result ci =
            run(
                List.of("npm", "ci", "--prefix", TOOL.toString(), "--no-audit", "--no-fund"),
                TOOL,
                300);
        assertThat(ci.exitCode).as("npm ci in " + TOOL + ":\n" + ci.output).isZero();
      }
    }
    if (why != null) {
      System.err.println(
          "BSV SDK cross-check skipped: "
              + why
              + " (tools/bsv-crosscheck needs node, npm and, once, the npm registry)");
    }
    Assumptions.assumeTrue(why == null, why);
  }

  private static Result crosscheck(Path exportDir) throws Exception {
    return run(
        List.of("node", TOOL.resolve("crosscheck.mjs").toString(), exportDir.toString()),
        TOOL,
        120);
  }

  private record Result(int exitCode, String output) {}

  private static Result run(List<String> command, Path workDir, int timeoutSeconds)
      throws Exception {
    Path log = Files.createTempFile("bsv-crosscheck", ".log");
    try {
      Process p =
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      p.getOutputStream().close();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        return new Result(
            -1,
            String.join(" ", command)
                + " timed out after "
                + timeoutSeconds
                + " s\n"
                + Files.readString(log));
      }
      return new Result(p.exitValue(), Files.readString(log));
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String d : path.split(java.io.File.pathSeparator)) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) {
        return true;
      }
    }
    return false;
  }

  private static int varIntSize(byte first) {
    return switch (first & 0xff) {
      case 0xfd -> 3;
      case 0xfe -> 5;
      case 0xff -> 9;
      default -> 1;
    };
  }

  private static void copyTree(Path from, Path to) throws IOException {
    List<Path> all = new ArrayList<>();
    try (var walk = Files.walk(from)) {
      walk.forEach(all::add);
    }
    for (Path p : all) {
      Path target = to.resolve(from.relativize(p).toString());
      if (Files.isDirectory(p)) {
        Files.createDirectories(target);
      } else {
        Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }
}
