package io.peerwatt.gateway.metering;

import com.digitalpetri.modbus.server.ProcessImage;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * The registers a {@link MeterSimulator} serves, in a digitalpetri {@link ProcessImage} laid out by
 * the model's register map as the real meter lays them out: the Eastron and Carlo Gavazzi points at
 * their manual addresses, the registers between them answering 0 (as those meters answer the
 * reserved registers inside their tables) except where the map marks a gap, or SunSpec's 'SunS'
 * marker, common model and meter model with every point the meter does not measure reading "not
 * implemented". Thread-safe (the image locks itself).
 */
final class SimulatedRegisters {
  private static final int SUNSPEC_BASE = 40000;
  private static final int COMMON_LENGTH = 66;
  private static final int INT_METER_LENGTH = 105;
  private static final int FLOAT_METER_LENGTH = 124;

  /**
   * What the meter shows.
   *
   * @param invalidEnergy serve an unusable import energy: NaN for float maps, a negative count for
   *     EM24, no TotWh_SF for SunSpec 203
   */
  record Values(
      long importWh,
      long exportWh,
      long powerW,
      long voltageMilliV,
      String serial,
      boolean invalidEnergy) {}

  private final MeterSimulator.Model model;
  private final ProcessImage image = new ProcessImage();

  /** The map the image is laid out by (parsed once: requests refresh the image under a lock). */
  private final RegisterMap fixedMap;

  private final RegisterMap.SunSpecIntMeter intLayout;
  private final RegisterMap floatMap;

  SimulatedRegisters(MeterSimulator.Model model) {
    this.model = model;
    this.fixedMap =
        switch (model) {
          case SDM630, SDM120, SDM230, SDM72D, EM24 ->
              RegisterMap.load(model.name().toLowerCase(Locale.ROOT));
          default -> null;
        };
    this.intLayout =
        model == MeterSimulator.Model.SUNSPEC_203 ? RegisterMap.sunSpecIntMeter(203) : null;
    this.floatMap =
        model == MeterSimulator.Model.SUNSPEC_211 || model == MeterSimulator.Model.SUNSPEC_213
            ? RegisterMap.load("sunspec-float-meter")
            : null;
    if (fixedMap != null) {
      zeroFill(fixedMap);
    }
  }

  /**
   * The registers from the first to the last polled point of each function code, but for the map's
   * gaps.
   */
  private void zeroFill(RegisterMap map) {
    for (int fc : new int[] {3, 4}) {
      int first = Integer.MAX_VALUE;
      int last = -1;
      for (RegisterPoint p : map.pollPoints()) {
        if (p.functionCode() == fc) {
          first = Math.min(first, p.address());
          last = Math.max(last, p.lastAddress());
        }
      }
      for (int a = first; a <= last; a++) {
        int address = a;
        if (map.gaps().stream().noneMatch(g -> g.overlaps(fc, address, address))) {
          byte[] zero = new byte[2];
          image.with(
              tx -> {
                if (fc == 4) {
                  tx.writeInputRegisters(regs -> regs.put(address, zero));
                } else {
                  tx.writeHoldingRegisters(regs -> regs.put(address, zero));
                }
              });
        }
      }
    }
  }

  /** The point of {@code quantity} in an Eastron or Carlo Gavazzi map. */
  RegisterPoint point(String quantity) {
    if (fixedMap == null) {
      throw new IllegalStateException(model + " has no fixed register map");
    }
    return fixedMap.point(quantity);
  }

  /** Writes {@code values} into the registers. */
  void show(Values values) {
    switch (model) {
      case SDM630, SDM120, SDM230, SDM72D, EM24 -> fixedImage(values);
      case SUNSPEC_203 -> sunSpecIntImage(values);
      case SUNSPEC_211 -> sunSpecFloatImage(values, 211);
      case SUNSPEC_213 -> sunSpecFloatImage(values, 213);
      default -> throw new IllegalStateException("unknown model " + model);
    }
  }

