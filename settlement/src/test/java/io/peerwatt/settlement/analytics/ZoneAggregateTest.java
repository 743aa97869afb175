package io.peerwatt.settlement.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerwatt.settlement.analytics.ZoneAggregate.Suppression;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ZoneAggregateTest {
  private static final Instant T = Instant.parse("2026-11-25T10:00:00Z");
  private static final Instant T15 = T.plusSeconds(900);
  private static final Instant T30 = T.plusSeconds(1_800);
  private static final AnalyticsPolicy K3 = new AnalyticsPolicy(3, 50, 1_000, 10_000);

  private static List<Contribution> homes(Instant slot, long... importWh) {
    List<Contribution> out = new ArrayList<>();
    for (int i = 0; i < importWh.length; i++) {
      out.add(new Contribution(slot, i + 1, importWh[i], 10));
    }
    return out;
  }

  @Test
  void answersSumsAndMeansOfAQuarterHourWithEnoughHomesNoneDominating() {
    ZoneAggregate.Interval i =
        ZoneAggregate.intervals(
                List.<Instant[]>of(new Instant[] {T, T15}), homes(T, 100, 200, 300), K3)
            .get(0);
    assertThat(i.homes()).isEqualTo(3);
    assertThat(i.importValue()).isEqualTo(new ZoneAggregate.Value(600, 600, null));
    assertThat(i.exportValue().sumWh()).isEqualTo(30);
    assertThat(ZoneAggregate.meanWh(600, i.slots(), i.homeSlots())).isEqualTo(200);
  }

  @Test
  void suppressesAQuarterHourBelowKHomes() {
    ZoneAggregate.Interval i =
        ZoneAggregate.intervals(List.<Instant[]>of(new Instant[] {T, T15}), homes(T, 100, 200), K3)
            .get(0);
    assertThat(i.importValue().suppressed()).isEqualTo(Suppression.TOO_FEW_HOMES);
    assertThat(i.exportValue().suppressed()).isEqualTo(Suppression.TOO_FEW_HOMES);
    assertThat(i.importValue().sumWh()).isZero();
  }

  @Test
  void suppressesOnlyTheMeasureOneHomeDominates() {
    // 501 of 1001 Wh is more than half; every export is 10 of 30
    ZoneAggregate.Interval i =
        ZoneAggregate.intervals(
                List.<Instant[]>of(new Instant[] {T, T15}), homes(T, 501, 250, 250), K3)
            .get(0);
    assertThat(i.importValue().suppressed()).isEqualTo(Suppression.DOMINANT_HOME);
    assertThat(i.exportValue().released()).isTrue();
    // exactly half is not more than half
    assertThat(ZoneAggregate.suppression(3, 1_000, 500, K3)).isNull();
    assertThat(ZoneAggregate.suppression(3, 1_000, 501, K3)).isEqualTo(Suppression.DOMINANT_HOME);
  }

  @Test
  void anHourWithOneSuppressedQuarterHourIsSuppressedSoItCannotBeDifferencedFromTheOthers() {
    List<Contribution> c = new ArrayList<>(homes(T, 900, 50, 50));
    c.addAll(homes(T15, 100, 100, 100));
    List<ZoneAggregate.Interval> quarters =
        ZoneAggregate.intervals(List.of(new Instant[] {T, T15}, new Instant[] {T15, T30}), c, K3);
    ZoneAggregate.Interval half =
        ZoneAggregate.intervals(List.<Instant[]>of(new Instant[] {T, T30}), c, K3).get(0);
    assertThat(quarters.get(0).importValue().released()).isFalse();
    assertThat(quarters.get(1).importValue().sumWh()).isEqualTo(300);
    assertThat(half.importValue().suppressed()).isEqualTo(Suppression.DOMINANT_HOME);
    assertThat(half.exportValue().sumWh()).isEqualTo(60);
  }

  @Test
  void clipsEachHomesQuarterHourForTheNoisySum() {
    ZoneAggregate.Interval i =
        ZoneAggregate.intervals(
                List.<Instant[]>of(new Instant[] {T, T15}), homes(T, 1_400, 1_200, 1_300), K3)
            .get(0);
    assertThat(i.importValue().sumWh()).isEqualTo(3_900);
    assertThat(i.importValue().clippedSumWh()).isEqualTo(3_000);
  }

  @Test
  void theMeanRoundsHalfUpAndNeedsAHome() {
    assertThat(ZoneAggregate.meanWh(5, 1, 2)).isEqualTo(3);
    assertThat(ZoneAggregate.meanWh(-5, 1, 2)).isEqualTo(-2);
    assertThat(ZoneAggregate.meanWh(100, 4, 12)).isEqualTo(33);
    assertThatThrownBy(() -> ZoneAggregate.meanWh(1, 1, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
