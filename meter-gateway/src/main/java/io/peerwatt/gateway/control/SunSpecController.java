package io.peerwatt.gateway.control;

import static io.peerwatt.gateway.control.SunSpecScaling.percentRaw;
import static io.peerwatt.gateway.control.SunSpecScaling.percentText;
import static io.peerwatt.gateway.control.SunSpecScaling.scaleFactor;
import static io.peerwatt.gateway.control.SunSpecScaling.scaled;

import com.digitalpetri.modbus.client.ModbusTcpClient;
import com.digitalpetri.modbus.exceptions.ModbusExecutionException;
import com.digitalpetri.modbus.exceptions.ModbusResponseException;
import com.digitalpetri.modbus.exceptions.ModbusTimeoutException;
import com.digitalpetri.modbus.pdu.WriteMultipleRegistersRequest;
import com.digitalpetri.modbus.pdu.WriteSingleRegisterRequest;
import com.digitalpetri.modbus.tcp.client.NettyTcpClientTransport;
import io.peerwatt.gateway.metering.MeterUri;
import io.peerwatt.protocol.flex.FlexAction;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes flexibility setpoints to a SunSpec device over Modbus TCP and reads each one back.
 *
 * <ul>
 *   <li>Model 124 (basic storage controls), a battery: REDUCE_IMPORT discharges at {@code OutWRte}
 *       (% of {@code WChaMax}, scale factor {@code InOutWRte_SF}) with {@code StorCtl_Mod} =
 *       DISCHARGE and {@code MinRsvPct} = the owner's minimum state of charge, so the battery
 *       itself stops there; REDUCE_EXPORT charges at {@code InWRte} with {@code StorCtl_Mod} =
 *       CHARGE.
 *   <li>Model 123 (immediate controls), an inverter: REDUCE_EXPORT limits its output to {@code
 *       WMaxLimPct} = (rated - watts) / rated with {@code WMaxLim_Ena} = ENABLED.
 *   <li>Model 704 (DER AC controls): a battery gets the active power setpoint {@code WSet} (W,
 *       scale factor {@code WSet_SF}; positive = injection, so REDUCE_IMPORT discharges and
 *       REDUCE_EXPORT charges with a negative setpoint) with {@code WSetMod} = WATTS and {@code
 *       WSetEna} = ENABLED; its charge comes from model 713's {@code SoC}, and as 704 has no
 *       reserve, the gateway itself stops the discharge at the owner's minimum. An inverter gets
 *       {@code WMaxLimPct} with {@code WMaxLimPctEna} as with 123.
 * </ul>
 *
 * Before writing it reads what the registers hold, so the caller can restore them ({@link
 * Applied#previous()}). Register offsets and scale factors are those of the SunSpec model
 * definitions (sunspec/models {@code model_123.json}, {@code model_124.json}).
 */
public final class SunSpecController implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SunSpecController.class);

  // model 124 offsets from the model's ID register
  static final int S_WCHAMAX = 2;
  static final int S_STORCTL_MOD = 5;
  static final int S_MINRSVPCT = 7;
  static final int S_CHASTATE = 8;
  static final int S_OUTWRTE = 12;
  static final int S_INWRTE = 13;
  static final int S_WCHAMAX_SF = 18;
  static final int S_MINRSVPCT_SF = 21;
  static final int S_CHASTATE_SF = 22;
  static final int S_INOUTWRTE_SF = 25;
  static final int STORCTL_CHARGE = 1;
  static final int STORCTL_DISCHARGE = 2;

  // model 123 offsets
  static final int I_WMAXLIMPCT = 5;
  static final int I_WMAXLIM_ENA = 9;
  static final int I_WMAXLIMPCT_SF = 23;

  // model 704 offsets
  static final int D_WMAXLIMPCT_ENA = 14;
  static final int D_WMAXLIMPCT = 15;
  static final int D_WSET_ENA = 22;
  static final int D_WSET_MOD = 23;
  static final int D_WSET = 24;
  static final int D_WMAXLIMPCT_SF = 54;
  static final int D_WSET_SF = 55;
  static final int D_LENGTH_READ = 56;
  static final int WSET_MOD_WATTS = 1;

  // model 713 offsets
  static final int C_SOC = 4;
  static final int C_PCT_SF = 8;

  /** SunSpec's "not implemented" for int16/sunssf and uint16 points. */
  static final int NOT_IMPLEMENTED_INT16 = 0x8000;

  static final int NOT_IMPLEMENTED_UINT16 = 0xFFFF;

  /**
   * A setpoint the device took.
   *
   * @param model the SunSpec model written
   * @param action what the command asked
   * @param watts the power change the setpoint means, as the device's scale allows
   * @param description the points written, e.g. {@code "124 StorCtl_Mod=DISCHARGE OutWRte=30.00 %"}
   * @param previous the registers as they were, to restore
   */
  public record Applied(
      int model, FlexAction action, long watts, String description, List<RegisterWrite> previous) {}

  private final FlexibilityConfig config;
  private final ModbusTcpClient client;
  private final Map<Integer, Integer> models;
  private final int model;
  private final int modelAddress;

  private SunSpecController(
      FlexibilityConfig config, ModbusTcpClient client, Map<Integer, Integer> models)
      throws ControlException {
    this.config = config;
    this.client = client;
    this.models = models;
    this.model = chooseModel(config, models);
    this.modelAddress = models.get(model);
  }

  /** Connects and walks the device's SunSpec model chain. */
  public static SunSpecController open(FlexibilityConfig config, Duration timeout)
      throws ControlException {
    MeterUri uri = config.device();
    ModbusTcpClient client =
        ModbusTcpClient.create(
            NettyTcpClientTransport.create(
                cfg -> cfg.setHostname(uri.host()).setPort(uri.port()).setConnectTimeout(timeout)),
            cfg -> cfg.setRequestTimeout(timeout));
    try {
      client.connect();
      SunSpecController controller =
          new SunSpecController(config, client, SunSpecModelChain.walk(client, config.unitId()));
      log.info(
          "flexibility device {} unit {}: SunSpec models {}, controlling model {}",
          uri,
          config.unitId(),
          controller.models.keySet(),
          controller.model);
      return controller;
    } catch (ModbusExecutionException | ModbusTimeoutException e) {
      disconnect(client);
      throw new ControlException(
          "flexibility device " + uri + " unit " + config.unitId() + ": " + e.getMessage(), e);
    } catch (ControlException | RuntimeException e) {
      disconnect(client);
      throw e;
    }
  }

  private static int chooseModel(FlexibilityConfig config, Map<Integer, Integer> models)
      throws ControlException {
    int basic = config.kind() == FlexibilityConfig.Kind.BATTERY ? 124 : 123;
    int wanted =
        config.sunSpecModel().isPresent()
            ? config.sunSpecModel().getAsInt()
            : models.containsKey(basic) || !models.containsKey(704) ? basic : 704;
    if (!models.containsKey(wanted)) {
      throw new ControlException(
          "the device has no SunSpec model " + wanted + " (it has " + models.keySet() + ")");
    }
    return wanted;
  }

  /** The SunSpec model this controller writes. */
  public int model() {
    return model;
  }

  /** The battery's state of charge in percent (model 124's ChaState), or -1 when unknown. */
  public double stateOfChargePercent() throws ControlException {
    if (model == 704 && models.containsKey(713)) {
      int[] regs;
      try {
        regs = SunSpecModelChain.read(client, config.unitId(), models.get(713), 9);
      } catch (ModbusExecutionException | ModbusTimeoutException | ModbusResponseException e) {
        throw new ControlException("reading SunSpec model 713 failed: " + e.getMessage(), e);
      }
      if (regs[C_SOC] == NOT_IMPLEMENTED_UINT16 || regs[C_PCT_SF] == NOT_IMPLEMENTED_INT16) {
        return -1;
      }
      return regs[C_SOC] * Math.pow(10, (short) regs[C_PCT_SF]);
    }
    if (model != 124) {
      return -1;
    }
    int[] regs = readModel(26);
    if (regs[S_CHASTATE] == NOT_IMPLEMENTED_UINT16
        || regs[S_CHASTATE_SF] == NOT_IMPLEMENTED_INT16) {
      return -1;
    }
    return regs[S_CHASTATE] * Math.pow(10, (short) regs[S_CHASTATE_SF]);
  }

  /**
   * Writes the setpoint for {@code action} by {@code watts}, after reading what the registers hold,
   * then reads them back.
   *
   * @throws ControlException the device cannot do it, refused the write or does not show the value
   *     written
   */
  public Applied apply(FlexAction action, long watts) throws ControlException {
    return switch (model) {
      case 124 -> applyStorage(action, watts);
      case 123 -> applyInverterLimit(action, watts);
      default ->
          config.kind() == FlexibilityConfig.Kind.BATTERY
              ? applyDerPower(action, watts)
              : applyDerLimit(action, watts);
    };
  }

  private Applied applyDerPower(FlexAction action, long watts) throws ControlException {
    int[] regs = readModel(D_LENGTH_READ);
    int sf = scaleFactor(regs[D_WSET_SF], "WSet_SF");
    long inject = action == FlexAction.REDUCE_IMPORT ? watts : -watts;
    int raw =
        BigDecimal.valueOf(inject)
            .scaleByPowerOfTen(-sf)
            .setScale(0, RoundingMode.HALF_UP)
            .intValueExact();
    List<RegisterWrite> writes =
        List.of(
            new RegisterWrite(
                modelAddress + D_WSET, List.of(raw >>> 16 & 0xFFFF, raw & 0xFFFF), "704.WSet"),
            RegisterWrite.of(modelAddress + D_WSET_MOD, WSET_MOD_WATTS, "704.WSetMod"),
            RegisterWrite.of(modelAddress + D_WSET_ENA, 1, "704.WSetEna"));
    List<RegisterWrite> previous = previousOf(writes, regs);
    writeConfirmed(writes);
    long appliedW =
        Math.abs(
            BigDecimal.valueOf(raw)
                .scaleByPowerOfTen(sf)
                .setScale(0, RoundingMode.HALF_UP)
                .longValue());
    return new Applied(
        704, action, appliedW, "704 WSetEna=ENABLED WSetMod=WATTS WSet=" + inject + " W", previous);
  }

  private Applied applyDerLimit(FlexAction action, long watts) throws ControlException {
    return applyExportLimit(
        action,
        watts,
        704,
        D_LENGTH_READ,
        D_WMAXLIMPCT_SF,
        D_WMAXLIMPCT,
        D_WMAXLIMPCT_ENA,
        "WMaxLimPctEna");
  }

  private Applied applyStorage(FlexAction action, long watts) throws ControlException {
    int[] regs = readModel(26);
    long maxW = scaled(regs[S_WCHAMAX], regs[S_WCHAMAX_SF], "WChaMax");
    int rateSf = scaleFactor(regs[S_INOUTWRTE_SF], "InOutWRte_SF");
    if (watts > maxW) {
      throw new ControlException(
          "the command asks " + watts + " W, the battery's WChaMax is " + maxW + " W");
    }
    int rate = percentRaw(watts, maxW, rateSf);
    boolean discharge = action == FlexAction.REDUCE_IMPORT;
    int rateOffset = discharge ? S_OUTWRTE : S_INWRTE;
    List<RegisterWrite> writes = new ArrayList<>();
    if (discharge) {
      int reserveSf = scaleFactor(regs[S_MINRSVPCT_SF], "MinRsvPct_SF");
      writes.add(
          RegisterWrite.of(
              modelAddress + S_MINRSVPCT,
              percentRaw(config.minStateOfChargePercent(), 100, reserveSf),
              "124.MinRsvPct"));
    }
    writes.add(
        RegisterWrite.of(
            modelAddress + rateOffset, rate, discharge ? "124.OutWRte" : "124.InWRte"));
    writes.add(
        RegisterWrite.of(
            modelAddress + S_STORCTL_MOD,
            discharge ? STORCTL_DISCHARGE : STORCTL_CHARGE,
            "124.StorCtl_Mod"));
    List<RegisterWrite> previous = previousOf(writes, regs);
    writeConfirmed(writes);
    long appliedW = Math.round(maxW * rate * Math.pow(10, rateSf) / 100);
    String description =
        "124 StorCtl_Mod="
            + (discharge ? "DISCHARGE " : "CHARGE ")
            + (discharge ? "OutWRte=" : "InWRte=")
            + percentText(rate, rateSf)
            + " % of WChaMax "
            + maxW
            + " W"
            + (discharge ? " MinRsvPct=" + config.minStateOfChargePercent() + " %" : "");
    return new Applied(124, action, appliedW, description, previous);
  }

  private Applied applyInverterLimit(FlexAction action, long watts) throws ControlException {
    return applyExportLimit(
        action, watts, 123, 26, I_WMAXLIMPCT_SF, I_WMAXLIMPCT, I_WMAXLIM_ENA, "WMaxLim_Ena");
  }

  /**
   * Limits an inverter's output to its rating less {@code watts}: WMaxLimPct (with its scale
   * factor) and its enable register {@code enableName} of model {@code model}, whose first {@code
   * readLength} registers are read; the offsets are within the model.
   */
  private Applied applyExportLimit(
      FlexAction action,
      long watts,
      int model,
      int readLength,
      int scaleFactorOffset,
      int limitOffset,
      int enableOffset,
      String enableName)
      throws ControlException {
    if (action != FlexAction.REDUCE_EXPORT) {
      throw new ControlException(
          "an inverter (model " + model + ") can reduce export only, not import");
    }
    long ratedW = config.ratedPowerWatts().orElseThrow();
    if (watts > ratedW) {
      throw new ControlException(
          "the command asks " + watts + " W, the inverter is rated " + ratedW + " W");
    }
    int[] regs = readModel(readLength);
    int sf = scaleFactor(regs[scaleFactorOffset], "WMaxLimPct_SF");
    int limit = percentRaw(ratedW - watts, ratedW, sf);
    List<RegisterWrite> writes =
        List.of(
            RegisterWrite.of(modelAddress + limitOffset, limit, model + ".WMaxLimPct"),
            RegisterWrite.of(modelAddress + enableOffset, 1, model + "." + enableName));
    List<RegisterWrite> previous = previousOf(writes, regs);
    writeConfirmed(writes);
    long appliedW = ratedW - Math.round(ratedW * limit * Math.pow(10, sf) / 100);
    return new Applied(
        model,
        action,
        appliedW,
        model
            + " "
            + enableName
            + "=ENABLED WMaxLimPct="
            + percentText(limit, sf)
            + " % of "
            + ratedW
            + " W",
        previous);
  }

  private List<RegisterWrite> previousOf(List<RegisterWrite> writes, int[] regs) {
    List<RegisterWrite> previous = new ArrayList<>();
    // restored in reverse order: the mode first, so the device stops before rates change
    for (int i = writes.size() - 1; i >= 0; i--) {
      RegisterWrite w = writes.get(i);
      List<Integer> old = new ArrayList<>();
      for (int j = 0; j < w.words().size(); j++) {
        old.add(regs[w.address() - modelAddress + j]);
      }
      previous.add(w.withWords(old));
    }
    return previous;
  }

  /** Restores registers (e.g. {@link Applied#previous()}), each read back. */
  public void restore(List<RegisterWrite> previous) throws ControlException {
    writeConfirmed(previous);
  }

  /** Writes each register block and reads it back; a device that shows other values refused it. */
  private void writeConfirmed(List<RegisterWrite> writes) throws ControlException {
    int unit = config.unitId();
    for (RegisterWrite w : writes) {
      try {
        if (w.words().size() == 1) {
          client.writeSingleRegister(
              unit, new WriteSingleRegisterRequest(w.address(), w.words().get(0)));
        } else {
          byte[] values = new byte[w.words().size() * 2];
          for (int i = 0; i < w.words().size(); i++) {
            values[2 * i] = (byte) (w.words().get(i) >>> 8);
            values[2 * i + 1] = (byte) (int) w.words().get(i);
          }
          client.writeMultipleRegisters(
              unit, new WriteMultipleRegistersRequest(w.address(), w.words().size(), values));
        }
        int[] back = SunSpecModelChain.read(client, unit, w.address(), w.words().size());
        for (int i = 0; i < back.length; i++) {
          if (back[i] != w.words().get(i)) {
            throw new ControlException(
                "the device did not take " + w + ": it reads " + List.of(box(back)));
          }
        }
        log.debug("wrote and read back {}", w);
      } catch (ModbusResponseException e) {
        throw new ControlException(
            "the device refused " + w + " with Modbus exception " + e.getExceptionCode(), e);
      } catch (ModbusExecutionException | ModbusTimeoutException e) {
        throw new ControlException("writing " + w + " failed: " + e.getMessage(), e);
      }
    }
  }

  private static Integer[] box(int[] values) {
    Integer[] out = new Integer[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }

  private int[] readModel(int length) throws ControlException {
    try {
      return SunSpecModelChain.read(client, config.unitId(), modelAddress, length);
    } catch (ModbusExecutionException | ModbusTimeoutException | ModbusResponseException e) {
      throw new ControlException(
          "reading SunSpec model " + model + " failed: " + e.getMessage(), e);
    }
  }

  private static void disconnect(ModbusTcpClient client) {
    try {
      client.disconnect();
    } catch (ModbusExecutionException e) {
      log.debug("disconnect failed", e);
    }
  }

  @Override
  public void close() {
    disconnect(client);
  }
}
