package io.peerwatt.gateway.metering;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * Lays out the SunSpec register map of a {@link SimulatedDer}: the 'SunS' marker, common model 1,
 * models 123/124 or 704/713, and the end marker, and marks the registers a client may write.
 */
final class SimulatedDerLayout {
  /** Scale factors served: rates and limits in 0.01 %, charge state in 0.1 %, watts in W. */
  private static final int PCT_SF = -2;

  private static final int CHA_STATE_SF = -1;

  private final Map<Integer, Integer> registers;
  private final Set<Integer> writable;
  private final int unitId;
  private final SimulatedDer.Battery battery;
  private final int endAddress;

  SimulatedDerLayout(
      Map<Integer, Integer> registers,
      Set<Integer> writable,
      int unitId,
      SimulatedDer.Battery battery,
      int endAddress) {
    this.registers = registers;
    this.writable = writable;
    this.unitId = unitId;
    this.battery = battery;
    this.endAddress = endAddress;
  }

  /** Model 704 and, with a battery, 713 (offsets and scale factors of the model definitions). */
  void layoutDerAc(int inverterAddress, int storageAddress) {
    commonModel();
    int a = inverterAddress;
    put(a, 704);
    put(a + 1, SimulatedDer.DER_AC_LENGTH);
    for (int i = 2; i < 2 + SimulatedDer.DER_AC_LENGTH; i++) {
      put(a + i, 0);
    }
    put(a + 15, 10_000); // WMaxLimPct 100.00 %
    put(a + 16, 10_000); // WMaxLimPctRvrt
    put(a + 54, PCT_SF & 0xFFFF); // WMaxLimPct_SF
    put(a + 55, 0); // WSet_SF: W
    put(a + 56, PCT_SF & 0xFFFF); // WSetPct_SF
    put(a + 57, 0);
    put(a + 58, PCT_SF & 0xFFFF);
    put(a + 53, -3 & 0xFFFF); // PF_SF
    for (int offset : new int[] {14, 15, 22, 23, 24, 25, 28}) {
      writable.add(a + offset);
    }
    if (battery != null) {
      int b = storageAddress;
      put(b, 713);
      put(b + 1, SimulatedDer.STORAGE_CAPACITY_LENGTH);
      put(b + 2, (int) Math.min(65_534, battery.capacityWh())); // WHRtg
      put(b + 5, 1_000); // SoH 100.0 %
      put(b + 6, 0); // Sta OK
      put(b + 7, 0); // WH_SF
      put(b + 8, CHA_STATE_SF & 0xFFFF); // Pct_SF
    }
    put(endAddress, 0xFFFF);
    put(endAddress + 1, 0);
  }

  private void commonModel() {
    put(SimulatedDer.BASE, 0x5375);
    put(SimulatedDer.BASE + 1, 0x6E53);
    put(SimulatedDer.BASE + 2, 1);
    put(SimulatedDer.BASE + 3, SimulatedDer.COMMON_LENGTH);
    for (int i = 0; i < SimulatedDer.COMMON_LENGTH; i++) {
      put(SimulatedDer.BASE + 4 + i, 0);
    }
    text(SimulatedDer.BASE + 4, "PeerWatt", 16);
    text(SimulatedDer.BASE + 20, "SIM-DER", 16);
    text(SimulatedDer.BASE + 52, "DER-" + unitId, 16);
  }

  void layout(boolean inverter, int inverterAddress, int storageAddress) {
    commonModel();
    if (inverter) {
      int a = inverterAddress;
      put(a, 123);
      put(a + 1, SimulatedDer.MODEL_LENGTH);
      for (int i = 2; i < 2 + SimulatedDer.MODEL_LENGTH; i++) {
        put(a + i, 0xFFFF);
      }
      put(a + 5, 10_000); // WMaxLimPct: 100.00 %
      put(a + 9, 0); // WMaxLim_Ena
      put(a + 23, PCT_SF & 0xFFFF); // WMaxLimPct_SF
      for (int offset : new int[] {5, 6, 7, 8, 9}) {
        writable.add(a + offset);
      }
      put(a + 6, 0);
      put(a + 7, 0);
      put(a + 8, 0);
    }
    if (battery != null) {
      int a = storageAddress;
      put(a, 124);
      put(a + 1, SimulatedDer.MODEL_LENGTH);
      for (int i = 2; i < 2 + SimulatedDer.MODEL_LENGTH; i++) {
        put(a + i, 0xFFFF);
      }
      put(a + 2, (int) battery.maxPowerW()); // WChaMax
      put(a + 5, 0); // StorCtl_Mod: neither charge nor discharge control
      put(a + 7, 1_000); // MinRsvPct: 10.00 %
      put(a + 12, 10_000); // OutWRte 100.00 %
      put(a + 13, 10_000); // InWRte 100.00 %
      put(a + 14, 0);
      put(a + 15, 0);
      put(a + 16, 0);
      put(a + 17, 1); // ChaGriSet GRID
      put(a + 18, 0); // WChaMax_SF
      put(a + 21, PCT_SF & 0xFFFF); // MinRsvPct_SF
      put(a + 22, CHA_STATE_SF & 0xFFFF); // ChaState_SF
      put(a + 25, PCT_SF & 0xFFFF); // InOutWRte_SF
      for (int offset : new int[] {5, 7, 12, 13, 14, 15, 16, 17}) {
        writable.add(a + offset);
      }
    }
    put(endAddress, 0xFFFF);
    put(endAddress + 1, 0);
  }

  private void put(int address, int word) {
    registers.put(address, word & 0xFFFF);
  }

  private void text(int address, String value, int words) {
    byte[] b = value.getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < words; i++) {
      int hi = 2 * i < b.length ? b[2 * i] : 0;
      int lo = 2 * i + 1 < b.length ? b[2 * i + 1] : 0;
      put(address + i, (hi << 8) | lo);
    }
  }
}
