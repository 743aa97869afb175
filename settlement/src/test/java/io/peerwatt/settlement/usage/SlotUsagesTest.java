package io.peerwatt.settlement.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.statement.AcceptedReading;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SlotUsagesTest {
  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  private static final String HASH = "ab".repeat(32);

  private static AcceptedReading reading(long seq, Instant at, long importWh, long exportWh) {
    return new AcceptedReading(1, 0, seq, at, importWh, exportWh, HASH);
  }

  @Test
  void slotsAreCounterDifferencesInterpolatedAtTheBoundariesAndAddUpExactly() {
    // readings every 7 minutes, 70 Wh imported per reading
    List<AcceptedReading> readings = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      readings.add(reading(i, T0.minusSeconds(300).plusSeconds(420L * i), 1_000 + 70L * i, 5));
    }
    List<SlotUsage> slots =
        new SlotUsages(Duration.ofMinutes(5))
            .slots(
                List.of(new DeviceSpan(1, T0.minusSeconds(3600), null)),
                Map.of(1L, Map.of(0, readings)),
                T0,
                T0.plusSeconds(2700));
    assertThat(slots).hasSize(3);
    assertThat(slots).allSatisfy(s -> assertThat(s.missing()).isFalse());
    // readings 7 minutes apart are further than the 5-minute threshold: interpolated = estimated
    assertThat(slots.get(0).estimated()).isTrue();
    // 150 Wh per quarter-hour; rounding the counters down never loses a Wh over the whole period
    assertThat(slots.stream().mapToLong(SlotUsage::importWh).sum()).isEqualTo(450);
    assertThat(slots.get(0).importWh()).isBetween(149L, 151L);
  }

  @Test
  void aSlotBeyondTheLastReadingOrBeforeEnrolmentIsMissing() {
    List<AcceptedReading> readings =
        List.of(reading(0, T0, 100, 0), reading(1, T0.plusSeconds(900), 160, 0));
    List<SlotUsage> slots =
        new SlotUsages(Duration.ofMinutes(5))
            .slots(
                List.of(new DeviceSpan(1, T0.minusSeconds(60), null)),
                Map.of(1L, Map.of(0, readings)),
                T0.minusSeconds(900),
                T0.plusSeconds(1800));
    assertThat(slots).extracting(SlotUsage::missing).containsExactly(true, false, true);
    assertThat(slots.get(1).importWh()).isEqualTo(60);
    assertThat(slots.get(1).estimated()).isFalse();
  }

  @Test
  void aRevokedGatewayNoLongerSpeaksForThePoint() {
    List<AcceptedReading> readings =
        List.of(
            reading(0, T0, 100, 0),
            reading(1, T0.plusSeconds(900), 160, 0),
            reading(2, T0.plusSeconds(1800), 200, 0));
    List<SlotUsage> slots =
        new SlotUsages(Duration.ofMinutes(5))
            .slots(
                List.of(new DeviceSpan(1, T0.minusSeconds(60), T0.plusSeconds(900))),
                Map.of(1L, Map.of(0, readings)),
                T0,
                T0.plusSeconds(1800));
    assertThat(slots).extracting(SlotUsage::missing).containsExactly(false, true);
  }
}
