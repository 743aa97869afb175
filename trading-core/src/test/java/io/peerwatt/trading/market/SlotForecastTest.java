package io.peerwatt.trading.market;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.DeliverySlot;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.NavigableMap;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SlotForecastTest {
  static final DeliverySlot SLOT = DeliverySlot.parse("2026-11-25T12:00Z/PT15M");

  /**
   * Counters at the end of the bucket before and of the slot's own bucket, {@code daysBack} days
   * earlier.
   */
  static void day(
      NavigableMap<Instant, SlotForecast.Counters> series,
      int daysBack,
      long importBefore,
      long exportBefore,
      long importAfter,
      long exportAfter) {
    Instant start = SLOT.start().minus(Duration.ofDays(daysBack));
    series.put(
        start.minus(DeliverySlot.LENGTH), new SlotForecast.Counters(importBefore, exportBefore));
    series.put(start, new SlotForecast.Counters(importAfter, exportAfter));
  }

  @Test
  void averagesNetExportOverTheDaysWithData() {
    NavigableMap<Instant, SlotForecast.Counters> s = new TreeMap<>();
    day(s, 1, 1_000, 5_000, 1_100, 5_600); // +500 net
    day(s, 2, 900, 4_000, 950, 4_250); // +200 net
    day(s, 9, 0, 0, 0, 10_000); // outside a 7-day lookback
    assertThat(SlotForecast.netExportWh(List.of(s), SLOT, 7)).isEqualTo(OptionalLong.of(350));
  }

  @Test
  void roundsTowardsNegativeInfinityAndGoesNegativeForADeficit() {
    NavigableMap<Instant, SlotForecast.Counters> s = new TreeMap<>();
    day(s, 1, 0, 0, 300, 0); // -300
    day(s, 3, 0, 0, 400, 0); // -400
    assertThat(SlotForecast.netExportWh(List.of(s), SLOT, 7)).isEqualTo(OptionalLong.of(-350));
    day(s, 4, 0, 0, 0, 1); // +1: (-700 + 1) / 3 = -233
    assertThat(SlotForecast.netExportWh(List.of(s), SLOT, 7)).isEqualTo(OptionalLong.of(-233));
  }

  @Test
  void skipsCounterResetsAndMissingBoundariesAndIsEmptyWithoutData() {
    NavigableMap<Instant, SlotForecast.Counters> s = new TreeMap<>();
    day(s, 1, 5_000, 5_000, 10, 20); // counters went back: meter reset
    s.put(
        SLOT.start().minus(Duration.ofDays(2)),
        new SlotForecast.Counters(0, 700)); // no bucket before
    assertThat(SlotForecast.netExportWh(List.of(s), SLOT, 7)).isEmpty();
    assertThat(SlotForecast.netExportWh(List.of(), SLOT, 7)).isEmpty();
  }

  @Test
  void addsTheSeriesOfSeveralDevices() {
    NavigableMap<Instant, SlotForecast.Counters> a = new TreeMap<>();
    NavigableMap<Instant, SlotForecast.Counters> b = new TreeMap<>();
    day(a, 1, 0, 0, 100, 0);
    day(b, 1, 0, 0, 0, 400);
    assertThat(SlotForecast.netExportWh(List.of(a, b), SLOT, 1)).isEqualTo(OptionalLong.of(300));
  }
}
