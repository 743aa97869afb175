package io.peerwatt.gateway.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.digitalpetri.modbus.client.ModbusTcpClient;
import com.digitalpetri.modbus.exceptions.ModbusResponseException;
import com.digitalpetri.modbus.pdu.WriteSingleRegisterRequest;
import com.digitalpetri.modbus.tcp.client.NettyTcpClientTransport;
import io.peerwatt.gateway.metering.MeterSimulator;
import io.peerwatt.gateway.metering.MeterUri;
import io.peerwatt.gateway.metering.Meters;
import io.peerwatt.gateway.metering.SimulatedDer;
import io.peerwatt.protocol.flex.FlexAction;
import io.peerwatt.protocol.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The SunSpec controller against the simulated home over real Modbus TCP sockets: setpoints are
 * written and read back, the battery's charge and the household meter follow them in simulated
 * time, previous values come back on restore, and refusals leave the device as it was.
 */
class SunSpecControllerTest {
  private static final Instant EVENING = Instant.parse("2026-12-06T18:00:00Z");
  private static final Instant NOON = Instant.parse("2026-06-21T12:00:00Z");
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  private MeterSimulator home;
  private MeterSimulator twin;
  private SunSpecController controller;

  @AfterEach
  void stop() {
    if (controller != null) {
      controller.close();
    }
    if (home != null) {
      home.stop();
    }
  }

  @AfterAll
  static void release() {
    Meters.releaseSharedResources();
  }

  private SimulatedDer start(
      MutableClock clock, Instant simStart, boolean inverter, SimulatedDer.Battery battery) {
    return start(clock, simStart, inverter, battery, SimulatedDer.Controls.BASIC);
  }

  private SimulatedDer start(
      MutableClock clock,
      Instant simStart,
      boolean inverter,
      SimulatedDer.Battery battery,
      SimulatedDer.Controls controls) {
    home =
        new MeterSimulator(
            MeterSimulator.Model.SDM630, 1, 42, 1, clock, simStart, 5_000, 1_000_000, 100_000);
    // the same home without the DER, to see what the DER changes at the meter
    twin =
        new MeterSimulator(
            MeterSimulator.Model.SDM630, 1, 42, 1, clock, simStart, 5_000, 1_000_000, 100_000);
    SimulatedDer der = new SimulatedDer(2, inverter, battery, controls);
    home.attach(der);
    home.start(0);
    return der;
  }

  private FlexibilityConfig config(FlexibilityConfig.Kind kind, int minSoc, long ratedW) {
    return new FlexibilityConfig(
        kind,
        MeterUri.parse("tcp://127.0.0.1:" + home.port()),
        2,
        OptionalInt.empty(),
        ratedW > 0 ? OptionalLong.of(ratedW) : OptionalLong.empty(),
        minSoc,
        5_000,
        AllowedHours.ALL_DAY,
        ZoneOffset.UTC,
        Duration.ofSeconds(30),
        Duration.ofMinutes(5),
        FlexibilityConfig.DEFAULT_CLOCK_SKEW);
  }

  @Test
  void dischargeSetpointIsReadBackAndLowersTheMeteredImportAndTheCharge() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    SimulatedDer der =
        start(clock, EVENING, false, new SimulatedDer.Battery(10_000, 5_000, 90, 50));
    controller = SunSpecController.open(config(FlexibilityConfig.Kind.BATTERY, 20, 0), TIMEOUT);
    assertThat(controller.model()).isEqualTo(124);
    assertThat(controller.stateOfChargePercent()).isEqualTo(50.0);

    SunSpecController.Applied applied = controller.apply(FlexAction.REDUCE_IMPORT, 1_500);
    assertThat(applied.watts()).isEqualTo(1_500);
    assertThat(applied.description())
        .isEqualTo("124 StorCtl_Mod=DISCHARGE OutWRte=30.00 % of WChaMax 5000 W MinRsvPct=20 %");
    long homeImportBefore = home.truth().importWh();
    long twinImportBefore = twin.truth().importWh();

    clock.advance(Duration.ofHours(1));

    assertThat(der.batteryPowerW()).isEqualTo(-1_500);
    long homeImported = home.truth().importWh() - homeImportBefore;
    long twinImported = twin.truth().importWh() - twinImportBefore;
    // the evening load is 1.85..2.25 kW, so 1.5 kW from the battery comes straight off the import
    assertThat(twinImported - homeImported).isBetween(1_495L, 1_505L);
    // 1.5 kWh out of a 10 kWh battery at 90 % round trip (94.87 % one way): 15.81 % of charge
    assertThat(controller.stateOfChargePercent())
        .isCloseTo(34.2, org.assertj.core.data.Offset.offset(0.1));

