package io.peerwatt.gateway.metering;

import com.digitalpetri.modbus.ExceptionCode;
import com.digitalpetri.modbus.exceptions.ModbusResponseException;
import com.digitalpetri.modbus.exceptions.UnknownUnitIdException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * A meter simulator ({@link SimulatedRegisters}, served alone or with others on a {@link
 * SimulatedBus}) for tests and the demo: a household grid-connection meter whose PV production and
 * household load follow daily profiles ({@link HouseholdProfile}) in simulated time ({@code speed}
 * simulated seconds per real second), and whose own import/export counters advance with the net
 * power. It serves the Eastron SDM630/SDM120/SDM230/SDM72D, Carlo Gavazzi EM24 or SunSpec
 * 203/211/213 register map, and can inject faults (silence, Modbus exceptions, NaN, counters going
 * backwards, a serial change).
 *
 * <pre>{@code
 * MeterSimulator sim = new MeterSimulator(MeterSimulator.Model.SDM630, 1, 42, 60, Clock.systemUTC());
 * sim.start(0);
 * String uri = "tcp://127.0.0.1:" + sim.port();
 * ...
 * sim.stop();
 * }</pre>
 */
public final class MeterSimulator implements SimulatedMeter {

  /** The register map the simulator serves. */
  public enum Model {
    SDM630,
    SDM120,
    SDM230,
    SDM72D,
    EM24,
    SUNSPEC_203,
    SUNSPEC_211,
    SUNSPEC_213
  }

  private static final long MS_PER_HOUR = 3_600_000L;

  /** Counters advance in steps of at most one simulated minute so profile shapes are followed. */
  private static final long STEP_MS = 60_000L;

  private final Model model;
  private final int unitId;
  private final long speed;
  private final Clock clock;
  private final long realStartMs;
  private final long simStartMs;
  private final HouseholdProfile profile;
  private final SimulatedRegisters registers;

  /** The home's inverter and/or battery, or null. */
  private SimulatedDer der;

  /** The bus this simulator serves alone ({@link #start}, {@link #startRtu}), or null. */
  private SimulatedBus bus;

  // simulation state, guarded by this
  private long simMs;
  private long importMilliWh;
  private long exportMilliWh;
  private long powerMilliW;
  private String serial;
  private int exceptionCode;
  private boolean silent;
  private boolean invalidEnergy;

  /**
   * Points the meter does not have: a read touching one is refused (exception 2) or, if true,
   * ignored.
   */
  private final java.util.Map<RegisterPoint, Boolean> withheld = new java.util.HashMap<>();

  /**
   * @param model which register map to serve
   * @param unitId the Modbus unit id it answers to (others get no answer, like a real meter)
   * @param seed makes load noise and clouds reproducible
   * @param speed simulated seconds per real second (1 = real time)
   * @param clock the real clock (tests pass a controllable one)
   */
  public MeterSimulator(Model model, int unitId, long seed, long speed, Clock clock) {
    this(model, unitId, seed, speed, clock, clock.instant(), 5_000, 12_345_678, 2_345_678);
  }

  /**
   * @param simStart the simulated instant at the real start time
   * @param pvPeakW PV peak power (0 = no PV)
   * @param startImportWh and {@code startExportWh}: the counters at {@code simStart}
   */
  public MeterSimulator(
      Model model,
      int unitId,
      long seed,
      long speed,
      Clock clock,
      Instant simStart,
      long pvPeakW,
      long startImportWh,
      long startExportWh) {
    if (speed < 1) {
      throw new IllegalArgumentException("speed must be at least 1");
    }
    this.model = model;
    this.unitId = unitId;
    this.speed = speed;
    this.clock = clock;
    this.realStartMs = clock.millis();
    this.simStartMs = simStart.toEpochMilli();
    this.profile = new HouseholdProfile(seed, pvPeakW);
    this.simMs = simStartMs;
    this.importMilliWh = Math.multiplyExact(startImportWh, 1000);
    this.exportMilliWh = Math.multiplyExact(startExportWh, 1000);
    this.serial = Long.toString(10_000_000 + Math.floorMod(seed, 89_999_999));
    this.powerMilliW = profile.netPowerMilliW(simStartMs);
    this.registers = new SimulatedRegisters(model);
    refreshImage();
  }

  /**
   * Serves this meter alone over Modbus TCP on 127.0.0.1 ({@code port} 0 = any free port, see
   * {@link #port()}).
   */
  public synchronized void start(int requestedPort) {
    bus = new SimulatedBus(onTheBus()).start(requestedPort);
  }

  /**
   * Serves Modbus RTU on a serial device instead (8 data bits, no parity, 1 stop bit), e.g. one end
   * of a {@code socat} pseudo-terminal pair in tests.
   */
  public synchronized void startRtu(String serialDevice, int baud) {
    bus = new SimulatedBus(onTheBus()).startRtu(serialDevice, baud);
  }

  private List<SimulatedMeter> onTheBus() {
    return der == null ? List.of(this) : List.of(this, der);
  }

  /**
   * Gives the home an inverter and/or battery ({@link SimulatedDer}), served at its own unit id on
   * this simulator's port once started; its power then shows in what this meter measures.
   */
  public synchronized void attach(SimulatedDer der) {
    if (this.der != null) {
      throw new IllegalStateException("the home already has a DER");
    }
    if (bus != null) {
      throw new IllegalStateException("attach the DER before starting the simulator");
    }
    advance();
    der.attachTo(this);
    this.der = der;
  }

