package io.peerwatt.gateway.metering;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Which requests a poll makes: close registers share one, within the map's limit and around its
 * gaps.
 */
class ReadPlanTest {
  private static ReadPlan plan(String map, Set<String> alone) {
    RegisterMap m = RegisterMap.load(map);
    return ReadPlan.of(m.pollPoints(), m.maxRegisters(), m.gaps(), alone);
  }

  private static List<String> requests(ReadPlan plan) {
    return plan.blocks().stream()
        .map(b -> "FC" + b.functionCode() + " @" + b.address() + "+" + b.count())
        .toList();
  }

  @Test
  void anSdm630PollIsOneRequestFromVoltageToExportEnergy() {
    // 30001 (address 0) to the end of 30075's two registers (address 75): 76 registers, under 80
    assertThat(requests(plan("sdm630", Set.of()))).containsExactly("FC4 @0+76");
    ReadPlan.Block block = plan("sdm630", Set.of()).blocks().get(0);
    assertThat(block.points())
        .extracting(RegisterPoint::quantity)
        .containsExactly("voltageL1", "powerTotal", "importTotal", "exportTotal");
    assertThat(block.offsetOf(block.points().get(2))).isEqualTo(72);
  }

  @Test
  void aGapTheMapMarksIsNeverSpanned() {
    // SDM120/SDM230: nothing is listed between 30039 and 30070
    assertThat(requests(plan("sdm120", Set.of()))).containsExactly("FC4 @0+14", "FC4 @72+4");
    assertThat(requests(plan("sdm230", Set.of()))).containsExactly("FC4 @0+14", "FC4 @72+4");
  }

  @Test
  void theMapsRequestSizeLimitSplitsRequests() {
    // SDM72D-M: at most 30 parameters (60 registers) per request, so voltage to export energy (76)
    // is two
    assertThat(requests(plan("sdm72d", Set.of()))).containsExactly("FC4 @0+54", "FC4 @72+4");
  }

  @Test
  void pointsAMeterRefusedToReadTogetherGetARequestEach() {
    assertThat(
            requests(
                plan("sdm630", Set.of("voltageL1", "powerTotal", "importTotal", "exportTotal"))))
        .containsExactly("FC4 @0+2", "FC4 @52+2", "FC4 @72+2", "FC4 @74+2");
  }

  @Test
  void em24AndSunSpecFloatMeters() {
    assertThat(requests(plan("em24", Set.of()))).containsExactly("FC4 @0+94");
    // SunSpec float meter: PhVphA (offset 12) to TotWhImp (offsets 68-69), one request
    assertThat(requests(plan("sunspec-float-meter", Set.of()))).containsExactly("FC3 @12+58");
  }
}