  /**
   * {@code quantity} registers from {@code address}, input registers for function code 4, holding
   * registers otherwise; null when the meter does not have all of them.
   */
  byte[] read(int functionCode, int address, int quantity) {
    return functionCode == 4
        ? image.get(tx -> tx.readInputRegisters(regs -> copy(regs, address, quantity)))
        : image.get(tx -> tx.readHoldingRegisters(regs -> copy(regs, address, quantity)));
  }

  private static byte[] copy(Map<Integer, byte[]> regs, int address, int quantity) {
    byte[] out = new byte[quantity * 2];
    for (int i = 0; i < quantity; i++) {
      byte[] word = regs.get(address + i);
      if (word == null) {
        return null;
      }
      out[2 * i] = word[0];
      out[2 * i + 1] = word[1];
    }
    return out;
  }

  private void fixedImage(Values v) {
    RegisterMap map = fixedMap;
    image.with(
        tx -> {
          put(
              tx,
              map.point(RegisterMap.VOLTAGE),
              map.point(RegisterMap.VOLTAGE).encode(v.voltageMilliV()));
          put(tx, map.point(RegisterMap.POWER), map.point(RegisterMap.POWER).encode(v.powerW()));
          RegisterPoint imp = map.point(RegisterMap.IMPORT);
          RegisterPoint exp = map.point(RegisterMap.EXPORT);
          if (v.invalidEnergy()) {
            byte[] bad =
                imp.type() == RegisterType.FLOAT32
                    ? imp.encodeRaw32(Float.floatToIntBits(Float.NaN))
                    : imp.encode(-1000);
            put(tx, imp, bad);
          } else {
            put(tx, imp, imp.encode(v.importWh()));
          }
          put(tx, exp, exp.encode(v.exportWh()));
          RegisterPoint serialPoint = map.point(RegisterMap.SERIAL);
          put(
              tx,
              serialPoint,
              serialPoint.type() == RegisterType.STRING
                  ? serialPoint.encodeText(v.serial())
                  : serialPoint.encode(Long.parseLong(v.serial())));
          if (map.points().containsKey(RegisterMap.IDENTITY)) {
            put(tx, map.point(RegisterMap.IDENTITY), map.point(RegisterMap.IDENTITY).encode(1651));
          }
        });
  }

  private void sunSpecIntImage(Values v) {
    Map<String, RegisterPoint> p = intLayout.points();
    int modelAddress = SUNSPEC_BASE + 2 + 2 + COMMON_LENGTH;
    image.with(
        tx ->
            tx.writeHoldingRegisters(
                regs -> {
                  commonModel(regs, "SIM-203", v.serial());
                  write(regs, modelAddress, words(203, INT_METER_LENGTH));
                  // every point this meter does not measure reads as int16 "not implemented"
                  for (int i = 0; i < INT_METER_LENGTH; i++) {
                    write(regs, modelAddress + 2 + i, words(0x8000));
                  }
                  int a = modelAddress;
                  // V_SF -2: 230.12 V is 23012; W_SF 0; TotWh_SF 0 (Wh); A_SF -2
                  write(regs, a + p.get("V_SF").address(), p.get("V_SF").encode(-2));
                  write(
                      regs,
                      a + p.get("PhVphA").address(),
                      p.get("PhVphA").encode(v.voltageMilliV() / 10));
                  write(
                      regs,
                      a + p.get("PhVphB").address(),
                      p.get("PhVphB").encode(v.voltageMilliV() / 10));
                  write(
                      regs,
                      a + p.get("PhVphC").address(),
                      p.get("PhVphC").encode(v.voltageMilliV() / 10));
                  write(regs, a + p.get("W_SF").address(), p.get("W_SF").encode(0));
                  write(
                      regs,
                      a + p.get("W").address(),
                      p.get("W").encode(Math.max(-32767, Math.min(32767, v.powerW()))));
                  write(regs, a + p.get("Hz_SF").address(), p.get("Hz_SF").encode(-2));
                  write(regs, a + p.get("Hz").address(), p.get("Hz").encode(5000));
                  write(
                      regs,
                      a + p.get("TotWh_SF").address(),
                      v.invalidEnergy() ? words(0x8000) : p.get("TotWh_SF").encode(0));
                  write(
                      regs,
                      a + p.get("TotWhImp").address(),
                      p.get("TotWhImp").encode(v.importWh()));
                  write(
                      regs,
                      a + p.get("TotWhExp").address(),
                      p.get("TotWhExp").encode(v.exportWh()));
                  write(regs, a + 2 + INT_METER_LENGTH, words(0xFFFF, 0));
                }));
  }