  /** The PV peak power the home's profile has. */
  long pvPeakW() {
    return profile.pvPeakW();
  }

  /** The bound TCP port. */
  public synchronized int port() {
    if (bus == null) {
      throw new IllegalStateException("simulator not started");
    }
    return bus.port();
  }

  /** Requests this meter received while serving alone. */
  public synchronized long requests() {
    return bus == null ? 0 : bus.requests(unitId);
  }

  /** Stops serving (when serving alone). */
  public synchronized void stop() {
    if (bus != null) {
      bus.stop();
      bus = null;
    }
  }

  @Override
  public int unitId() {
    return unitId;
  }

  public Model model() {
    return model;
  }

  /** Current simulated instant. */
  public synchronized Instant simulatedNow() {
    advance();
    return Instant.ofEpochMilli(simMs);
  }

  /** The counters and power now, as the meter would report them (whole Wh, W). */
  public synchronized MeterSample truth() {
    advance();
    return new MeterSample(
        model.name(),
        serial,
        importMilliWh / 1000,
        exportMilliWh / 1000,
        powerMilliW / 1000,
        profile.voltageMilliV(simMs),
        java.util.Set.of());
  }

  /** Answer every read with this Modbus exception code (0 = answer normally). */
  public synchronized void failWith(int modbusExceptionCode) {
    this.exceptionCode = modbusExceptionCode;
  }

  /** Stop answering (the client sees timeouts), or answer again. */
  public synchronized void silent(boolean on) {
    this.silent = on;
  }

  /**
   * Serve unusable energy values: NaN for float maps, a negative count for EM24, no TotWh_SF for
   * SunSpec 203.
   */
  public synchronized void invalidEnergy(boolean on) {
    this.invalidEnergy = on;
    refreshImage();
  }

  /**
   * Behaves like a meter (or clone) without {@code quantity} ({@code serial}, {@code voltageL1},
   * ... of an Eastron or Carlo Gavazzi map): a read that touches its registers is refused with
   * exception 2, or, with {@code silently}, not answered at all.
   */
  public synchronized void withhold(String quantity, boolean silently) {
    withheld.put(registers.point(quantity), silently);
  }

  /** Moves both energy counters by {@code deltaWh} (negative = the counters go backwards). */
  public synchronized void shiftCounters(long deltaWh) {
    advance();
    importMilliWh = Math.max(0, importMilliWh + deltaWh * 1000);
    exportMilliWh = Math.max(0, exportMilliWh + deltaWh * 1000);
    refreshImage();
  }

  /** Replaces the meter's serial number (digits only for Eastron), as a swapped meter would. */
  public synchronized void serial(String newSerial) {
    this.serial = newSerial;
    refreshImage();
  }

  /** Integrates net power from the last update to the simulated now, one minute at a time. */
  private void advance() {
    long target = simStartMs + Math.multiplyExact(clock.millis() - realStartMs, speed);
    while (simMs < target) {
      long step = Math.min(STEP_MS, target - simMs);
      long p =
          der == null
              ? profile.netPowerMilliW(simMs)
              : profile.householdLoadMilliW(simMs) + der.step(step, profile.pvMilliW(simMs));
      // milliwatt * ms / ms-per-hour = milliwatt-hours
      long deltaMilliWh = Math.multiplyExact(Math.abs(p), step) / MS_PER_HOUR;
      if (p >= 0) {
        importMilliWh += deltaMilliWh;
      } else {
        exportMilliWh += deltaMilliWh;
      }
      simMs += step;
      powerMilliW = p;
    }
  }

  private void refreshImage() {
    registers.show(
        new SimulatedRegisters.Values(
            importMilliWh / 1000,
            exportMilliWh / 1000,
            powerMilliW / 1000,
            profile.voltageMilliV(simMs),
            serial,
            invalidEnergy));
  }

  /**
   * Answers a read from the registers after bringing the counters up to the simulated now; a
   * register the meter does not have is an illegal data address (exception 2), like real meters.
   */
  @Override
  public byte[] answer(int functionCode, int address, int quantity)
      throws ModbusResponseException, UnknownUnitIdException {
    synchronized (this) {
      if (silent) {
        throw new UnknownUnitIdException(unitId);
      }
      if (exceptionCode != 0) {
        throw new ModbusResponseException(functionCode, exceptionCode);
      }
      for (java.util.Map.Entry<RegisterPoint, Boolean> w : withheld.entrySet()) {
        RegisterPoint p = w.getKey();
        if (p.functionCode() == functionCode
            && p.address() <= address + quantity - 1
            && p.lastAddress() >= address) {
          if (w.getValue()) {
            throw new UnknownUnitIdException(unitId);
          }
          throw new ModbusResponseException(
              functionCode, ExceptionCode.ILLEGAL_DATA_ADDRESS.getCode());
        }
      }
      advance();
      refreshImage();
    }
    byte[] out = registers.read(functionCode, address, quantity);
    if (out == null) {
      throw new ModbusResponseException(functionCode, ExceptionCode.ILLEGAL_DATA_ADDRESS.getCode());
    }
    return out;
  }
}
