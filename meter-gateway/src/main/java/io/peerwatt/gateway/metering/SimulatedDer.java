package io.peerwatt.gateway.metering;

import com.digitalpetri.modbus.ExceptionCode;
import com.digitalpetri.modbus.exceptions.ModbusResponseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A simulated home DER for a {@link MeterSimulator}: a hybrid inverter whose PV output can be
 * limited through SunSpec model 123 (immediate controls: {@code WMaxLimPct}, {@code WMaxLim_Ena})
 * and/or a battery controlled through SunSpec model 124 (basic storage controls: {@code
 * StorCtl_Mod}, {@code InWRte}, {@code OutWRte}, {@code MinRsvPct}), at its own unit id behind the
 * meter's Modbus TCP port. The model chain at 40000 is 'SunS', common model 1, 123 (with an
 * inverter), 124 (with a battery), end marker; or, with {@link Controls#DER_AC}, model 704 (DER AC
 * controls) and 713 (storage capacity). Register offsets and scale factors are those of the SunSpec
 * model definitions.
 *
 * <p>The battery follows 124's rate controls: with StorCtl_Mod bit 0 (CHARGE) set it charges at
 * {@code InWRte} % of {@code WChaMax}, with bit 1 (DISCHARGE) it discharges at {@code OutWRte} %;
 * with neither it holds. Energy moves with the round-trip efficiency split evenly between charging
 * and discharging; it stops when full and when the charge reaches {@code MinRsvPct}. Its power is
 * seen by the household meter: charging imports, discharging exports (or imports less).
 */
public final class SimulatedDer implements SimulatedMeter {
  static final int BASE = 40000;
  static final int COMMON_LENGTH = 66;
  static final int MODEL_LENGTH = 24;

  /** milliwatt * ms / 3600 = microwatt-hours. */
  private static final long MILLIW_MS_PER_MICROWH = 3_600L;

  /**
   * A battery.
   *
   * @param capacityWh usable capacity
   * @param maxPowerW the most it charges or discharges ({@code WChaMax})
   * @param efficiencyPercent round-trip efficiency, 50..100
   * @param startStateOfChargePercent charge at the start, 0..100
   */
  public record Battery(
      long capacityWh, long maxPowerW, int efficiencyPercent, int startStateOfChargePercent) {
    public Battery {
      if (capacityWh <= 0 || maxPowerW <= 0 || maxPowerW > 32_767) {
        throw new IllegalArgumentException("capacity must be > 0 and max power 1..32767 W");
      }
      if (efficiencyPercent < 50 || efficiencyPercent > 100) {
        throw new IllegalArgumentException("efficiency must be 50..100 %");
      }
      if (startStateOfChargePercent < 0 || startStateOfChargePercent > 100) {
        throw new IllegalArgumentException("state of charge must be 0..100 %");
      }
    }
  }

  /** Which SunSpec controls the device serves. */
  public enum Controls {
    /** Model 123 for the inverter, 124 for the battery. */
    BASIC,
    /**
     * Model 704 (DER AC controls) for both: {@code WMaxLimPct} limits the PV, {@code WSet} (W,
     * positive = injection, i.e. discharging) drives the battery; model 713 shows its charge.
     */
    DER_AC
  }

  static final int DER_AC_LENGTH = 65;
  static final int STORAGE_CAPACITY_LENGTH = 7;

  private final int unitId;
  private final Controls controls;
  private final Battery battery;
  private final boolean inverter;
  private final int inverterAddress;
  private final int storageAddress;
  private final int endAddress;

  /** Holding registers (unsigned 16-bit words), guarded by this. */
  private final Map<Integer, Integer> registers = new HashMap<>();

  /** Registers a client may write. */
  private final Set<Integer> writable = new java.util.HashSet<>();

  /** The meter whose simulated time drives this device, set by {@link MeterSimulator#attach}. */
  private MeterSimulator meter;

