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
import io.peerwatt.protocol.statement.SlotMetering;
import io.peerwatt.protocol.statement.SpendingCap;
import io.peerwatt.protocol.statement.Statement;
import io.peerwatt.protocol.statement.StatementCodec;
import io.peerwatt.protocol.statement.StatementLine;
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
import org.junit.jupiter.api.Test;

class PaymentCheckTest {
  static final DeliverySlot SLOT = DeliverySlot.parse("2026-11-25T10:00Z/PT15M");
  static final SlotTerms TERMS =
      new SlotTerms("DE-TEST-1", SLOT, "EUR", PriceUnit.MILLI_CT_PER_KWH, 40_000);
  static final ExchangeRate RATE =
      ExchangeRate.fiat("EUR", 2_500_000, "config", Instant.parse("2026-11-25T10:20:00Z"));
  static final long BUYER = 2;
  static final List<TradeFill> TRADES = List.of(new TradeFill(41, BUYER, 1, 500, 20_000, 4_000));
  static final SpendingCap ROOMY = new SpendingCap(10_000_000, 0);
  final PaymentCheck check = new PaymentCheck();

  /** The buyer's gateway (device 22) signed readings showing {@code importWh} in the slot. */
  static List<MeterSeries> own(long importWh) {
    return List.of(
        new MeterSeries(
            22,
            0,
            List.of(
                reading(22, 1, SLOT.start(), 1_000, 0),
                reading(22, 2, SLOT.end(), 1_000 + importWh, 0))));
  }

  /** The statement the platform computes from {@code readings}. */
  static Statement statement(List<MeterSeries> readings) {
    MeteredEnergy m =
        new SlotMetering(Duration.ofMinutes(5)).account(readings, SLOT.start(), SLOT.end());
    return Statements.of(
        TERMS,
        Allocation.allocate(TERMS, TRADES, Map.of(BUYER, m)).accounts().get(1),
        RATE,
        1,
        Statement.NO_PREVIOUS);
  }

  @Test
  void signsAnHonestStatement() {
    Statement s = statement(own(620));
    PaymentDecision d = check.check(s, Optional.empty(), BUYER, own(620), ROOMY);
    assertThat(d.approved()).isTrue();
    assertThat(d.paySat()).isEqualTo(-s.totalSat()).isPositive();
  }

  @Test
  void refusesToPayForEnergyTheMeterDidNotImport() {
    // the platform claims 900 Wh imported (with readings the gateway never signed); the meter
    // counted 620
    Statement inflated = statement(own(900));
    PaymentDecision d = check.check(inflated, Optional.empty(), BUYER, own(620), ROOMY);
    assertThat(d.approved()).isFalse();
    assertThat(d.reason()).isEqualTo(RefusalReason.READING_NOT_SIGNED_BY_GATEWAY);
    // same claim with the gateway's own hashes but a larger import figure: arithmetic and metering
    // checks
    Statement honest = statement(own(620));
    Statement claimsMore =
        new Statement(
            honest.accountId(),
            honest.zoneCode(),
            honest.slot(),
            1,
            Statement.NO_PREVIOUS,
            honest.currency(),
            honest.priceUnit(),
            honest.rate(),
            honest.boughtWh(),
            0,
            0,
            900,
            0,
            false,
            false,
            statement(own(900)).lines(),
            statement(own(900)).totalAmount(),
            statement(own(900)).totalSat(),
            honest.readings());
    PaymentDecision d2 = check.check(claimsMore, Optional.empty(), BUYER, own(620), ROOMY);
    assertThat(d2.reason()).isEqualTo(RefusalReason.CHARGES_UNIMPORTED_ENERGY);
    assertThat(RefusalReason.CHARGES_UNIMPORTED_ENERGY.code()).isEqualTo(606);
  }

