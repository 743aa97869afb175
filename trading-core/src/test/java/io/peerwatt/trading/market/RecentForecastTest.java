package io.peerwatt.trading.market;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerwatt.trading.market.RecentForecast.Reading;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class RecentForecastTest {
  static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

  static Reading at(Duration sinceT0, long importWh, long exportWh) {
    return new Reading(T0.plus(sinceT0), importWh, exportWh);
  }

  static Reading atMinute(long minute, long importWh, long exportWh) {
    return at(Duration.ofMinutes(minute), importWh, exportWh);
  }

  @SafeVarargs
  static OptionalLong forecast(List<Reading>... series) {
    return RecentForecast.netExportWh(List.of(series));
  }

  @Test
  void scalesTheNetExportBetweenTheEarliestAndLatestReadingToOneSlot() {
    // an hour: +1000 Wh export, +200 Wh import -> 800 Wh net per hour, 200 per quarter-hour
    assertThat(
            forecast(
                List.of(
                    atMinute(0, 1_000, 5_000),
                    atMinute(25, 1_150, 5_100),
                    atMinute(60, 1_200, 6_000))))
        .isEqualTo(OptionalLong.of(200));
    // 100 Wh net in 10 minutes -> 150 per quarter-hour; in 20 minutes -> 75
    assertThat(forecast(List.of(atMinute(0, 0, 0), atMinute(10, 0, 100))))
        .isEqualTo(OptionalLong.of(150));
    assertThat(forecast(List.of(atMinute(0, 0, 0), atMinute(20, 0, 100))))
        .isEqualTo(OptionalLong.of(75));
    // a deficit is negative
    assertThat(forecast(List.of(atMinute(0, 500, 0), atMinute(30, 900, 0))))
        .isEqualTo(OptionalLong.of(-200));
  }

  @Test
  void roundsTowardsNegativeInfinity() {
    // 100 Wh in 7 minutes: 214.28... per quarter-hour -> 214; a 100 Wh deficit -> -215, not -214
    assertThat(forecast(List.of(atMinute(0, 0, 0), atMinute(7, 0, 100))))
        .isEqualTo(OptionalLong.of(214));
    assertThat(forecast(List.of(atMinute(0, 0, 0), atMinute(7, 100, 0))))
        .isEqualTo(OptionalLong.of(-215));
    // exact to the millisecond: 1 Wh over 15 min 1 ms is just under 1 -> 0; a 1 Wh deficit -> -1
    Duration justOverASlot = Duration.ofMinutes(15).plusMillis(1);
    assertThat(forecast(List.of(at(Duration.ZERO, 0, 0), at(justOverASlot, 0, 1))))
        .isEqualTo(OptionalLong.of(0));
    assertThat(forecast(List.of(at(Duration.ZERO, 0, 0), at(justOverASlot, 1, 0))))
        .isEqualTo(OptionalLong.of(-1));
  }

  @Test
  void needsTwoReadingsAtLeastTwoMinutesApart() {
    assertThat(forecast()).isEmpty();
    assertThat(forecast(List.of())).isEmpty();
    assertThat(forecast(List.of(atMinute(0, 0, 100)))).isEmpty();
    Duration justUnder = Duration.ofMinutes(2).minusMillis(1);
    assertThat(
            forecast(
                List.of(
                    at(Duration.ZERO, 0, 0),
                    at(Duration.ofSeconds(30), 0, 5),
                    at(justUnder, 0, 20))))
        .isEmpty();
    // exactly 2 minutes is enough: 20 Wh in 2 minutes -> 150 per quarter-hour
    assertThat(forecast(List.of(atMinute(0, 0, 0), atMinute(2, 0, 20))))
        .isEqualTo(OptionalLong.of(150));
    // a meter that counted nothing forecasts zero, which is a forecast
    assertThat(forecast(List.of(atMinute(0, 7, 7), atMinute(30, 7, 7))))
        .isEqualTo(OptionalLong.of(0));
  }

  @Test
  void aCounterThatWentBackMakesItsSeriesUnusable() {
    // a reset in the middle of the hour, although the last reading is above the first
    List<Reading> reset =
        List.of(atMinute(0, 100, 100), atMinute(20, 0, 0), atMinute(60, 400, 400));
    assertThat(forecast(reset)).isEmpty();
    assertThat(forecast(List.of(atMinute(0, 100, 5_000), atMinute(30, 200, 10)))).isEmpty();
    // the other series still counts, alone: 60 Wh net in 30 minutes -> 30
    List<Reading> good = List.of(atMinute(30, 0, 0), atMinute(60, 0, 60));
    assertThat(forecast(reset, good)).isEqualTo(OptionalLong.of(30));
  }

  @Test
  void sumsSeveralSeriesEnergyAndTimeAlike() {
    // the meter read by the old gateway for 30 minutes (+300 Wh), then by the new one for 30 (+100
    // Wh):
    // 400 Wh in 60 minutes -> 100 per quarter-hour
    List<Reading> before = List.of(atMinute(0, 0, 1_000), atMinute(30, 0, 1_300));
    List<Reading> after = List.of(atMinute(30, 50, 0), atMinute(60, 50, 100));
    assertThat(forecast(before, after)).isEqualTo(OptionalLong.of(100));
    // a series too short to count adds neither energy nor time
    List<Reading> tooShort = List.of(atMinute(59, 0, 0), atMinute(60, 0, 1_000));
    assertThat(forecast(before, after, tooShort)).isEqualTo(OptionalLong.of(100));
  }

  @Test
  void readingsOutOfTimeOrderAreABug() {
    assertThatThrownBy(
            () -> forecast(List.of(atMinute(10, 0, 0), atMinute(5, 0, 10), atMinute(20, 0, 20))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * The forecast is the floor of the exact average of the series that span two minutes, whatever
   * the readings.
   */
  @Property
  void isTheFloorOfTheExactAverage(@ForAll("meters") List<List<Reading>> series) {
    BigInteger netWh = BigInteger.ZERO;
    BigInteger spanMillis = BigInteger.ZERO;
    for (List<Reading> readings : series) {
      Reading first = readings.get(0);
      Reading last = readings.get(readings.size() - 1);
      long millis = Duration.between(first.takenAt(), last.takenAt()).toMillis();
      if (millis >= 120_000) {
        netWh =
            netWh.add(
                BigInteger.valueOf(
                    last.exportWh() - first.exportWh() - last.importWh() + first.importWh()));
        spanMillis = spanMillis.add(BigInteger.valueOf(millis));
      }
    }
    OptionalLong forecast = RecentForecast.netExportWh(series);
    if (spanMillis.signum() == 0) {
      assertThat(forecast).isEmpty();
      return;
    }
    BigInteger scaled = netWh.multiply(BigInteger.valueOf(900_000));
    BigInteger f = BigInteger.valueOf(forecast.orElseThrow());
    assertThat(f.multiply(spanMillis)).isLessThanOrEqualTo(scaled);
    assertThat(f.add(BigInteger.ONE).multiply(spanMillis)).isGreaterThan(scaled);
  }

  /**
   * Only each series' earliest and latest reading count: the readings between them change nothing.
   */
  @Property
  void readingsBetweenTheFirstAndLastChangeNothing(@ForAll("meters") List<List<Reading>> series) {
    List<List<Reading>> ends = new ArrayList<>();
    for (List<Reading> readings : series) {
      ends.add(
          readings.size() == 1
              ? readings
              : List.of(readings.get(0), readings.get(readings.size() - 1)));
    }
    assertThat(RecentForecast.netExportWh(series)).isEqualTo(RecentForecast.netExportWh(ends));
  }

  /** One to three meters, each with 1..40 readings in time order whose counters never go back. */
  @Provide
  Arbitrary<List<List<Reading>>> meters() {
    Arbitrary<long[]> step =
        Combinators.combine(
                Arbitraries.longs().between(0, 300_000),
                Arbitraries.longs().between(0, 3_000),
                Arbitraries.longs().between(0, 3_000))
            .as((millis, importWh, exportWh) -> new long[] {millis, importWh, exportWh});
    Arbitrary<List<Reading>> meter =
        Combinators.combine(
                Arbitraries.longs().between(0, 3_600_000),
                    Arbitraries.longs().between(0, 10_000_000),
                Arbitraries.longs().between(0, 10_000_000), step.list().ofMaxSize(39))
            .as(
                (offsetMillis, importWh, exportWh, steps) -> {
                  List<Reading> readings = new ArrayList<>();
                  Reading r = at(Duration.ofMillis(offsetMillis), importWh, exportWh);
                  readings.add(r);
                  for (long[] s : steps) {
                    r =
                        new Reading(
                            r.takenAt().plusMillis(s[0]), r.importWh() + s[1], r.exportWh() + s[2]);
                    readings.add(r);
                  }
                  return readings;
                });
    return meter.list().ofMinSize(1).ofMaxSize(3);
  }
}
