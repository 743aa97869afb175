package io.peerwatt.gateway.metering;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every map against a meter that serves exactly the registers its maker's document lists and
 * nothing more ({@link DatasheetMeter}), over real Modbus TCP sockets: the values come out in Wh, W
 * and mV, and what the document does not promise (a serial number, say) is reported lacking, never
 * a failure.
 */
class DatasheetMapsTest {
  private static final int UNIT = 9;
  private static final Duration TIMEOUT = Duration.ofMillis(500);
  private SimulatedBus bus;

  @AfterEach
  void stop() {
    if (bus != null) {
      bus.stop();
    }
  }

  @AfterAll
  static void release() {
    Meters.releaseSharedResources();
  }

  private Meters.Probe probe(SimulatedMeter meter, MapChoice map) throws MeterException {
    bus = new SimulatedBus(List.of(meter)).start(0);
    return Meters.probe(MeterUri.parse("tcp://127.0.0.1:" + bus.port()), UNIT, map, TIMEOUT, 0);
  }

  /** Values every float Eastron table gets: exact in float32, so the Wh, W and mV are exact too. */
  private static Map<String, Number> eastronValues(String volts, String power) {
    return Map.of(
        volts,
        231.5f,
        power,
        -1234.5f,
        "importKwh",
        12345.5f,
        "exportKwh",
        678.25f,
        "serial",
        10203040L);
  }

  @Test
  void sdm630ReadsItsDocumentedRegisters() throws Exception {
    Meters.Probe probe =
        probe(
            DatasheetMeter.eastron("sdm630", UNIT, eastronValues("phase1Volts", "totalPower")),
            MapChoice.SDM630);
    assertThat(probe.map()).isEqualTo("sdm630");
    assertThat(probe.sample().importWh()).isEqualTo(12_345_500);
    assertThat(probe.sample().exportWh()).isEqualTo(678_250);
    // -1234.5 W rounds half-even
    assertThat(probe.sample().powerW()).isEqualTo(-1234);
    assertThat(probe.sample().voltageMilliV()).isEqualTo(231_500);
    assertThat(probe.sample().serial()).isEqualTo("10203040");
    assertThat(probe.lacks()).isEmpty();
  }

  @Test
  void anSdm630CloneWithoutTheSerialRegisterIsReadAndSaysWhatItLacks() throws Exception {
    Meters.Probe probe =
        probe(
            DatasheetMeter.eastron(
                "sdm630-no-serial", UNIT, eastronValues("phase1Volts", "totalPower")),
            MapChoice.AUTO);
    assertThat(probe.map()).isEqualTo("sdm630");
    assertThat(probe.sample().importWh()).isEqualTo(12_345_500);
    assertThat(probe.sample().voltageMilliV()).isEqualTo(231_500);
    assertThat(probe.sample().serial()).isEmpty();
    assertThat(probe.sample().complete()).isTrue();
    assertThat(probe.lacks()).containsExactly("serial");
  }

  @Test
  void sdm72dReadsItsDocumentedRegisters() throws Exception {
    Meters.Probe probe =
        probe(
            DatasheetMeter.eastron("sdm72d", UNIT, eastronValues("phase1Volts", "totalPower")),
            MapChoice.SDM72D);
    assertThat(probe.map()).isEqualTo("sdm72d");
    assertThat(probe.sample().importWh()).isEqualTo(12_345_500);
    assertThat(probe.sample().exportWh()).isEqualTo(678_250);
    assertThat(probe.sample().powerW()).isEqualTo(-1234);
    assertThat(probe.sample().voltageMilliV()).isEqualTo(231_500);
    // the SDM72D-M's manual lists no serial number
    assertThat(probe.lacks()).containsExactly("serial");
  }

  @Test
  void sdm230ReadsItsDocumentedRegisters() throws Exception {
    Meters.Probe probe =
        probe(
            DatasheetMeter.eastron("sdm230", UNIT, eastronValues("volts", "activePower")),
            MapChoice.SDM230);
    assertThat(probe.map()).isEqualTo("sdm230");
    assertThat(probe.sample().importWh()).isEqualTo(12_345_500);
    assertThat(probe.sample().exportWh()).isEqualTo(678_250);
    assertThat(probe.sample().powerW()).isEqualTo(-1234);
    assertThat(probe.sample().voltageMilliV()).isEqualTo(231_500);
    assertThat(probe.lacks()).containsExactly("serial");
  }

  @Test
  void sunSpec211And213FloatMetersAreFoundAndRead() throws Exception {
    for (int model : new int[] {211, 213}) {
      Meters.Probe probe =
          probe(
              DatasheetMeter.sunSpecFloat(
                  model,
                  UNIT,
                  "SN-" + model,
                  Map.of(
                      "TotWhImp",
                      1_234_567f,
                      "TotWhExp",
                      7_654_321f,
                      "W",
                      -1500f,
                      "PhVphA",
                      229.5f)),
              MapChoice.AUTO);
      assertThat(probe.map()).isEqualTo("sunspec-" + model);
      assertThat(probe.found()).contains("model " + model);
      assertThat(probe.sample().importWh()).isEqualTo(1_234_567);
      assertThat(probe.sample().exportWh()).isEqualTo(7_654_321);
      assertThat(probe.sample().powerW()).isEqualTo(-1500);
      assertThat(probe.sample().voltageMilliV()).isEqualTo(229_500);
      assertThat(probe.sample().serial()).isEqualTo("SN-" + model);
      assertThat(probe.lacks()).isEmpty();
      bus.stop();
      bus = null;
    }
  }

  @Test
  void aSunSpecMeterThatLeavesPowerNotImplementedIsReadWithoutIt() throws Exception {
    Meters.Probe probe =
        probe(
            DatasheetMeter.sunSpecFloat(
                213, UNIT, "SN-1", Map.of("TotWhImp", 1_000f, "TotWhExp", 2_000f, "PhVphA", 230f)),
            MapChoice.SUNSPEC);
    assertThat(probe.sample().importWh()).isEqualTo(1_000);
    assertThat(probe.sample().powerW()).isZero();
    assertThat(probe.sample().missing()).containsExactly("powerTotal");
    assertThat(probe.lacks()).containsExactly("powerTotal");
  }
}
