package io.peerwatt.settlement.statement;

import static io.peerwatt.settlement.allocation.Readings.reading;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.PriceUnit;
import io.peerwatt.protocol.statement.ExchangeRate;
import io.peerwatt.protocol.statement.LineKind;
import io.peerwatt.protocol.statement.MeterSeries;
import io.peerwatt.protocol.statement.MeteredEnergy;
import io.peerwatt.protocol.statement.PaymentCheck;
import io.peerwatt.protocol.statement.PaymentDecision;
import io.peerwatt.protocol.statement.RefusalReason;
import io.peerwatt.protocol.statement.Rounding;
import io.peerwatt.protocol.statement.SlotMetering;
import io.peerwatt.protocol.statement.SpendingCap;
import io.peerwatt.protocol.statement.Statement;
import io.peerwatt.settlement.allocation.AccountAllocation;
import io.peerwatt.settlement.allocation.AllocatedLine;
import io.peerwatt.settlement.allocation.Allocation;
import io.peerwatt.settlement.allocation.SlotTerms;
import io.peerwatt.settlement.allocation.TradeFill;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class PaymentCheckPropertiesTest {
  static final DeliverySlot SLOT = DeliverySlot.parse("2026-11-25T10:00Z/PT15M");
  static final long BUYER = 5;
  final PaymentCheck check = new PaymentCheck();

  static List<MeterSeries> meter(long importWh, int startOffsetSeconds, int endOffsetSeconds) {
    return List.of(
        new MeterSeries(
            50,
            0,
            List.of(
                reading(50, 1, SLOT.start().minusSeconds(startOffsetSeconds), 7_000, 0),
                reading(50, 2, SLOT.start().plusSeconds(120), 7_000 + importWh / 9, 0),
                reading(50, 3, SLOT.end().plusSeconds(endOffsetSeconds), 7_000 + importWh, 0))));
  }

  static Statement platformStatement(
      List<MeterSeries> readings, long boughtWh, long price, long imbalance) {
    SlotTerms terms = new SlotTerms("Z", SLOT, "EUR", PriceUnit.MILLI_CT_PER_KWH, imbalance);
    MeteredEnergy m =
        new SlotMetering(Duration.ofMinutes(5)).account(readings, SLOT.start(), SLOT.end());
    var allocation =
        Allocation.allocate(
            terms, List.of(new TradeFill(1, BUYER, 6, boughtWh, price, 3_000)), Map.of(BUYER, m));
    return Statements.of(
        terms,
        allocation.accounts().get(0),
        ExchangeRate.fiat("EUR", 1_700_000, "config", Instant.parse("2026-11-25T10:20:00Z")),
        1,
        Statement.NO_PREVIOUS);
  }

  /**
   * A statement the platform computed from the gateway's own readings is always signed (cap
   * permitting).
   */
  @Property(tries = 300)
  void honestStatementsAreSigned(
      @ForAll @LongRange(min = 0, max = 50_000) long importWh,
      @ForAll @LongRange(min = 1, max = 50_000) long boughtWh,
      @ForAll @LongRange(min = 0, max = 90_000) long price,
      @ForAll @LongRange(min = 0, max = 90_000) long imbalance,
      @ForAll @IntRange(min = 0, max = 600) int startOffset,
      @ForAll @IntRange(min = 0, max = 600) int endOffset) {
    List<MeterSeries> own = meter(importWh, startOffset, endOffset);
    Statement s = platformStatement(own, boughtWh, price, imbalance);
    PaymentDecision d =
        check.check(s, Optional.empty(), BUYER, own, new SpendingCap(Long.MAX_VALUE, 0));
    assertThat(d.approved()).as(d.detail()).isTrue();
    assertThat(d.paySat()).isEqualTo(Math.max(0, -s.totalSat()));
  }

  /**
   * A statement computed from readings claiming more import than the gateway's meter counted is
   * never signed, whatever the platform does with the reading references.
   */
  @Property(tries = 300)
  void inflatedImportIsRefused(
      @ForAll @LongRange(min = 0, max = 50_000) long importWh,
      @ForAll @LongRange(min = 1, max = 5_000) long extraWh,
      @ForAll @LongRange(min = 1, max = 50_000) long boughtWh,
      @ForAll boolean keepOwnReferences) {
    List<MeterSeries> own = meter(importWh, 30, 30);
    Statement honest = platformStatement(own, boughtWh, 20_000, 40_000);
    Statement inflated =
        platformStatement(meter(importWh + extraWh, 30, 30), boughtWh, 20_000, 40_000);
    // interpolation can swallow a small extra entirely: only slots whose import really grew are
    // inflated
    Assume.that(inflated.importWh() > honest.importWh());
    if (keepOwnReferences) {
      inflated =
          new Statement(
              inflated.accountId(),
              inflated.zoneCode(),
              inflated.slot(),
              1,
              Statement.NO_PREVIOUS,
              inflated.currency(),
              inflated.priceUnit(),
              inflated.rate(),
              inflated.boughtWh(),
              0,
              0,
              inflated.importWh(),
              0,
              inflated.estimated(),
              false,
              inflated.lines(),
              inflated.totalAmount(),
              inflated.totalSat(),
              honest.readings());
    }
    PaymentDecision d =
        check.check(inflated, Optional.empty(), BUYER, own, new SpendingCap(Long.MAX_VALUE, 0));
    assertThat(d.approved()).isFalse();
    assertThat(d.reason())
        .isIn(RefusalReason.READING_NOT_SIGNED_BY_GATEWAY, RefusalReason.CHARGES_UNIMPORTED_ENERGY);
  }

  /** {@code s} with a flexibility credit of {@code deliveredWh} at {@code price} added. */
  static Statement withFlexibility(
      List<MeterSeries> readings, long boughtWh, long price, long deliveredWh, long flexPrice) {
    SlotTerms terms = new SlotTerms("Z", SLOT, "EUR", PriceUnit.MILLI_CT_PER_KWH, 40_000);
    MeteredEnergy m =
        new SlotMetering(Duration.ofMinutes(5)).account(readings, SLOT.start(), SLOT.end());
    AccountAllocation a =
        Allocation.allocate(
                terms,
                List.of(new TradeFill(1, BUYER, 6, boughtWh, price, 3_000)),
                Map.of(BUYER, m))
            .accounts()
            .get(0);
    List<AllocatedLine> lines = new ArrayList<>(a.lines());
    lines.add(
        new AllocatedLine(
            LineKind.FLEXIBILITY_DELIVERY,
            77,
            deliveredWh,
            flexPrice,
            Rounding.energyAmount(deliveredWh, flexPrice)));
    return Statements.of(
        terms,
        new AccountAllocation(
            a.accountId(), a.boughtWh(), a.soldWh(), a.deliveredWh(), a.metered(), lines),
        ExchangeRate.fiat("EUR", 1_700_000, "config", Instant.parse("2026-11-25T10:20:00Z")),
        1,
        Statement.NO_PREVIOUS);
  }

  /** A flexibility credit is signed, and the gateway pays what the energy costs less the credit. */
  @Property(tries = 200)
  void aFlexibilityCreditIsSignedAndOnlyLowersThePayment(
      @ForAll @LongRange(min = 0, max = 50_000) long importWh,
      @ForAll @LongRange(min = 1, max = 50_000) long boughtWh,
      @ForAll @LongRange(min = 0, max = 90_000) long price,
      @ForAll @LongRange(min = 0, max = 10_000) long deliveredWh,
      @ForAll @LongRange(min = 0, max = 90_000) long flexPrice) {
    List<MeterSeries> own = meter(importWh, 0, 0);
    Statement plain = platformStatement(own, boughtWh, price, 40_000);
    Statement credited = withFlexibility(own, boughtWh, price, deliveredWh, flexPrice);
    PaymentDecision d =
        check.check(credited, Optional.empty(), BUYER, own, new SpendingCap(Long.MAX_VALUE, 0));
    assertThat(d.approved()).as(d.detail()).isTrue();
    assertThat(d.paySat()).isEqualTo(Math.max(0, -credited.totalSat()));
    assertThat(credited.totalSat()).isGreaterThanOrEqualTo(plain.totalSat());
  }

  /** A "credit" at a negative price is a debit in disguise: refused. */
  @Property(tries = 100)
  void aFlexibilityLineAtANegativePriceIsRefused(
      @ForAll @LongRange(min = 0, max = 50_000) long importWh,
      @ForAll @LongRange(min = 1, max = 10_000) long deliveredWh,
      @ForAll @LongRange(min = -90_000, max = -1) long flexPrice) {
    List<MeterSeries> own = meter(importWh, 0, 0);
    Statement s = withFlexibility(own, 1_000, 20_000, deliveredWh, flexPrice);
    PaymentDecision d =
        check.check(s, Optional.empty(), BUYER, own, new SpendingCap(Long.MAX_VALUE, 0));
    assertThat(d.approved()).isFalse();
    assertThat(d.reason()).isEqualTo(RefusalReason.INCONSISTENT_STATEMENT);
  }
}
