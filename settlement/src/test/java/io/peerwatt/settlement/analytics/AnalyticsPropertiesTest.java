package io.peerwatt.settlement.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.settlement.analytics.ZoneAggregate.Suppression;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/** The budget's arithmetic and the suppression rule, over any inputs. */
class AnalyticsPropertiesTest {
  private static final Instant T = Instant.parse("2026-11-25T10:00:00Z");

  @Property
  void aBudgetGrantsExactlyTheQueriesThatFitAndNeverOverspends(
      @ForAll @LongRange(min = 0, max = 100_000) long total,
      @ForAll @Size(max = 40) List<@LongRange(min = 1, max = 20_000) Long> asked) {
    PrivacyBudget budget = new PrivacyBudget(total, 0);
    long granted = 0;
    for (long a : asked) {
      boolean fits = granted + a <= total;
      assertThat(budget.allows(a)).isEqualTo(fits);
      if (fits) {
        budget = budget.spend(a);
        granted += a;
      }
      assertThat(budget.spentMilli()).isEqualTo(granted);
      assertThat(budget.remainingMilli()).isEqualTo(total - granted);
    }
    assertThat(budget.spentMilli()).isLessThanOrEqualTo(total);
  }

  @Property
  void aLoweredBudgetLeavesNothingAndGrantsNothing(
      @ForAll @LongRange(min = 0, max = 10_000) long total,
      @ForAll @LongRange(min = 1, max = 10_000) long over,
      @ForAll @LongRange(min = 1, max = 10_000) long asked) {
    PrivacyBudget b = new PrivacyBudget(total, total + over);
    assertThat(b.remainingMilli()).isZero();
    assertThat(b.allows(asked)).isFalse();
  }

  @Property
  void epsilonIsSpelledAsTheExactDecimalOfItsThousandths(
      @ForAll @LongRange(min = 0, max = Epsilon.MAX_MILLI) long milli) {
    assertThat(new BigDecimal(Epsilon.text(milli)))
        .isEqualByComparingTo(BigDecimal.valueOf(milli).movePointLeft(3));
    assertThat(Epsilon.text(milli)).doesNotContain("E").doesNotEndWith(".").doesNotEndWith(".0");
  }

  @Property
  void aCellIsAnsweredExactlyWhenKHomesContributeAndNoneHasMoreThanTheShare(
      @ForAll @Size(max = 30) List<@LongRange(min = 0, max = 50_000) Long> importWh,
      @ForAll @IntRange(min = 2, max = 20) int k,
      @ForAll @IntRange(min = 1, max = 99) int sharePercent) {
    AnalyticsPolicy policy = new AnalyticsPolicy(k, sharePercent, 5_000, 0);
    List<Contribution> cell = new ArrayList<>();
    for (int i = 0; i < importWh.size(); i++) {
      cell.add(new Contribution(T, i, importWh.get(i), 0));
    }
    ZoneAggregate.Value v =
        ZoneAggregate.intervals(
                List.<Instant[]>of(new Instant[] {T, T.plusSeconds(900)}), cell, policy)
            .get(0)
            .importValue();
    long sum = importWh.stream().mapToLong(Long::longValue).sum();
    long largest = importWh.stream().mapToLong(Long::longValue).max().orElse(0);
    if (importWh.size() < k) {
      assertThat(v.suppressed()).isEqualTo(Suppression.TOO_FEW_HOMES);
    } else if (largest * 100 > sum * sharePercent) {
      assertThat(v.suppressed()).isEqualTo(Suppression.DOMINANT_HOME);
    } else {
      assertThat(v.suppressed()).isNull();
      assertThat(v.sumWh()).isEqualTo(sum);
      assertThat(v.clippedSumWh())
          .isEqualTo(importWh.stream().mapToLong(w -> Math.min(w, 5_000)).sum());
    }
    if (v.suppressed() != null) {
      assertThat(v.sumWh()).isZero();
      assertThat(v.clippedSumWh()).isZero();
    }
  }

  @Property
  void anIntervalIsAnsweredOnlyWhenEveryQuarterHourOfItIs(
      @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 0, max = 6) Integer> homesPerSlot,
      @ForAll @Size(min = 1, max = 8) List<@LongRange(min = 0, max = 3_000) Long> firstHomeWh) {
    AnalyticsPolicy policy = new AnalyticsPolicy(3, 60, 5_000, 0);
    List<Contribution> contributions = new ArrayList<>();
    List<Instant[]> quarters = new ArrayList<>();
    for (int s = 0; s < homesPerSlot.size(); s++) {
      Instant start = T.plusSeconds(900L * s);
      quarters.add(new Instant[] {start, start.plusSeconds(900)});
      for (int h = 0; h < homesPerSlot.get(s); h++) {
        long wh = h == 0 ? firstHomeWh.get(s % firstHomeWh.size()) : 500;
        contributions.add(new Contribution(start, h, wh, wh));
      }
    }
    Instant end = T.plusSeconds(900L * homesPerSlot.size());
    List<ZoneAggregate.Interval> each = ZoneAggregate.intervals(quarters, contributions, policy);
    ZoneAggregate.Interval whole =
        ZoneAggregate.intervals(List.<Instant[]>of(new Instant[] {T, end}), contributions, policy)
            .get(0);
    boolean allReleased = each.stream().allMatch(i -> i.importValue().released());
    assertThat(whole.importValue().released()).isEqualTo(allReleased);
    if (allReleased) {
      assertThat(whole.importValue().sumWh())
          .isEqualTo(each.stream().mapToLong(i -> i.importValue().sumWh()).sum());
    }
    boolean anyTooFew =
        each.stream().anyMatch(i -> i.importValue().suppressed() == Suppression.TOO_FEW_HOMES);
    assertThat(whole.importValue().suppressed() == Suppression.TOO_FEW_HOMES).isEqualTo(anyTooFew);
    assertThat(whole.homes())
        .isEqualTo(homesPerSlot.stream().mapToInt(Integer::intValue).min().orElseThrow());
  }
}
