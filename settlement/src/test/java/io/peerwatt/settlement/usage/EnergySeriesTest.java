package io.peerwatt.settlement.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnergySeriesTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  @Test
  void localDaysAroundTheAutumnChangeHave100And96QuarterHours() {
    // 2026-10-25 is the last Sunday of October: 25 local hours
    Instant from = Instant.parse("2026-10-24T22:00:00Z");
    Instant to = Instant.parse("2026-10-26T23:00:00Z");
    List<Instant[]> days = EnergySeries.intervals(from, to, EnergySeries.Resolution.P1D, BERLIN);
    assertThat(days).hasSize(2);
    assertThat(days.get(0)[1]).isEqualTo(Instant.parse("2026-10-25T23:00:00Z"));
    assertThat(java.time.Duration.between(days.get(0)[0], days.get(0)[1]).toMinutes() / 15)
        .isEqualTo(100);
    assertThat(java.time.Duration.between(days.get(1)[0], days.get(1)[1]).toMinutes() / 15)
        .isEqualTo(96);
  }

  @Test
  void theGridRestIsWorkedOutPerQuarterHourThenSummed() {
    Instant t0 = Instant.parse("2026-11-25T10:00:00Z");
    List<SlotUsage> slots = new ArrayList<>();
    // slot 1: imports 500, bought 200; slot 2: exports 400, sold 100, imports 0
    slots.add(new SlotUsage(t0, 500, 0, false, false));
    slots.add(new SlotUsage(t0.plusSeconds(900), 0, 400, false, false));
    slots.add(new SlotUsage(t0.plusSeconds(1800), 0, 0, false, true));
    slots.add(new SlotUsage(t0.plusSeconds(2700), 50, 0, false, false));
    List<EnergySeries.Interval> hour =
        EnergySeries.aggregate(
            List.of(new PointUsage(1, 1, "home", slots)),
            Map.of(
                t0,
                new JdbcUsageSource.SlotTrades(t0, 200, 0),
                t0.plusSeconds(900),
                new JdbcUsageSource.SlotTrades(t0.plusSeconds(900), 0, 100)),
            EnergySeries.intervals(t0, t0.plusSeconds(3600), EnergySeries.Resolution.PT1H, BERLIN));
    assertThat(hour).hasSize(1);
    EnergySeries.Interval i = hour.get(0);
    assertThat(i.importWh()).isEqualTo(550);
    assertThat(i.exportWh()).isEqualTo(400);
    assertThat(i.gridImportWh()).isEqualTo(350);
    assertThat(i.gridExportWh()).isEqualTo(300);
    assertThat(i.missing()).isTrue();
  }
}
