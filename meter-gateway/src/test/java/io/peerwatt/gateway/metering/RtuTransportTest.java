package io.peerwatt.gateway.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link MeterTransportSuite} over Modbus RTU on a pseudo-terminal pair made by {@code socat}
 * (skipped, with one clear message, where socat is not installed; CI installs it).
 */
class RtuTransportTest extends MeterTransportSuite {
  @TempDir Path dir;
  private Process socat;

  @Override
  MeterUri startSimulator(MeterSimulator.Model model) throws Exception {
    assumeTrue(
        socatAvailable(),
        "socat not installed: RTU transport tests skipped (apt-get install socat)");
    Path meterSide = dir.resolve("meter");
    Path gatewaySide = dir.resolve("gateway");
    socat =
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
    newSimulator(model).startRtu(meterSide.toRealPath().toString(), 115_200);
    return MeterUri.parse(
        "rtu://" + gatewaySide.toRealPath() + "?baud=115200&parity=none&stopBits=1");
  }

  /**
   * digitalpetri 2.1.4's RTU <em>server</em> computes the CRC of exception responses over the unit
   * id only (the PDU buffer is not flipped first, ModbusRtuServer#handleModbusRtuFrame), so the
   * simulator's exception frames arrive corrupt over RTU. The gateway must then report a fault,
   * never a value: it sees the CRC mismatch as a broken frame.
   */
  @Override
  @Test
  void exceptionCodeIsReported() throws Exception {
    MeterUri uri = startSimulator(MeterSimulator.Model.SDM630);
    sim.failWith(2);
    assertThatThrownBy(() -> Meters.probe(uri, UNIT, MapChoice.SDM630, Duration.ofMillis(800), 0))
        .isInstanceOfSatisfying(
            MeterException.class,
            e -> {
              assertThat(e.fault()).isEqualTo(MeterFault.CONNECTION);
              assertThat(e.getMessage()).contains("CRC mismatch");
            });
  }

  @AfterEach
  void stopSocat() throws InterruptedException {
    if (sim != null) {
      sim.stop();
      sim = null;
    }
    if (socat != null) {
      socat.destroy();
      socat.waitFor(5, TimeUnit.SECONDS);
    }
  }

  private static boolean socatAvailable() {
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
