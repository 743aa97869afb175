package io.peerwatt.gateway.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link MeterTransportSuite} over Modbus RTU on a pseudo-terminal pair made by {@code socat}
 * ({@link SocatPair}: skipped, with one clear message, where socat is not installed; CI installs
 * it).
 */
class RtuTransportTest extends MeterTransportSuite {
  @TempDir Path dir;
  private SocatPair line;

  @Override
  MeterUri startSimulator(MeterSimulator.Model model) throws Exception {
    line = SocatPair.open(dir);
    newSimulator(model).startRtu(line.meterDevice(), 115_200);
    return line.gatewayUri(115_200);
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
    if (line != null) {
      line.close();
    }
  }
}
