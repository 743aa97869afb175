package io.peerwatt.gateway.metering;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A pseudo-terminal pair made by {@code socat}, standing in for an RS-485 line: the meter side and
 * the gateway side. Tests that need it are skipped, with one clear message, where socat is not
 * installed (CI installs it).
 */
final class SocatPair implements AutoCloseable {
  final Path meterSide;
  final Path gatewaySide;
  private final Process socat;

  private SocatPair(Path meterSide, Path gatewaySide, Process socat) {
    this.meterSide = meterSide;
    this.gatewaySide = gatewaySide;
    this.socat = socat;
  }

  static SocatPair open(Path dir) throws IOException, InterruptedException {
    assumeTrue(
        available(), "socat not installed: RTU transport tests skipped (apt-get install socat)");
    Path meterSide = dir.resolve("meter");
    Path gatewaySide = dir.resolve("gateway");
    Process socat =
        new ProcessBuilder(
                "socat", "pty,raw,echo=0,link=" + meterSide, "pty,raw,echo=0,link=" + gatewaySide)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!(Files.exists(meterSide) && Files.exists(gatewaySide))
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    return new SocatPair(meterSide, gatewaySide, socat);
  }

  /** The meter side's device path. */
  String meterDevice() throws IOException {
    return meterSide.toRealPath().toString();
  }

  /** The gateway's URI of the line at {@code baud}. */
  MeterUri gatewayUri(int baud) throws IOException {
    return MeterUri.parse(
        "rtu://" + gatewaySide.toRealPath() + "?baud=" + baud + "&parity=none&stopBits=1");
  }

  @Override
  public void close() throws InterruptedException {
    socat.destroy();
    socat.waitFor(5, TimeUnit.SECONDS);
  }

  private static boolean available() {
    try {
      Process p =
          new ProcessBuilder("socat", "-V")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