  // state, guarded by this
  private long storedMicroWh;
  private long batteryPowerMilliW;
  private long pvOutMilliW;
  private boolean ignoreWrites;

  /**
   * @param unitId the Modbus unit id
   * @param inverter true to serve model 123 (the meter's PV can then be limited)
   * @param battery the battery behind model 124, or null for none
   */
  public SimulatedDer(int unitId, boolean inverter, Battery battery) {
    this(unitId, inverter, battery, Controls.BASIC);
  }

  /**
   * @param controls the SunSpec control models served
   */
  public SimulatedDer(int unitId, boolean inverter, Battery battery, Controls controls) {
    if (!inverter && battery == null) {
      throw new IllegalArgumentException("a DER needs an inverter, a battery or both");
    }
    this.unitId = unitId;
    this.controls = controls;
    this.inverter = inverter;
    this.battery = battery;
    int next = BASE + 2 + 2 + COMMON_LENGTH;
    if (controls == Controls.BASIC) {
      inverterAddress = inverter ? next : -1;
      next += inverter ? 2 + MODEL_LENGTH : 0;
      storageAddress = battery != null ? next : -1;
      next += battery != null ? 2 + MODEL_LENGTH : 0;
    } else {
      // one 704 for both; the battery's charge in 713
      inverterAddress = next;
      next += 2 + DER_AC_LENGTH;
      storageAddress = battery != null ? next : -1;
      next += battery != null ? 2 + STORAGE_CAPACITY_LENGTH : 0;
    }
    endAddress = next;
    SimulatedDerLayout registerLayout =
        new SimulatedDerLayout(registers, writable, unitId, battery, endAddress);
    if (controls == Controls.BASIC) {
      registerLayout.layout(inverter, inverterAddress, storageAddress);
    } else {
      registerLayout.layoutDerAc(inverterAddress, storageAddress);
    }
    if (battery != null) {
      storedMicroWh = battery.capacityWh() * 1_000_000 * battery.startStateOfChargePercent() / 100;
      showState();
    }
  }

  private void put(int address, int word) {
    registers.put(address, word & 0xFFFF);
  }

  synchronized void attachTo(MeterSimulator meter) {
    if (this.meter != null) {
      throw new IllegalStateException("the DER is already attached to a meter");
    }
    this.meter = meter;
  }

  @Override
  public int unitId() {
    return unitId;
  }

  /**
   * Acknowledge writes but keep the old values, as a device in local mode does (the fault a
   * controller finds only by reading back).
   */
  public synchronized void ignoreWrites(boolean on) {
    this.ignoreWrites = on;
  }

  /** The battery's state of charge in 0.1 % (what ChaState shows), or -1 without a battery. */
  public int stateOfChargePermille() {
    bringUpToDate();
    synchronized (this) {
      return battery == null ? -1 : (int) (storedMicroWh * 1000 / capacityMicroWh());
    }
  }

  /** The battery's power now: positive = charging, negative = discharging (W). */
  public long batteryPowerW() {
    bringUpToDate();
    synchronized (this) {
      return batteryPowerMilliW / 1000;
    }
  }

  /** The PV output after any limit (W). */
  public long pvOutputW() {
    bringUpToDate();
    synchronized (this) {
      return pvOutMilliW / 1000;
    }
  }

  private void bringUpToDate() {
    MeterSimulator m;
    synchronized (this) {
      m = meter;
    }
    // lock order meter then DER (the meter advances this device under its own lock), so the meter
    // is brought up to date before this device's lock is taken
    if (m != null) {
      m.simulatedNow();
    }
  }

  private long capacityMicroWh() {
    return battery.capacityWh() * 1_000_000;
  }

