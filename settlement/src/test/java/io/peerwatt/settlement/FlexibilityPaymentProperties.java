package io.peerwatt.settlement;

import static io.peerwatt.settlement.allocation.Readings.reading;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.PriceUnit;
import io.peerwatt.protocol.flex.FlexDelivery;
import io.peerwatt.protocol.statement.LineKind;
import io.peerwatt.protocol.statement.MeteredEnergy;
import io.peerwatt.protocol.statement.Rounding;
import io.peerwatt.protocol.statement.Statement;
import io.peerwatt.protocol.statement.StatementLine;
import io.peerwatt.settlement.allocation.AllocatedLine;
import io.peerwatt.settlement.allocation.SlotTerms;
import io.peerwatt.settlement.allocation.TradeFill;
import io.peerwatt.settlement.flex.Acceptance;
import io.peerwatt.settlement.flex.FlexDeliveries;
import io.peerwatt.settlement.flex.FlexibilityLines;
import io.peerwatt.settlement.flex.SlotDelivery;
import io.peerwatt.settlement.statement.FixedRateSource;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.LongFunction;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/**
 * Delivered flexibility on the statements as properties: never more than accepted nor than the
 * meter shows reduced, each line exact by the one rounding rule, and statements, their lines and
 * the payments equal to the satoshi, also when late readings re-settle the slot.
 */
class FlexibilityPaymentProperties {
  static final DeliverySlot SLOT = DeliverySlot.parse("2026-11-25T17:00Z/PT15M");
  static final SlotKey KEY = new SlotKey("DE-FLEX-P", SLOT);
  static final SlotTerms TERMS =
      new SlotTerms("DE-FLEX-P", SLOT, "EUR", PriceUnit.MILLI_CT_PER_KWH, 40_000);
  static final long HOUSEHOLD = 10;
  static final long NEIGHBOUR = 11;
  static final long SELLER = 20;

  /** Acceptances alternating between the household and its neighbour, ids from 1. */
  static List<Acceptance> acceptances(List<Long> watts, long price) {
    List<Acceptance> out = new ArrayList<>();
    for (int i = 0; i < watts.size(); i++) {
      out.add(
          new Acceptance(
              i + 1,
              1,
              "event-1",
              KEY.zoneCode(),
              100 + i,
              i % 2 == 0 ? HOUSEHOLD : NEIGHBOUR,
              "REDUCE_IMPORT",
              watts.get(i),
              price,
              SLOT.start(),
              SLOT.end()));
    }
    return out;
  }

  @Property(tries = 500)
  void neverPaysMoreThanAcceptedNorThanDeliveredAndEachLineIsExact(
      @ForAll @Size(min = 1, max = 5) List<@LongRange(min = 1, max = 20_000) Long> watts,
      @ForAll @LongRange(min = 0, max = 10_000) long householdBaseline,
      @ForAll @LongRange(min = 0, max = 10_000) long householdMetered,
      @ForAll @LongRange(min = 0, max = 10_000) long neighbourBaseline,
      @ForAll @LongRange(min = 0, max = 10_000) long neighbourMetered,
      @ForAll boolean neighbourMissing,
      @ForAll @LongRange(min = 0, max = 1_000_000) long price) {
    Map<Long, Long> baseline = Map.of(HOUSEHOLD, householdBaseline, NEIGHBOUR, neighbourBaseline);
    LongFunction<MeteredEnergy> metered =
        account ->
            account == HOUSEHOLD
                ? new MeteredEnergy(householdMetered, 0, false, false, List.of())
                : new MeteredEnergy(
                    neighbourMissing ? 0 : neighbourMetered, 0, false, neighbourMissing, List.of());
    List<Acceptance> acceptances = acceptances(watts, price);
    List<SlotDelivery> deliveries =
        FlexDeliveries.credit(
            SLOT.start(), acceptances, metered, a -> OptionalLong.of(baseline.get(a.accountId())));

    Map<Long, Long> credited = new TreeMap<>();
    Map<Long, Long> accepted = new TreeMap<>();
    for (int i = 0; i < deliveries.size(); i++) {
      SlotDelivery d = deliveries.get(i);
      assertThat(d.acceptanceId()).isEqualTo(acceptances.get(i).id());
      assertThat(d.deliveredWh()).isBetween(0L, FlexDelivery.acceptedWh(watts.get(i)));
      credited.merge(d.accountId(), d.deliveredWh(), Long::sum);
      accepted.merge(d.accountId(), FlexDelivery.acceptedWh(watts.get(i)), Long::sum);
      AllocatedLine line = FlexibilityLines.line(d, price);
      assertThat(line.kind()).isEqualTo(LineKind.FLEXIBILITY_DELIVERY);
      assertThat(line.amount()).isEqualTo(Rounding.energyAmount(d.deliveredWh(), price));
      // within half a unit of the exact product
      BigInteger twiceError =
          BigInteger.valueOf(line.amount())
              .multiply(BigInteger.valueOf(2_000))
              .subtract(
                  BigInteger.valueOf(d.deliveredWh()).multiply(BigInteger.valueOf(price * 2)));
      assertThat(twiceError.abs()).isLessThanOrEqualTo(BigInteger.valueOf(1_000));
    }
    // each household: what its meter shows reduced, as far as it accepted, and never more
    long householdReduction = Math.max(0, householdBaseline - householdMetered);
    assertThat(credited.get(HOUSEHOLD))
        .isEqualTo(Math.min(householdReduction, accepted.get(HOUSEHOLD)));
    if (credited.containsKey(NEIGHBOUR)) {
      long neighbourReduction =
          neighbourMissing ? 0 : Math.max(0, neighbourBaseline - neighbourMetered);
      assertThat(credited.get(NEIGHBOUR))
          .isEqualTo(Math.min(neighbourReduction, accepted.get(NEIGHBOUR)));
    }
  }

