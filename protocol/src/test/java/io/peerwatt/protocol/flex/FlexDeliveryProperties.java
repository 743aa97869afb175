package io.peerwatt.protocol.flex;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Function;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * The delivery rules as properties: never more than accepted, nor than delivered, nor than earned.
 */
class FlexDeliveryProperties {
  private static final Instant SLOT = Instant.parse("2026-12-06T17:00:00Z");

  @Property
  void deliveredIsNeverMoreThanAcceptedNorThanTheReduction(
      @ForAll @LongRange(min = 0, max = 10_000_000) long baselineWh,
      @ForAll @LongRange(min = 0, max = 10_000_000) long meteredWh,
      @ForAll @LongRange(min = 1, max = 1_000_000) long acceptedW) {
    long delivered = FlexDelivery.deliveredWh(baselineWh, meteredWh, acceptedW);
    assertThat(delivered).isBetween(0L, FlexDelivery.acceptedWh(acceptedW));
    assertThat(delivered).isLessThanOrEqualTo(Math.max(0, baselineWh - meteredWh));
    // it is the whole reduction whenever that fits in what was accepted
    if (baselineWh - meteredWh >= 0 && baselineWh - meteredWh <= acceptedW / 4) {
      assertThat(delivered).isEqualTo(baselineWh - meteredWh);
    }
  }

  @Property
  void meteringMoreNeverDeliversMore(
      @ForAll @LongRange(min = 0, max = 1_000_000) long baselineWh,
      @ForAll @LongRange(min = 0, max = 1_000_000) long meteredWh,
      @ForAll @LongRange(min = 0, max = 1_000_000) long more,
      @ForAll @LongRange(min = 1, max = 1_000_000) long acceptedW) {
    assertThat(FlexDelivery.deliveredWh(baselineWh, meteredWh + more, acceptedW))
        .isLessThanOrEqualTo(FlexDelivery.deliveredWh(baselineWh, meteredWh, acceptedW));
  }

  @Property
  void earningsAreTheExactProductRoundedHalfToEvenToThePriceUnit(
      @ForAll @LongRange(min = 0, max = 250_000) long deliveredWh,
      @ForAll @LongRange(min = 0, max = 100_000_000) long pricePerKwh) {
    long earned = FlexDelivery.earned(deliveredWh, pricePerKwh);
    BigInteger exactTimes1000 =
        BigInteger.valueOf(deliveredWh).multiply(BigInteger.valueOf(pricePerKwh));
    // within half a unit of the exact product, and on an exact half the even neighbour
    BigInteger twiceError =
        BigInteger.valueOf(earned)
            .multiply(BigInteger.valueOf(2000))
            .subtract(exactTimes1000.shiftLeft(1));
    assertThat(twiceError.abs()).isLessThanOrEqualTo(BigInteger.valueOf(1000));
    if (twiceError.abs().equals(BigInteger.valueOf(1000))) {
      assertThat(earned % 2).isZero();
    }
  }

  @Property
  void theBaselineIsTheMeanOfTheLastFiveDaysWithTheQuarterHour(
      @ForAll @Size(min = 1, max = 30) List<@LongRange(min = 0, max = 100_000) Long> history,
      @ForAll @IntRange(min = 0, max = 29) int gap) {
    Map<Instant, Long> metered = new HashMap<>();
    for (int day = 1; day <= history.size(); day++) {
      if (day != gap) {
        metered.put(SLOT.minus(Duration.ofDays(day)), history.get(day - 1));
      }
    }
    // other quarter-hours and the slot's own day do not count
    metered.put(SLOT, 1_000_000L);
    metered.put(SLOT.minus(Duration.ofDays(1)).plus(Duration.ofMinutes(15)), 1_000_000L);
    List<Long> used =
        java.util.stream.IntStream.rangeClosed(1, history.size())
            .filter(day -> day != gap)
            .limit(FlexDelivery.BASELINE_DAYS)
            .mapToObj(day -> history.get(day - 1))
            .toList();
    var baseline = FlexDelivery.baselineWh(at(metered), SLOT);
    if (used.isEmpty()) {
      assertThat(baseline).isEmpty();
    } else {
      assertThat(baseline).hasValue(used.stream().mapToLong(Long::longValue).sum() / used.size());
    }
  }

  @Test
  void noDayWithTheQuarterHourIsNoBaseline() {
    assertThat(FlexDelivery.baselineWh(at(Map.of(SLOT, 500L)), SLOT)).isEmpty();
    assertThat(
            FlexDelivery.baselineWh(
                at(Map.of(SLOT.minus(Duration.ofDays(FlexDelivery.LOOK_BACK_DAYS + 1)), 500L)),
                SLOT))
        .isEmpty();
  }

  @Test
  void measuredSlotsOfTheHourBeforeTheEventAreTheBaselineOfAHomeWithoutComparableDays() {
    Instant eventStart = SLOT.minus(Duration.ofMinutes(15));
    // the metering's own verdict per slot: the first one it covers only in part is missing
    Map<Instant, Long> measured =
        Map.of(
            eventStart.minus(Duration.ofMinutes(15)), 110L,
            eventStart.minus(Duration.ofMinutes(30)), 91L);
    Function<Instant, OptionalLong> meteredAt =
        start ->
            measured.containsKey(start)
                ? OptionalLong.of(measured.get(start))
                : OptionalLong.empty();
    assertThat(FlexDelivery.baselineWh(meteredAt, SLOT, eventStart)).hasValue(100);
    assertThat(FlexDelivery.baselineWh(meteredAt, SLOT)).isEmpty();
  }

  @Test
  void comparableDaysComeBeforeTheHourBeforeTheEvent() {
    Instant eventStart = SLOT.minus(Duration.ofMinutes(15));
    Map<Instant, Long> metered = new HashMap<>();
    metered.put(SLOT.minus(Duration.ofDays(2)), 300L);
    metered.put(eventStart.minus(Duration.ofMinutes(15)), 120L);
    assertThat(FlexDelivery.baselineWh(at(metered), SLOT, eventStart)).hasValue(300);
  }

  @Test
  void aHomeThatCutsItsImportBy300WhOfA1500WAcceptanceDelivers300Wh() {
    assertThat(FlexDelivery.deliveredWh(500, 200, 1500)).isEqualTo(300);
    assertThat(FlexDelivery.deliveredWh(800, 200, 1500)).isEqualTo(375);
    assertThat(FlexDelivery.deliveredWh(100, 200, 1500)).isZero();
    // 300 Wh at 25 ct/kWh = 7.5 ct = 7500 in 0.001 ct
    assertThat(FlexDelivery.earned(300, 25_000)).isEqualTo(7_500);
    // 3 Wh at 500: 1.5 units, rounded to the even 2; 1 Wh: 0.5, to the even 0
    assertThat(FlexDelivery.earned(1, 500)).isZero();
    assertThat(FlexDelivery.earned(3, 500)).isEqualTo(2);
  }

  /** The metering's verdict per slot start: the Wh in {@code metered}, empty where it has none. */
  private static Function<Instant, OptionalLong> at(Map<Instant, Long> metered) {
    return start ->
        metered.containsKey(start) ? OptionalLong.of(metered.get(start)) : OptionalLong.empty();
  }
}