  private void sunSpecFloatImage(Values v, int modelId) {
    RegisterMap map = floatMap;
    int modelAddress = SUNSPEC_BASE + 2 + 2 + COMMON_LENGTH;
    image.with(
        tx ->
            tx.writeHoldingRegisters(
                regs -> {
                  commonModel(regs, "SIM-" + modelId, v.serial());
                  write(regs, modelAddress, words(modelId, FLOAT_METER_LENGTH));
                  // every float this meter does not measure reads as NaN, "not implemented"
                  for (int i = 0; i < FLOAT_METER_LENGTH; i += 2) {
                    write(regs, modelAddress + 2 + i, words(0x7FC0, 0x0000));
                  }
                  RegisterPoint imp = map.point(RegisterMap.IMPORT);
                  write(
                      regs,
                      modelAddress + imp.address(),
                      v.invalidEnergy()
                          ? imp.encodeRaw32(Float.floatToIntBits(Float.NaN))
                          : imp.encode(v.importWh()));
                  RegisterPoint exp = map.point(RegisterMap.EXPORT);
                  write(regs, modelAddress + exp.address(), exp.encode(v.exportWh()));
                  RegisterPoint w = map.point(RegisterMap.POWER);
                  write(regs, modelAddress + w.address(), w.encode(v.powerW()));
                  RegisterPoint volts = map.point(RegisterMap.VOLTAGE);
                  write(regs, modelAddress + volts.address(), volts.encode(v.voltageMilliV()));
                  write(regs, modelAddress + 2 + FLOAT_METER_LENGTH, words(0xFFFF, 0));
                }));
  }

  private static void commonModel(Map<Integer, byte[]> regs, String modelName, String serial) {
    write(regs, SUNSPEC_BASE, words(MeterDriver.SUNS_HIGH, MeterDriver.SUNS_LOW));
    int common = SUNSPEC_BASE + 2;
    write(regs, common, words(1, COMMON_LENGTH));
    write(regs, common + 2, new byte[COMMON_LENGTH * 2]);
    write(regs, common + 2, text("PeerWatt", 16));
    write(regs, common + 18, text(modelName, 16));
    write(regs, common + 50, text(serial, 16));
  }

  private static byte[] text(String value, int registerCount) {
    byte[] out = new byte[registerCount * 2];
    byte[] ascii = value.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(ascii, 0, out, 0, Math.min(out.length, ascii.length));
    return out;
  }

  private static byte[] words(int... values) {
    byte[] out = new byte[values.length * 2];
    for (int i = 0; i < values.length; i++) {
      out[2 * i] = (byte) (values[i] >>> 8);
      out[2 * i + 1] = (byte) values[i];
    }
    return out;
  }

  private static void write(Map<Integer, byte[]> regs, int address, byte[] bytes) {
    for (int i = 0; i < bytes.length / 2; i++) {
      regs.put(address + i, new byte[] {bytes[2 * i], bytes[2 * i + 1]});
    }
  }

  private static void put(ProcessImage.Transaction tx, RegisterPoint point, byte[] bytes) {
    if (point.functionCode() == 4) {
      tx.writeInputRegisters(regs -> write(regs, point.address(), bytes));
    } else {
      tx.writeHoldingRegisters(regs -> write(regs, point.address(), bytes));
    }
  }
}
