package io.peerwatt.deploy.demo;

import io.peerwatt.gateway.control.AllowedHours;
import io.peerwatt.gateway.control.FlexibilityConfig;
import io.peerwatt.gateway.metering.MeterUri;
import io.peerwatt.gateway.metering.SimulatedDer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.ZoneId;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The home battery of some demo homes: a {@link SimulatedDer} at its own Modbus unit behind the
 * home's meter simulator (SunSpec model 124: its charge, power limits and reserve obey the written
 * setpoints), the gateway's {@code flexibility:} section with the owner's limits, and the body that
 * registers it as controllable on the platform.
 */
final class HomeBattery {
  /** The battery's Modbus unit id (the meter answers at 1). */
  static final int UNIT = 2;

  static final long CAPACITY_WH = 10_000;
  static final long RATED_POWER_W = 3_000;
  static final int START_STATE_OF_CHARGE_PERCENT = 80;

  /** The owner's limits: never below this charge, never more than this power, only these hours. */
  static final int OWNER_MIN_STATE_OF_CHARGE_PERCENT = 20;

  static final long OWNER_MAX_POWER_W = 2_000;
  static final String OWNER_HOURS = "07:00-22:00";
  static final ZoneId OWNER_TIME_ZONE = ZoneId.of("Europe/Berlin");

  private HomeBattery() {}

  /**
   * Which homes have a battery: every fourth, from the second (2, 6, 10, ...): the homes without
   * PV, which draw from the grid at midday, so a discharge shows as less import on their meter.
   */
  static boolean has(int home) {
    return home % 4 == 2;
  }

  /** A new battery at {@link #START_STATE_OF_CHARGE_PERCENT}, 90 % round-trip efficiency. */
  static SimulatedDer simulated() {
    return new SimulatedDer(
        UNIT,
        false,
        new SimulatedDer.Battery(CAPACITY_WH, RATED_POWER_W, 90, START_STATE_OF_CHARGE_PERCENT));
  }

  /**
   * The gateway's {@code flexibility:} section for the battery behind the meter simulator on {@code
   * port}: the VTN is polled every ten simulated seconds (at least every quarter second of wall
   * time), and the battery is put back after ten simulated minutes without contact.
   */
  static FlexibilityConfig gatewaySection(int port, long speed) {
    return new FlexibilityConfig(
        FlexibilityConfig.Kind.BATTERY,
        MeterUri.parse("tcp://127.0.0.1:" + port),
        UNIT,
        OptionalInt.of(124),
        OptionalLong.empty(),
        OWNER_MIN_STATE_OF_CHARGE_PERCENT,
        OWNER_MAX_POWER_W,
        AllowedHours.parse(OWNER_HOURS),
        OWNER_TIME_ZONE,
        Duration.ofMillis(Math.max(250, 10_000 / speed)),
        Duration.ofMinutes(10),
        FlexibilityConfig.DEFAULT_CLOCK_SKEW);
  }

  /** The body of {@code PUT /devices/{id}/flexibility}. */
  static JsonObject registration() {
    return new JsonObject().put("kind", "battery").put("maxPowerW", OWNER_MAX_POWER_W);
  }
}