  @Test
  void refusesABoughtQuantityItDidNotImportWhileItsDataIsMissingOnThePlatform() {
    // the platform has no readings: the buyer is charged the full 500 Wh with no under-import
    // credit
    Statement noData = statement(List.of());
    PaymentDecision d = check.check(noData, Optional.empty(), BUYER, own(300), ROOMY);
    assertThat(d.reason()).isEqualTo(RefusalReason.CHARGES_UNIMPORTED_ENERGY);
    assertThat(check.check(noData, Optional.empty(), BUYER, own(500), ROOMY).approved()).isTrue();
  }

  @Test
  void aShortSellerSignsItsShortfallOnlyOnItsOwnExport() {
    SlotTerms terms = TERMS;
    List<TradeFill> sale = List.of(new TradeFill(50, 9, BUYER, 800, 20_000, 4_000));
    List<MeterSeries> exported =
        List.of(
            new MeterSeries(
                22,
                0,
                List.of(
                    reading(22, 1, SLOT.start(), 1_000, 3_000),
                    reading(22, 2, SLOT.end(), 1_000, 3_500))));
    MeteredEnergy honest =
        new SlotMetering(Duration.ofMinutes(5)).account(exported, SLOT.start(), SLOT.end());
    Statement fair =
        Statements.of(
            terms,
            Allocation.allocate(terms, sale, Map.of(BUYER, honest)).accounts().get(0),
            RATE,
            1,
            Statement.NO_PREVIOUS);
    assertThat(fair.totalSat())
        .isNegative(); // 300 Wh short at 40 ct outweighs 500 Wh sold at 20 ct
    assertThat(check.check(fair, Optional.empty(), BUYER, exported, ROOMY).approved()).isTrue();
    MeteredEnergy undercounted = new MeteredEnergy(0, 200, false, false, honest.readingsUsed());
    Statement unfair =
        Statements.of(
            terms,
            Allocation.allocate(terms, sale, Map.of(BUYER, undercounted)).accounts().get(0),
            RATE,
            1,
            Statement.NO_PREVIOUS);
    PaymentDecision d = check.check(unfair, Optional.empty(), BUYER, exported, ROOMY);
    assertThat(d.reason()).isEqualTo(RefusalReason.UNDERCOUNTS_EXPORT);
  }

  @Test
  void refusesWithoutOwnReadings() {
    Statement s = statement(own(620));
    List<MeterSeries> onlyStart =
        List.of(new MeterSeries(22, 0, List.of(reading(22, 1, SLOT.start(), 1_000, 0))));
    assertThat(check.check(s, Optional.empty(), BUYER, onlyStart, ROOMY).reason())
        .isEqualTo(RefusalReason.NO_OWN_READINGS);
  }

  @Test
  void refusesAboveTheSpendingCap() {
    Statement s = statement(own(620));
    long pay = -s.totalSat();
    assertThat(
            check.check(s, Optional.empty(), BUYER, own(620), new SpendingCap(pay, 0)).approved())
        .isTrue();
    PaymentDecision d = check.check(s, Optional.empty(), BUYER, own(620), new SpendingCap(pay, 1));
    assertThat(d.reason()).isEqualTo(RefusalReason.EXCEEDS_SPENDING_CAP);
  }

