package io.peerwatt.settlement.allocation;

import static io.peerwatt.settlement.allocation.Readings.reading;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerwatt.protocol.statement.AcceptedReading;
import io.peerwatt.protocol.statement.MeterSeries;
import io.peerwatt.protocol.statement.MeteredEnergy;
import io.peerwatt.protocol.statement.ReadingRef;
import io.peerwatt.protocol.statement.SlotMetering;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class SlotMeteringTest {
  static final Instant START = Instant.parse("2026-11-25T10:00:00Z");
  static final Instant END = Instant.parse("2026-11-25T10:15:00Z");
  final SlotMetering metering = new SlotMetering(Duration.ofMinutes(5));

  @Test
  void readingsExactlyOnTheBoundariesGiveTheCounterDifference() {
    MeterSeries s =
        new MeterSeries(
            7,
            0,
            List.of(
                reading(7, 1, START, 1000, 50),
                reading(7, 2, START.plusSeconds(400), 1100, 50),
                reading(7, 3, END, 1250, 80)));
    MeteredEnergy e = metering.meter(s, START, END);
    assertThat(e.importWh()).isEqualTo(250);
    assertThat(e.exportWh()).isEqualTo(30);
    assertThat(e.estimated()).isFalse();
    assertThat(e.missing()).isFalse();
    assertThat(e.readingsUsed()).extracting(ReadingRef::sequence).containsExactly(1L, 3L);
  }

  @Test
  void interpolatesAndRoundsTheCounterDown() {
    // boundary at 10:00 between 09:59:00 (import 100) and 10:02:00 (import 110): 100 + 10 * 60/180
    // = 103.33 -> 103
    // boundary at 10:15 between 10:14:00 (200) and 10:16:00 (201): 200 + 1 * 60/120 = 200.5 -> 200
    MeterSeries s =
        new MeterSeries(
            1,
            0,
            List.of(
                reading(1, 1, START.minusSeconds(60), 100, 0),
                reading(1, 2, START.plusSeconds(120), 110, 0),
                reading(1, 3, END.minusSeconds(60), 200, 0),
                reading(1, 4, END.plusSeconds(60), 201, 0)));
    MeteredEnergy e = metering.meter(s, START, END);
    assertThat(e.importWh()).isEqualTo(200 - 103);
    assertThat(e.estimated()).isFalse();
    assertThat(e.readingsUsed()).extracting(ReadingRef::sequence).containsExactly(1L, 2L, 3L, 4L);
  }

  @Test
  void interpolationUsesNanosecondsExactly() {
    AcceptedReading a = reading(1, 1, START.minusNanos(1), 0, 0);
    AcceptedReading b = reading(1, 2, START.plusNanos(2), 3, 0);
    assertThat(SlotMetering.interpolate(a, b, START, AcceptedReading::importWh)).isEqualTo(1);
    AcceptedReading c = reading(1, 2, START.plusNanos(1), 3, 0);
    assertThat(SlotMetering.interpolate(a, c, START, AcceptedReading::importWh))
        .isEqualTo(1); // 1.5 -> 1
  }

  @Test
  void gapsAboveTheThresholdAreEstimatedAndAtItAreNot() {
    MeterSeries atThreshold =
        new MeterSeries(
            1,
            0,
            List.of(
                reading(1, 1, START.minusSeconds(150), 0, 0),
                reading(1, 2, START.plusSeconds(150), 10, 0),
                reading(1, 3, END, 20, 0)));
    assertThat(metering.meter(atThreshold, START, END).estimated()).isFalse();
    MeterSeries above =
        new MeterSeries(
            1,
            0,
            List.of(
                reading(1, 1, START.minusSeconds(150), 0, 0),
                reading(1, 2, START.plusSeconds(151), 10, 0),
                reading(1, 3, END, 20, 0)));
    assertThat(metering.meter(above, START, END).estimated()).isTrue();
  }

  @Test
  void aBoundaryWithoutReadingOnOneSideMeansMissingAndZero() {
    MeterSeries noneAfterEnd =
        new MeterSeries(
            1,
            0,
            List.of(reading(1, 1, START, 0, 0), reading(1, 2, END.minusSeconds(1), 500, 500)));
    MeteredEnergy e = metering.meter(noneAfterEnd, START, END);
    assertThat(e.missing()).isTrue();
    assertThat(e.importWh()).isZero();
    assertThat(e.exportWh()).isZero();
    assertThat(metering.account(List.of(), START, END).missing()).isTrue();
  }

  @Test
  void anAccountSumsItsMetersAndIsMissingIfOneIs() {
    MeterSeries one =
        new MeterSeries(1, 0, List.of(reading(1, 1, START, 0, 0), reading(1, 2, END, 10, 1)));
    MeterSeries two =
        new MeterSeries(2, 0, List.of(reading(2, 1, START, 5, 0), reading(2, 2, END, 25, 2)));
    MeteredEnergy both = metering.account(List.of(one, two), START, END);
    assertThat(both.importWh()).isEqualTo(30);
    assertThat(both.exportWh()).isEqualTo(3);
    assertThat(both.missing()).isFalse();
    MeterSeries broken = new MeterSeries(3, 0, List.of(reading(3, 1, START, 0, 0)));
    MeteredEnergy partial = metering.account(List.of(one, broken), START, END);
    assertThat(partial.missing()).isTrue();
    assertThat(partial.importWh()).isEqualTo(10);
  }

  @Test
  void aCounterResetLeavesTheMeterMissingUntilTheSwapIsExplained() {
    MeterSeries acrossBoundary =
        new MeterSeries(
            1,
            0,
            List.of(
                reading(1, 1, START.minusSeconds(10), 100, 0),
                reading(1, 2, START.plusSeconds(10), 90, 0),
                reading(1, 3, END, 120, 0)));
    assertThat(metering.meter(acrossBoundary, START, END).missing()).isTrue();
    MeterSeries insideSlot =
        new MeterSeries(
            1,
            0,
            List.of(
                reading(1, 1, START, 100, 0),
                reading(1, 2, START.plusSeconds(60), 5, 0),
                reading(1, 3, END, 20, 0)));
    assertThat(metering.meter(insideSlot, START, END).missing()).isTrue();
    AcceptedReading a = reading(1, 1, START.minusSeconds(10), 100, 0);
    AcceptedReading b = reading(1, 2, START.plusSeconds(10), 90, 0);
    assertThatThrownBy(() -> SlotMetering.interpolate(a, b, START, AcceptedReading::importWh))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * Rounding the counter, not the slot energy, telescopes: the slots of an hour add up to exactly
   * the interpolated counter difference over the hour, whatever the reading times.
   */
  @Property(tries = 300)
  void slotEnergiesTelescope(
      @ForAll @Size(min = 2, max = 30) List<@IntRange(min = 1, max = 900) Integer> gapsSeconds,
      @ForAll @Size(min = 30, max = 30) List<@LongRange(min = 0, max = 5000) Long> importSteps,
      @ForAll @IntRange(min = 0, max = 1000) int offsetSeconds) {
    List<AcceptedReading> readings = new ArrayList<>();
    Instant t = START.minusSeconds(offsetSeconds + 1);
    long counter = 1_000;
    readings.add(reading(9, 0, t, counter, 0));
    for (int i = 0; i < gapsSeconds.size(); i++) {
      t = t.plusSeconds(gapsSeconds.get(i));
      counter += importSteps.get(i);
      readings.add(reading(9, i + 1, t, counter, 0));
    }
    MeterSeries series = new MeterSeries(9, 0, readings);
    Instant last = t;
    long sum = 0;
    Instant slotStart = START;
    int slots = 0;
    while (!slotStart.plus(Duration.ofMinutes(15)).isAfter(last)) {
      MeteredEnergy e = metering.meter(series, slotStart, slotStart.plus(Duration.ofMinutes(15)));
      assertThat(e.missing()).isFalse();
      assertThat(e.importWh()).isNotNegative();
      sum += e.importWh();
      slotStart = slotStart.plus(Duration.ofMinutes(15));
      slots++;
    }
    if (slots > 0) {
      MeteredEnergy whole = metering.meter(series, START, slotStart);
      assertThat(sum).isEqualTo(whole.importWh());
    }
  }
}