  /** The household's flexibility lines as {@link FlexibilityLines} books them, baseline given. */
  record Flexibility(List<Acceptance> acceptances, long baselineWh) implements ServiceLines {
    @Override
    public List<SlotKey> slots(Instant endFrom, Instant endTo) {
      Instant end = KEY.slot().end();
      return end.isBefore(endFrom) || end.isAfter(endTo) ? List.of() : List.of(KEY);
    }

    @Override
    public Map<Long, List<AllocatedLine>> lines(
        SlotKey key, SlotTerms terms, LongFunction<MeteredEnergy> metered) {
      Map<Long, List<AllocatedLine>> out = new TreeMap<>();
      for (SlotDelivery d :
          FlexDeliveries.credit(
              key.slot().start(), acceptances, metered, a -> OptionalLong.of(baselineWh))) {
        out.computeIfAbsent(d.accountId(), a -> new ArrayList<>())
            .add(FlexibilityLines.line(d, acceptances.get(0).pricePerKwh()));
      }
      return out;
    }
  }

  /**
   * Readings arrive over three passes; every statement version's satoshi total is the sum of its
   * lines', each account is paid exactly its last version's total, and the last version's
   * flexibility lines are those of a one-shot settlement with all the data.
   */
  @Property(tries = 60)
  void statementsLinesAndPaymentsAgreeToTheSatoshiAcrossResettlement(
      @ForAll @Size(min = 1, max = 4) List<@LongRange(min = 1, max = 8_000) Long> watts,
      @ForAll @LongRange(min = 0, max = 3_000) long baselineWh,
      @ForAll @Size(min = 2, max = 2) List<@LongRange(min = 0, max = 3_000) Long> importedWh,
      @ForAll @LongRange(min = 0, max = 90_000) long price,
      @ForAll @LongRange(min = 1, max = 2_000) long boughtWh,
      @ForAll @Size(min = 6, max = 6) List<@IntRange(min = 0, max = 2) Integer> arrivalPass) {
    List<Acceptance> acceptances = acceptances(watts, price);
    FakeInputs late = new FakeInputs();
    FakeInputs all = new FakeInputs();
    for (FakeInputs in : List.of(late, all)) {
      in.terms.put(KEY, TERMS);
      in.trades.put(KEY, List.of(new TradeFill(7, HOUSEHOLD, SELLER, boughtWh, 21_000, 3_000)));
      for (long account : List.of(HOUSEHOLD, NEIGHBOUR, SELLER)) {
        in.devices.put(account, List.of(account * 100));
      }
    }
    List<List<io.peerwatt.protocol.statement.AcceptedReading>> arrivals =
        List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    int k = 0;
    for (long account : List.of(HOUSEHOLD, NEIGHBOUR, SELLER)) {
      long device = account * 100;
      long imported = account == SELLER ? 0 : importedWh.get((int) (account - HOUSEHOLD));
      long exported = account == SELLER ? boughtWh : 0;
      var readings =
          List.of(
              reading(device, 1, SLOT.start().minusSeconds(5), 7_000, 9_000),
              reading(device, 2, SLOT.end().plusSeconds(5), 7_000 + imported, 9_000 + exported));
      for (var r : readings) {
        arrivals.get(arrivalPass.get(k++)).add(r);
        all.add(r);
      }
    }
    InMemoryStatementStore lateStore = new InMemoryStatementStore();
    RecordingPaymentPort latePort = new RecordingPaymentPort();
    SettlementService lateService = service(late, lateStore, latePort, acceptances, baselineWh);
    for (int pass = 0; pass < 3; pass++) {
      arrivals.get(pass).forEach(late::add);
      lateService.settleDueSlots(SLOT.end().plus(Duration.ofMinutes(5 + 10L * pass)));
    }
    InMemoryStatementStore oneShot = new InMemoryStatementStore();
    service(all, oneShot, new RecordingPaymentPort(), acceptances, baselineWh)
        .settleDueSlots(SLOT.end().plus(Duration.ofMinutes(5)));

    Map<Long, Statement> expected = oneShot.latestStatements(KEY);
    Map<Long, Statement> actual = lateStore.latestStatements(KEY);
    assertThat(actual.keySet()).isEqualTo(expected.keySet()).contains(HOUSEHOLD);
    for (long account : actual.keySet()) {
      for (Statement version : lateStore.versions(account, KEY)) {
        assertThat(version.totalSat())
            .isEqualTo(version.lines().stream().mapToLong(StatementLine::amountSat).sum());
      }
      assertThat(flexibilityLines(actual.get(account)))
          .isEqualTo(flexibilityLines(expected.get(account)));
      long paid =
          latePort.sent.stream()
              .filter(p -> p.accountId() == account)
              .mapToLong(SettlementPayment::amountSat)
              .sum();
      assertThat(paid).isEqualTo(actual.get(account).totalSat());
    }
  }

  private static List<StatementLine> flexibilityLines(Statement s) {
    return s.lines().stream().filter(l -> l.kind() == LineKind.FLEXIBILITY_DELIVERY).toList();
  }

  private static SettlementService service(
      FakeInputs inputs,
      InMemoryStatementStore store,
      RecordingPaymentPort port,
      List<Acceptance> acceptances,
      long baselineWh) {
    return new SettlementService(
        inputs,
        store,
        new FixedRateSource(Map.of("EUR", 2_500_000L)),
        port,
        new SettlementPolicy(
            Duration.ofMinutes(5), Duration.ofHours(2), Map.of(), Duration.ofMinutes(5)),
        Runnable::run,
        List.of(new Flexibility(acceptances, baselineWh)));
  }
}