    controller.restore(applied.previous());
    double afterRestore = controller.stateOfChargePercent();
    clock.advance(Duration.ofHours(1));
    assertThat(der.batteryPowerW()).isZero();
    assertThat(controller.stateOfChargePercent()).isEqualTo(afterRestore);
  }

  @Test
  void dischargeStopsAtTheOwnersMinimumCharge() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    SimulatedDer der =
        start(clock, EVENING, false, new SimulatedDer.Battery(10_000, 5_000, 100, 30));
    controller = SunSpecController.open(config(FlexibilityConfig.Kind.BATTERY, 25, 0), TIMEOUT);
    controller.apply(FlexAction.REDUCE_IMPORT, 5_000);
    clock.advance(Duration.ofHours(1));
    assertThat(controller.stateOfChargePercent()).isEqualTo(25.0);
    assertThat(der.batteryPowerW()).isZero();
  }

  @Test
  void chargeSetpointRaisesTheImportAndTheCharge() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    SimulatedDer der =
        start(clock, EVENING, false, new SimulatedDer.Battery(10_000, 4_000, 81, 50));
    controller = SunSpecController.open(config(FlexibilityConfig.Kind.BATTERY, 0, 0), TIMEOUT);
    SunSpecController.Applied applied = controller.apply(FlexAction.REDUCE_EXPORT, 1_000);
    assertThat(applied.description()).startsWith("124 StorCtl_Mod=CHARGE InWRte=25.00 %");
    long homeImportBefore = home.truth().importWh();
    long twinImportBefore = twin.truth().importWh();
    clock.advance(Duration.ofMinutes(30));
    assertThat(der.batteryPowerW()).isEqualTo(1_000);
    long extra =
        (home.truth().importWh() - homeImportBefore) - (twin.truth().importWh() - twinImportBefore);
    assertThat(extra).isBetween(495L, 505L);
    // 0.5 kWh in at 90 % one way: +4.5 %
    assertThat(controller.stateOfChargePercent()).isEqualTo(54.5);
  }

  @Test
  void inverterLimitCurtailsThePvExport() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    SimulatedDer der = start(clock, NOON, true, null);
    controller = SunSpecController.open(config(FlexibilityConfig.Kind.INVERTER, 0, 5_000), TIMEOUT);
    assertThat(controller.model()).isEqualTo(123);
    assertThatThrownBy(() -> controller.apply(FlexAction.REDUCE_IMPORT, 1_000))
        .isInstanceOf(ControlException.class)
        .hasMessageContaining("reduce export only");
    SunSpecController.Applied applied = controller.apply(FlexAction.REDUCE_EXPORT, 4_000);
    assertThat(applied.description())
        .isEqualTo("123 WMaxLim_Ena=ENABLED WMaxLimPct=20.00 % of 5000 W");
    clock.advance(Duration.ofMinutes(10));
    assertThat(der.pvOutputW()).isLessThanOrEqualTo(1_000);
    controller.restore(applied.previous());
    clock.advance(Duration.ofMinutes(10));
    // clear noon sky with clouds: 40..100 % of 5 kW
    assertThat(der.pvOutputW()).isGreaterThan(1_900);
  }

  @Test
  void model704DrivesTheBatteryWithAWattSetpointAndShowsItsChargeIn713() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    SimulatedDer der =
        start(
            clock,
            EVENING,
            true,
            new SimulatedDer.Battery(10_000, 5_000, 100, 50),
            SimulatedDer.Controls.DER_AC);
    controller = SunSpecController.open(config(FlexibilityConfig.Kind.BATTERY, 20, 0), TIMEOUT);
    assertThat(controller.model()).isEqualTo(704);
    assertThat(controller.stateOfChargePercent()).isEqualTo(50.0);
    SunSpecController.Applied discharge = controller.apply(FlexAction.REDUCE_IMPORT, 2_000);
    assertThat(discharge.description()).isEqualTo("704 WSetEna=ENABLED WSetMod=WATTS WSet=2000 W");
    clock.advance(Duration.ofMinutes(30));
    assertThat(der.batteryPowerW()).isEqualTo(-2_000);
    assertThat(controller.stateOfChargePercent()).isEqualTo(40.0);
    controller.restore(discharge.previous());
    SunSpecController.Applied charge = controller.apply(FlexAction.REDUCE_EXPORT, 1_000);
    assertThat(charge.description()).isEqualTo("704 WSetEna=ENABLED WSetMod=WATTS WSet=-1000 W");
    clock.advance(Duration.ofMinutes(60));
    assertThat(der.batteryPowerW()).isEqualTo(1_000);
    assertThat(controller.stateOfChargePercent()).isEqualTo(50.0);
    controller.restore(charge.previous());
    clock.advance(Duration.ofMinutes(10));
    assertThat(der.batteryPowerW()).isZero();
  }

  @Test
  void model704LimitsTheInverter() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    SimulatedDer der = start(clock, NOON, true, null, SimulatedDer.Controls.DER_AC);
    controller = SunSpecController.open(config(FlexibilityConfig.Kind.INVERTER, 0, 5_000), TIMEOUT);
    assertThat(controller.model()).isEqualTo(704);
    SunSpecController.Applied applied = controller.apply(FlexAction.REDUCE_EXPORT, 4_500);
    assertThat(applied.description())
        .isEqualTo("704 WMaxLimPctEna=ENABLED WMaxLimPct=10.00 % of 5000 W");
    clock.advance(Duration.ofMinutes(10));
    assertThat(der.pvOutputW()).isLessThanOrEqualTo(500);
    controller.restore(applied.previous());
    clock.advance(Duration.ofMinutes(10));
    assertThat(der.pvOutputW()).isGreaterThan(1_900);
  }

  @Test
  void aCommandBeyondTheBatteryIsRefusedAndNothingIsWritten() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    SimulatedDer der =
        start(clock, EVENING, false, new SimulatedDer.Battery(10_000, 3_000, 90, 50));
    controller = SunSpecController.open(config(FlexibilityConfig.Kind.BATTERY, 10, 0), TIMEOUT);
    assertThatThrownBy(() -> controller.apply(FlexAction.REDUCE_IMPORT, 3_001))
        .isInstanceOf(ControlException.class)
        .hasMessageContaining("WChaMax is 3000 W");
    clock.advance(Duration.ofMinutes(10));
    assertThat(der.batteryPowerW()).isZero();
  }

  @Test
  void aDeviceThatDoesNotTakeTheSetpointIsReported() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    SimulatedDer der =
        start(clock, EVENING, false, new SimulatedDer.Battery(10_000, 5_000, 90, 50));
    controller = SunSpecController.open(config(FlexibilityConfig.Kind.BATTERY, 20, 0), TIMEOUT);
    der.ignoreWrites(true);
    assertThatThrownBy(() -> controller.apply(FlexAction.REDUCE_IMPORT, 1_000))
        .isInstanceOf(ControlException.class)
        .hasMessageContaining("did not take 124.MinRsvPct");
  }

  @Test
  void theSimulatorRefusesOutOfRangeAndReadOnlyWrites() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    start(clock, EVENING, false, new SimulatedDer.Battery(10_000, 5_000, 90, 50));
    ModbusTcpClient client =
        ModbusTcpClient.create(
            NettyTcpClientTransport.create(
                cfg -> cfg.setHostname("127.0.0.1").setPort(home.port())));
    client.connect();
    try {
      int storage = 40000 + 4 + 66;
      // OutWRte 100.01 %: illegal data value
      assertThatThrownBy(
              () ->
                  client.writeSingleRegister(
                      2, new WriteSingleRegisterRequest(storage + 12, 10_001)))
          .isInstanceOfSatisfying(
              ModbusResponseException.class, e -> assertThat(e.getExceptionCode()).isEqualTo(3));
      // ChaState is read-only: illegal data address
      assertThatThrownBy(
              () -> client.writeSingleRegister(2, new WriteSingleRegisterRequest(storage + 8, 900)))
          .isInstanceOfSatisfying(
              ModbusResponseException.class, e -> assertThat(e.getExceptionCode()).isEqualTo(2));
      // the meter itself takes no writes: illegal function
      assertThatThrownBy(() -> client.writeSingleRegister(1, new WriteSingleRegisterRequest(0, 1)))
          .isInstanceOfSatisfying(
              ModbusResponseException.class, e -> assertThat(e.getExceptionCode()).isEqualTo(1));
    } finally {
      client.disconnect();
    }
  }
}
