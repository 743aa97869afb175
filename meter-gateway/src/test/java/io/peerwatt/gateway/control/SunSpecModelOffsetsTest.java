package io.peerwatt.gateway.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.encoding.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The register offsets the controller writes are those of the SunSpec model definitions (copies in
 * {@code vectors/sunspec/}, see its SOURCE.md): each point's offset from the model's ID register,
 * its scale-factor point and whether it may be written.
 */
class SunSpecModelOffsetsTest {

  /** A point of a model definition. */
  private record Point(int offset, String type, String scaleFactor, boolean writable) {}

  @SuppressWarnings("unchecked")
  private static Map<String, Point> points(int model) throws IOException {
    try (InputStream in =
        SunSpecModelOffsetsTest.class.getResourceAsStream(
            "/vectors/sunspec/model_" + model + ".json")) {
      assertThat(in).as("model_" + model + ".json").isNotNull();
      Map<String, Object> root =
          Json.parseObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      Map<String, Object> group = Json.object(root, "group");
      Map<String, Point> out = new HashMap<>();
      int offset = 0;
      for (Object o : Json.array(group, "points")) {
        Map<String, Object> p = (Map<String, Object>) o;
        out.put(
            Json.string(p, "name"),
            new Point(
                offset,
                Json.string(p, "type"),
                p.get("sf") instanceof String sf ? sf : null,
                "RW".equals(p.get("access"))));
        offset += (int) Json.integer(p, "size");
      }
      return out;
    }
  }

  private static void check(
      Map<String, Point> model, String name, int offset, String scaleFactor, boolean writable) {
    Point p = model.get(name);
    assertThat(p).as(name).isNotNull();
    assertThat(p.offset()).as(name + " offset").isEqualTo(offset);
    assertThat(p.scaleFactor()).as(name + " scale factor").isEqualTo(scaleFactor);
    assertThat(p.writable()).as(name + " RW").isEqualTo(writable);
  }

  @Test
  void model124StorageControls() throws IOException {
    Map<String, Point> m = points(124);
    check(m, "WChaMax", SunSpecController.S_WCHAMAX, "WChaMax_SF", true);
    check(m, "StorCtl_Mod", SunSpecController.S_STORCTL_MOD, null, true);
    check(m, "MinRsvPct", SunSpecController.S_MINRSVPCT, "MinRsvPct_SF", true);
    check(m, "ChaState", SunSpecController.S_CHASTATE, "ChaState_SF", false);
    check(m, "OutWRte", SunSpecController.S_OUTWRTE, "InOutWRte_SF", true);
    check(m, "InWRte", SunSpecController.S_INWRTE, "InOutWRte_SF", true);
    check(m, "WChaMax_SF", SunSpecController.S_WCHAMAX_SF, null, false);
    check(m, "MinRsvPct_SF", SunSpecController.S_MINRSVPCT_SF, null, false);
    check(m, "ChaState_SF", SunSpecController.S_CHASTATE_SF, null, false);
    check(m, "InOutWRte_SF", SunSpecController.S_INOUTWRTE_SF, null, false);
    assertThat(m.get("StorCtl_Mod").type()).isEqualTo("bitfield16");
    // bit 0 CHARGE, bit 1 DISCHARGE
    assertThat(SunSpecController.STORCTL_CHARGE).isEqualTo(1 << 0);
    assertThat(SunSpecController.STORCTL_DISCHARGE).isEqualTo(1 << 1);
  }

  @Test
  void model123ImmediateControls() throws IOException {
    Map<String, Point> m = points(123);
    check(m, "WMaxLimPct", SunSpecController.I_WMAXLIMPCT, "WMaxLimPct_SF", true);
    check(m, "WMaxLim_Ena", SunSpecController.I_WMAXLIM_ENA, null, true);
    check(m, "WMaxLimPct_SF", SunSpecController.I_WMAXLIMPCT_SF, null, false);
  }

  @Test
  void model704DerAcControlsAnd713StorageCapacity() throws IOException {
    Map<String, Point> m = points(704);
    check(m, "WMaxLimPctEna", SunSpecController.D_WMAXLIMPCT_ENA, null, true);
    check(m, "WMaxLimPct", SunSpecController.D_WMAXLIMPCT, "WMaxLimPct_SF", true);
    check(m, "WSetEna", SunSpecController.D_WSET_ENA, null, true);
    check(m, "WSetMod", SunSpecController.D_WSET_MOD, null, true);
    check(m, "WSet", SunSpecController.D_WSET, "WSet_SF", true);
    check(m, "WMaxLimPct_SF", SunSpecController.D_WMAXLIMPCT_SF, null, false);
    check(m, "WSet_SF", SunSpecController.D_WSET_SF, null, false);
    assertThat(m.get("WSet").type()).isEqualTo("int32");
    assertThat(SunSpecController.D_LENGTH_READ).isGreaterThan(SunSpecController.D_WSET_SF);
    Map<String, Point> c = points(713);
    check(c, "SoC", SunSpecController.C_SOC, "Pct_SF", false);
    check(c, "Pct_SF", SunSpecController.C_PCT_SF, null, false);
    assertThat(List.of(c.get("ID").offset(), c.get("L").offset())).containsExactly(0, 1);
  }
}