  /**
   * Advances by {@code stepMs} of simulated time given the sun's PV power, and returns the device's
   * power at the grid connection: battery charging (+) or discharging (-) minus PV output.
   */
  synchronized long step(long stepMs, long pvMilliW) {
    pvOutMilliW = pvMilliW;
    if (controls == Controls.DER_AC) {
      if (registers.get(inverterAddress + 14) == 1) {
        long limitMilliW =
            Math.round(meter.pvPeakW() * 1000.0 * registers.get(inverterAddress + 15) / 10_000.0);
        pvOutMilliW = Math.min(pvMilliW, limitMilliW);
      }
    } else if (inverter && registers.get(inverterAddress + 9) == 1) {
      long limitMilliW =
          Math.round(meter.pvPeakW() * 1000.0 * registers.get(inverterAddress + 5) / 10_000.0);
      pvOutMilliW = Math.min(pvMilliW, limitMilliW);
    }
    batteryPowerMilliW = 0;
    if (battery != null) {
      batteryPowerMilliW = batteryStep(stepMs);
      showState();
    }
    return batteryPowerMilliW - pvOutMilliW;
  }

  /** What the setpoints ask for, if the charge allows it (+ charge, - discharge, milliwatts). */
  private long setpointMilliW() {
    if (controls == Controls.DER_AC) {
      return derAcSetpointMilliW();
    }
    int a = storageAddress;
    int mode = registers.get(a + 5);
    long maxMilliW = battery.maxPowerW() * 1000;
    long chargeMilliW =
        (mode & 1) != 0 ? maxMilliW * Math.max(0, (short) (int) registers.get(a + 13)) / 10_000 : 0;
    long dischargeMilliW =
        (mode & 2) != 0 ? maxMilliW * Math.max(0, (short) (int) registers.get(a + 12)) / 10_000 : 0;
    long power = chargeMilliW - dischargeMilliW;
    if (power > 0 && storedMicroWh >= capacityMicroWh()) {
      return 0;
    }
    if (power < 0 && storedMicroWh <= capacityMicroWh() * registers.get(a + 7) / 10_000) {
      return 0;
    }
    return power;
  }

  /** 704's WSet (W, or WSetPct of the maximum): injection discharges, absorption charges. */
  private long derAcSetpointMilliW() {
    int a = inverterAddress;
    if (registers.get(a + 22) != 1) {
      return 0;
    }
    long maxMilliW = battery.maxPowerW() * 1000;
    long injectMilliW =
        registers.get(a + 23) == 1
            ? (long) ((registers.get(a + 24) << 16) | registers.get(a + 25)) * 1000
            : maxMilliW * (short) (int) registers.get(a + 28) / 10_000;
    long power = -Math.max(-maxMilliW, Math.min(maxMilliW, injectMilliW));
    if (power > 0 && storedMicroWh >= capacityMicroWh()) {
      return 0;
    }
    if (power < 0 && storedMicroWh <= 0) {
      return 0;
    }
    return power;
  }

  private long reserveMicroWh() {
    return controls == Controls.DER_AC
        ? 0
        : capacityMicroWh() * registers.get(storageAddress + 7) / 10_000;
  }

  private long batteryStep(long stepMs) {
    long power = setpointMilliW();
    // one-way efficiency in per mille, the square root of the round trip
    long oneWayPermille = Math.round(Math.sqrt(battery.efficiencyPercent() / 100.0) * 1000);
    long reserveMicroWh = reserveMicroWh();
    if (power > 0) {
      long room = capacityMicroWh() - storedMicroWh;
      long inMicroWh = power * stepMs / MILLIW_MS_PER_MICROWH * oneWayPermille / 1000;
      if (inMicroWh >= room) {
        inMicroWh = room;
        power = room * MILLIW_MS_PER_MICROWH * 1000 / oneWayPermille / stepMs;
      }
      storedMicroWh += inMicroWh;
    } else if (power < 0) {
      long available = Math.max(0, storedMicroWh - reserveMicroWh);
      long outMicroWh = -power * stepMs / MILLIW_MS_PER_MICROWH * 1000 / oneWayPermille;
      if (outMicroWh >= available) {
        outMicroWh = available;
        power = -(available * MILLIW_MS_PER_MICROWH * oneWayPermille / 1000 / stepMs);
      }
      storedMicroWh -= outMicroWh;
    }
    return power;
  }