  @Test
  void refusesDoctoredArithmeticForeignDevicesAndOtherAccounts() {
    Statement s = statement(own(620));
    List<StatementLine> lines = new ArrayList<>(s.lines());
    StatementLine first = lines.get(0);
    lines.set(
        0,
        new StatementLine(
            first.kind(),
            first.tradeId(),
            first.quantityWh(),
            first.pricePerKwh(),
            first.amount() - 1,
            first.amountSat()));
    Statement doctored =
        new Statement(
            s.accountId(),
            s.zoneCode(),
            s.slot(),
            1,
            Statement.NO_PREVIOUS,
            s.currency(),
            s.priceUnit(),
            s.rate(),
            s.boughtWh(),
            0,
            0,
            s.importWh(),
            0,
            false,
            false,
            lines,
            s.totalAmount() - 1,
            s.totalSat(),
            s.readings());
    assertThat(check.check(doctored, Optional.empty(), BUYER, own(620), ROOMY).reason())
        .isEqualTo(RefusalReason.INCONSISTENT_STATEMENT);
    List<MeterSeries> otherDevice =
        List.of(
            new MeterSeries(
                23,
                0,
                List.of(reading(23, 1, SLOT.start(), 0, 0), reading(23, 2, SLOT.end(), 620, 0))));
    assertThat(check.check(s, Optional.empty(), BUYER, otherDevice, ROOMY).reason())
        .isEqualTo(RefusalReason.UNKNOWN_DEVICE);
    assertThat(check.check(s, Optional.empty(), 99, own(620), ROOMY).reason())
        .isEqualTo(RefusalReason.NOT_FOR_THIS_ACCOUNT);
  }

  /** The buyer's honest statement with {@code data} lines added, as settlement adds them. */
  static Statement withDataLines(AllocatedLine... data) {
    MeteredEnergy m =
        new SlotMetering(Duration.ofMinutes(5)).account(own(620), SLOT.start(), SLOT.end());
    AccountAllocation a = Allocation.allocate(TERMS, TRADES, Map.of(BUYER, m)).accounts().get(1);
    List<AllocatedLine> lines = new ArrayList<>(a.lines());
    lines.addAll(List.of(data));
    return Statements.of(
        TERMS,
        new AccountAllocation(
            a.accountId(), a.boughtWh(), a.soldWh(), a.deliveredWh(), a.metered(), lines),
        RATE,
        1,
        Statement.NO_PREVIOUS);
  }

  @Test
  void signsDataSoldLessItsFeeButNeverMoreFeeThanSaleNorAPurchaseOfData() {
    Statement sold =
        withDataLines(
            new AllocatedLine(LineKind.DATA_SALE, 7, 0, 0, 1_500),
            new AllocatedLine(LineKind.DATA_PLATFORM_FEE, 7, 0, 0, -150));
    PaymentDecision d = check.check(sold, Optional.empty(), BUYER, own(620), ROOMY);
    assertThat(d.approved()).isTrue();
    assertThat(d.paySat()).isEqualTo(-sold.totalSat());
    assertThat(d.paySat()).isLessThan(-statement(own(620)).totalSat());

    for (Statement refused :
        List.of(
            withDataLines(
                new AllocatedLine(LineKind.DATA_SALE, 7, 0, 0, 100),
                new AllocatedLine(LineKind.DATA_PLATFORM_FEE, 7, 0, 0, -150)),
            withDataLines(new AllocatedLine(LineKind.DATA_PURCHASE, 7, 0, 0, -1_500)),
            withDataLines(new AllocatedLine(LineKind.DATA_SALE, 7, 1_000, 1_500, 1_500)))) {
      assertThat(check.check(refused, Optional.empty(), BUYER, own(620), ROOMY).reason())
          .isEqualTo(RefusalReason.INCONSISTENT_STATEMENT);
    }
  }

  @Test
  void aNewVersionPaysOnlyTheDifferenceAndMustChainToThePaidOne() {
    Statement v1 = statement(List.of()); // no data yet: full 500 Wh charged, nothing credited
    List<MeterSeries> late = own(450);
    Statement v2 = statement(late).asVersion(2, StatementCodec.hashHex(v1));
    PaymentDecision d = check.check(v2, Optional.of(v1), BUYER, late, ROOMY);
    assertThat(d.approved()).isTrue();
    assertThat(d.paySat()).isZero(); // v2 credits 50 Wh under-import: nothing more to pay
    Statement unchained = statement(late).asVersion(2, "ab".repeat(32));
    assertThat(check.check(unchained, Optional.of(v1), BUYER, late, ROOMY).reason())
        .isEqualTo(RefusalReason.NOT_FOR_THIS_ACCOUNT);
  }
}