  private void showState() {
    int a = storageAddress;
    int permille = (int) ((storedMicroWh * 1000 + capacityMicroWh() / 2) / capacityMicroWh());
    if (controls == Controls.DER_AC) {
      put(a + 3, (int) Math.min(65_534, storedMicroWh / 1_000_000)); // WHAvail
      put(a + 4, permille); // SoC, Pct_SF -1
      return;
    }
    put(a + 8, permille); // ChaState, SF -1
    int status;
    if (batteryPowerMilliW > 0) {
      status = 4; // CHARGING
    } else if (batteryPowerMilliW < 0) {
      status = 3; // DISCHARGING
    } else if (permille >= 1000) {
      status = 5; // FULL
    } else if (permille == 0) {
      status = 2; // EMPTY
    } else {
      status = 6; // HOLDING
    }
    put(a + 11, status);
  }

  @Override
  public byte[] answer(int functionCode, int address, int quantity) throws ModbusResponseException {
    bringUpToDate();
    synchronized (this) {
      if (functionCode != 3) {
        throw new ModbusResponseException(functionCode, ExceptionCode.ILLEGAL_FUNCTION.getCode());
      }
      byte[] out = new byte[quantity * 2];
      for (int i = 0; i < quantity; i++) {
        Integer word = registers.get(address + i);
        if (word == null) {
          throw new ModbusResponseException(
              functionCode, ExceptionCode.ILLEGAL_DATA_ADDRESS.getCode());
        }
        out[2 * i] = (byte) (word >>> 8);
        out[2 * i + 1] = (byte) (int) word;
      }
      return out;
    }
  }

  /**
   * Writes setpoints: only the RW points of 123 and 124 (else illegal data address); a rate or
   * limit outside 0..100 % or an unknown storage mode is an illegal data value (exception 3) and
   * nothing of the request is written, as a real device refuses it.
   */
  @Override
  public void write(int functionCode, int address, byte[] values) throws ModbusResponseException {
    bringUpToDate();
    synchronized (this) {
      int count = values.length / 2;
      for (int i = 0; i < count; i++) {
        int a = address + i;
        int word = ((values[2 * i] & 0xFF) << 8) | (values[2 * i + 1] & 0xFF);
        if (!writable.contains(a)) {
          throw new ModbusResponseException(
              functionCode, ExceptionCode.ILLEGAL_DATA_ADDRESS.getCode());
        }
        if (!acceptable(a, word)) {
          throw new ModbusResponseException(
              functionCode, ExceptionCode.ILLEGAL_DATA_VALUE.getCode());
        }
      }
      for (int i = 0; i < count && !ignoreWrites; i++) {
        put(address + i, ((values[2 * i] & 0xFF) << 8) | (values[2 * i + 1] & 0xFF));
      }
      if (battery != null) {
        // the battery follows a new setpoint at once
        batteryPowerMilliW = setpointMilliW();
        showState();
      }
    }
  }

  private boolean acceptable(int address, int word) {
    if (controls == Controls.DER_AC) {
      return switch (address - inverterAddress) {
        case 14, 22, 23 -> word <= 1;
        case 15 -> word <= 10_000;
        case 28 -> Math.abs((short) word) <= 10_000;
        default -> true;
      };
    }
    if (inverter && address == inverterAddress + 5) {
      return word <= 10_000;
    }
    if (inverter && address == inverterAddress + 9) {
      return word <= 1;
    }
    if (battery != null) {
      int offset = address - storageAddress;
      return switch (offset) {
        case 5 -> word <= 3;
        case 7 -> word <= 10_000;
        case 12, 13 -> (short) word >= 0 && word <= 10_000;
        case 17 -> word <= 1;
        default -> true;
      };
    }
    return true;
  }
}
