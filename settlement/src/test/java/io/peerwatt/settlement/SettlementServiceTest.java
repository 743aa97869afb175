package io.peerwatt.settlement;

import static io.peerwatt.settlement.allocation.Readings.reading;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.PriceUnit;
import io.peerwatt.protocol.statement.AcceptedReading;
import io.peerwatt.protocol.statement.LineKind;
import io.peerwatt.protocol.statement.MeteredEnergy;
import io.peerwatt.protocol.statement.Rounding;
import io.peerwatt.protocol.statement.Statement;
import io.peerwatt.protocol.statement.StatementCodec;
import io.peerwatt.settlement.allocation.AllocatedLine;
import io.peerwatt.settlement.allocation.SlotTerms;
import io.peerwatt.settlement.allocation.TradeFill;
import io.peerwatt.settlement.statement.FixedRateSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class SettlementServiceTest {
  static final DeliverySlot SLOT = DeliverySlot.parse("2026-11-25T10:00Z/PT15M");
  static final SlotKey KEY = new SlotKey("DE-TEST-1", SLOT);
  static final SlotTerms TERMS =
      new SlotTerms("DE-TEST-1", SLOT, "EUR", PriceUnit.MILLI_CT_PER_KWH, 40_000);
  static final long SELLER = 1;
  static final long BUYER = 2;
  static final long SELLER_DEVICE = 11;
  static final long BUYER_DEVICE = 22;
  static final Instant SLOT_END = SLOT.end();

  final FakeInputs inputs = new FakeInputs();
  final InMemoryStatementStore store = new InMemoryStatementStore();
  final RecordingPaymentPort port = new RecordingPaymentPort();
  final SettlementService service = service(inputs, store, port);

  static SettlementService service(
      FakeInputs inputs, InMemoryStatementStore store, RecordingPaymentPort port) {
    return new SettlementService(
        inputs,
        store,
        new FixedRateSource(Map.of("EUR", 2_500_000L)),
        port,
        new SettlementPolicy(
            Duration.ofMinutes(5), Duration.ofHours(2), Map.of(), Duration.ofMinutes(5)));
  }

  FakeInputs market(FakeInputs in) {
    in.terms.put(KEY, TERMS);
    in.trades.put(KEY, List.of(new TradeFill(7, BUYER, SELLER, 1_000, 22_000, 5_000)));
    in.devices.put(SELLER, List.of(SELLER_DEVICE));
    in.devices.put(BUYER, List.of(BUYER_DEVICE));
    return in;
  }

  static List<AcceptedReading> sellerReadings() {
    return List.of(
        reading(SELLER_DEVICE, 1, SLOT.start().minusSeconds(20), 0, 5_000),
        reading(SELLER_DEVICE, 2, SLOT.start().plusSeconds(40), 0, 5_050),
        reading(SELLER_DEVICE, 3, SLOT_END.plusSeconds(10), 0, 5_900));
  }

  static List<AcceptedReading> buyerReadings() {
    return List.of(
        reading(BUYER_DEVICE, 1, SLOT.start(), 300, 0),
        reading(BUYER_DEVICE, 2, SLOT_END, 1_250, 0));
  }

  @Test
  void settlesOnceTheGraceWindowHasPassedAndPaysBothWays() {
    market(inputs);
    sellerReadings().forEach(inputs::add);
    buyerReadings().forEach(inputs::add);
    assertThat(service.settleDueSlots(SLOT_END.plus(Duration.ofMinutes(4)))).isEmpty();
    List<SlotSettlement> done = service.settleDueSlots(SLOT_END.plus(Duration.ofMinutes(5)));
    assertThat(done).containsExactly(new SlotSettlement(KEY, SlotSettlement.Outcome.SETTLED, 2, 2));
    Statement seller = store.latestStatements(KEY).get(SELLER);
    Statement buyer = store.latestStatements(KEY).get(BUYER);
    assertThat(seller.version()).isEqualTo(1);
    assertThat(seller.lines())
        .extracting(l -> l.kind())
        .containsExactly(LineKind.ENERGY_SALE, LineKind.SELLER_SHORTFALL);
    assertThat(seller.deliveredWh()).isLessThan(1_000).isPositive();
    assertThat(buyer.lines())
        .extracting(l -> l.kind())
        .containsExactly(LineKind.ENERGY_PURCHASE, LineKind.GRID_FEE, LineKind.BUYER_UNDER_IMPORT);
    assertThat(port.sent)
        .extracting(SettlementPayment::amountSat)
        .containsExactlyInAnyOrder(seller.totalSat(), buyer.totalSat());
    assertThat(store.pendingPayments(10)).isEmpty();
    assertThat(service.settleDueSlots(SLOT_END.plus(Duration.ofMinutes(6))))
        .containsExactly(new SlotSettlement(KEY, SlotSettlement.Outcome.UNCHANGED, 0, 0));
  }

  /**
   * Issue 15: home2 of a demo, a buyer, was paid 29,400 sat over its hub -> prosumer channel. It
   * had bought 150 Wh at 6.4 ct/kWh plus a 1 ct/kWh grid fee and imported 64 Wh; the 86 Wh it did
   * not take were credited at the zone's imbalance price, 30 ct/kWh, four times what it had paid
   * for them, so its statement came out a credit of 1,470 milli-cent: 29,400 sat at 2,000,000
   * sat/EUR.
   */
  @Test
  void aBuyerThatImportedLessThanItBoughtIsNeverPaid() {
    SlotKey key = new SlotKey("DEMO-1", SLOT);
    inputs.terms.put(key, new SlotTerms("DEMO-1", SLOT, "EUR", PriceUnit.MILLI_CT_PER_KWH, 30_000));
    inputs.trades.put(key, List.of(new TradeFill(3, BUYER, SELLER, 150, 6_400, 1_000)));
    inputs.devices.put(SELLER, List.of(SELLER_DEVICE));
    inputs.devices.put(BUYER, List.of(BUYER_DEVICE));
    inputs.add(reading(SELLER_DEVICE, 1, SLOT.start(), 0, 2_000));
    inputs.add(reading(SELLER_DEVICE, 2, SLOT_END, 0, 2_150));
    inputs.add(reading(BUYER_DEVICE, 1, SLOT.start(), 7_000, 0));
    inputs.add(reading(BUYER_DEVICE, 2, SLOT_END, 7_064, 0));
    SettlementService demo =
        new SettlementService(
            inputs,
            store,
            new FixedRateSource(Map.of("EUR", 2_000_000L)),
            port,
            new SettlementPolicy(
                Duration.ofMinutes(5), Duration.ofHours(2), Map.of(), Duration.ofMinutes(5)));

    demo.settleDueSlots(SLOT_END.plus(Duration.ofMinutes(5)));

    Statement buyer = store.latestStatements(key).get(BUYER);
    assertThat(buyer.lines())
        .filteredOn(l -> l.kind() == LineKind.BUYER_UNDER_IMPORT)
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.quantityWh()).isEqualTo(86);
              assertThat(l.pricePerKwh()).isEqualTo(6_400);
            });
    assertThat(buyer.totalSat()).isEqualTo(-(960 + 150 - 550) * 20L);
    assertThat(port.sent)
        .filteredOn(p -> p.accountId() == BUYER)
        .singleElement()
        .satisfies(p -> assertThat(p.amountSat()).isNegative());
  }

  @Test
  void lateDataMakesANewVersionPaidByTheDifferenceAndEndsWhereOneShotWould() {
    market(inputs);
    buyerReadings().forEach(inputs::add);
    inputs.add(sellerReadings().get(0));
    service.settleDueSlots(SLOT_END.plus(Duration.ofMinutes(5)));
    Statement v1 = store.latestStatements(KEY).get(SELLER);
    assertThat(v1.missing()).isTrue();
    assertThat(v1.deliveredWh()).isZero();

    sellerReadings().subList(1, 3).forEach(inputs::add);
    List<SlotSettlement> again = service.settleDueSlots(SLOT_END.plus(Duration.ofMinutes(30)));
    assertThat(again)
        .containsExactly(new SlotSettlement(KEY, SlotSettlement.Outcome.RESETTLED, 1, 1));
    Statement v2 = store.latestStatements(KEY).get(SELLER);
    assertThat(v2.version()).isEqualTo(2);
    assertThat(v2.previousHashHex()).isEqualTo(StatementCodec.hashHex(v1));
    assertThat(store.versions(SELLER, KEY)).containsExactly(v1, v2);
    assertThat(port.sent.get(port.sent.size() - 1).amountSat())
        .isEqualTo(v2.totalSat() - v1.totalSat());

    FakeInputs all = market(new FakeInputs());
    sellerReadings().forEach(all::add);
    buyerReadings().forEach(all::add);
    InMemoryStatementStore oneShotStore = new InMemoryStatementStore();
    service(all, oneShotStore, new RecordingPaymentPort())
        .settleDueSlots(SLOT_END.plus(Duration.ofMinutes(5)));
    assertThat(v2.sameContentAs(oneShotStore.latestStatements(KEY).get(SELLER))).isTrue();
    long paidToSeller =
        port.sent.stream()
            .filter(p -> p.accountId() == SELLER)
            .mapToLong(SettlementPayment::amountSat)
            .sum();
    assertThat(paidToSeller).isEqualTo(oneShotStore.latestStatements(KEY).get(SELLER).totalSat());
  }

  @Test
  void dataArrivingAfterTheWindowChangesNothing() {
    market(inputs);
    buyerReadings().forEach(inputs::add);
    service.settleDueSlots(SLOT_END.plus(Duration.ofMinutes(5)));
    sellerReadings().forEach(inputs::add);
    assertThat(service.settleDueSlots(SLOT_END.plus(Duration.ofHours(2)).plusSeconds(1))).isEmpty();
    assertThat(store.versions(SELLER, KEY)).hasSize(1);
  }

  @Test
  void waitsForARateAndKeepsPaymentsPendingWhileTheChannelsFail() {
    market(inputs);
    inputs.terms.put(
        KEY, new SlotTerms("DE-TEST-1", SLOT, "CHF", PriceUnit.MILLI_CT_PER_KWH, 40_000));
    assertThat(service.settleDueSlots(SLOT_END.plus(Duration.ofMinutes(5))))
        .containsExactly(new SlotSettlement(KEY, SlotSettlement.Outcome.WAITING_FOR_RATE, 0, 0));
    assertThat(store.statements).isEmpty();

    inputs.terms.put(KEY, TERMS);
    port.answer =
        p -> {
          throw new IllegalStateException("channels down");
        };
    service.settleDueSlots(SLOT_END.plus(Duration.ofMinutes(6)));
    assertThat(store.pendingPayments(10)).hasSize(2);
    port.answer =
        p -> p.accountId() == BUYER ? PaymentOutcome.refused(607, "cap") : PaymentOutcome.paid();
    assertThat(service.dispatchPayments(SLOT_END.plus(Duration.ofMinutes(7)))).isEqualTo(1);
    assertThat(store.payments(BUYER, KEY))
        .extracting(r -> r.outcome().status())
        .containsExactly(PaymentStatus.REFUSED);
    assertThat(store.payments(SELLER, KEY))
        .extracting(r -> r.outcome().status())
        .containsExactly(PaymentStatus.PAID);
  }

  @Test
  void aPendingPaymentHoldsBackTheAccountsLaterOnesInTheSameDirection() {
    market(inputs);
    DeliverySlot next = SLOT.next();
    SlotKey nextKey = new SlotKey("DE-TEST-1", next);
    inputs.terms.put(
        nextKey, new SlotTerms("DE-TEST-1", next, "EUR", PriceUnit.MILLI_CT_PER_KWH, 40_000));
    inputs.trades.put(nextKey, List.of(new TradeFill(8, BUYER, SELLER, 500, 22_000, 5_000)));
    sellerReadings().forEach(inputs::add);
    buyerReadings().forEach(inputs::add);
    inputs.add(reading(SELLER_DEVICE, 4, next.end(), 0, 6_500));
    inputs.add(reading(BUYER_DEVICE, 3, next.end(), 1_700, 0));
    port.answer =
        p ->
            p.accountId() == SELLER && p.statement().slot().equals(SLOT)
                ? PaymentOutcome.pending("seller's gateway offline")
                : PaymentOutcome.paid();
    service.settleDueSlots(next.end().plus(Duration.ofMinutes(5)));
    // the seller's payment for the next slot waits behind its pending one; the buyer's both go out
    assertThat(port.sent)
        .extracting(p -> p.accountId() + "@" + p.statement().slot())
        .containsExactly(SELLER + "@" + SLOT, BUYER + "@" + SLOT, BUYER + "@" + next);
    port.answer = p -> PaymentOutcome.paid();
    port.sent.clear();
    assertThat(service.dispatchPayments(next.end().plus(Duration.ofMinutes(6)))).isEqualTo(2);
    assertThat(port.sent).extracting(p -> p.statement().slot()).containsExactly(SLOT, next);
  }

  @Test
  void aDebtWaitingForItsChannelDoesNotStopTheAccountsReceipts() {
    market(inputs);
    buyerReadings().forEach(inputs::add);
    inputs.add(sellerReadings().get(0));
    // no data from the seller yet: it owes the shortfall, and has no prosumer -> hub channel
    port.answer =
        p ->
            p.amountSat() < 0 && p.accountId() == SELLER
                ? PaymentOutcome.pending("no prosumer -> hub channel")
                : PaymentOutcome.paid();
    service.settleDueSlots(SLOT_END.plus(Duration.ofMinutes(5)));
    assertThat(store.payments(SELLER, KEY).get(0).payment().amountSat()).isNegative();
    sellerReadings().subList(1, 3).forEach(inputs::add);
    port.sent.clear();
    service.settleDueSlots(SLOT_END.plus(Duration.ofMinutes(10)));
    assertThat(port.sent)
        .extracting(p -> p.statement().version() + ":" + Long.signum(p.amountSat()))
        .containsExactly("1:-1", "2:1");
    assertThat(store.payments(SELLER, KEY))
        .extracting(r -> r.outcome().status())
        .containsExactly(PaymentStatus.PENDING, PaymentStatus.PAID);
  }

  /**
   * Whatever readings arrive late and in how many passes, every account ends up paid exactly the
   * satoshi total of a one-shot settlement with all the data, and its last version says the same.
   */
  @Property(tries = 60)
  void resettlementConvergesToOneShot(
      @ForAll @Size(min = 1, max = 5) List<@LongRange(min = 1, max = 3_000) Long> quantities,
      @ForAll @Size(min = 8, max = 8) List<@LongRange(min = 0, max = 2_000) Long> stepsWh,
      @ForAll @Size(min = 8, max = 8) List<@IntRange(min = 0, max = 2) Integer> arrivalPass) {
    FakeInputs late = new FakeInputs();
    FakeInputs all = new FakeInputs();
    List<TradeFill> trades = new ArrayList<>();
    for (int i = 0; i < quantities.size(); i++) {
      long buyer = 10 + (i % 2);
      long seller = 20 + (i % 3);
      trades.add(
          new TradeFill(i + 1, buyer, seller, quantities.get(i), 18_000 + 1_000L * i, 4_000));
    }
    for (FakeInputs in : List.of(late, all)) {
      in.terms.put(KEY, TERMS);
      in.trades.put(KEY, trades);
      for (long account : List.of(10L, 11L, 20L, 21L, 22L)) {
        in.devices.put(account, List.of(account * 100));
      }
    }
    // two readings per device around each boundary; which pass each arrives in is random
    List<List<AcceptedReading>> arrivals =
        List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    int k = 0;
    for (long account : List.of(10L, 11L, 20L, 21L, 22L)) {
      long device = account * 100;
      long step = stepsWh.get(k % 8);
      List<AcceptedReading> rs =
          List.of(
              reading(device, 1, SLOT.start().minusSeconds(7), 1_000, 2_000),
              reading(
                  device,
                  2,
                  SLOT_END.plusSeconds(13),
                  1_000 + step,
                  2_000 + stepsWh.get((k + 3) % 8)));
      for (int j = 0; j < rs.size(); j++) {
        arrivals.get(arrivalPass.get((k + j) % 8)).add(rs.get(j));
        all.add(rs.get(j));
      }
      k++;
    }
    InMemoryStatementStore lateStore = new InMemoryStatementStore();
    RecordingPaymentPort latePort = new RecordingPaymentPort();
    SettlementService lateService = service(late, lateStore, latePort);
    for (int pass = 0; pass < 3; pass++) {
      arrivals.get(pass).forEach(late::add);
      lateService.settleDueSlots(SLOT_END.plus(Duration.ofMinutes(5 + 10L * pass)));
    }
    InMemoryStatementStore oneShot = new InMemoryStatementStore();
    service(all, oneShot, new RecordingPaymentPort())
        .settleDueSlots(SLOT_END.plus(Duration.ofMinutes(5)));
    Map<Long, Statement> expected = oneShot.latestStatements(KEY);
    Map<Long, Statement> actual = lateStore.latestStatements(KEY);
    assertThat(actual.keySet()).isEqualTo(expected.keySet());
    for (Map.Entry<Long, Statement> e : expected.entrySet()) {
      assertThat(actual.get(e.getKey()).sameContentAs(e.getValue())).isTrue();
      long paid =
          latePort.sent.stream()
              .filter(p -> p.accountId() == e.getKey())
              .mapToLong(SettlementPayment::amountSat)
              .sum();
      assertThat(paid).isEqualTo(e.getValue().totalSat());
    }
  }

  /** A service that books one line for one account in one slot, priced on the account's import. */
  record ImportLine(SlotKey key, long accountId, LineKind kind, long reference, long price)
      implements ServiceLines {
    @Override
    public List<SlotKey> slots(Instant endFrom, Instant endTo) {
      Instant end = key.slot().end();
      return end.isBefore(endFrom) || end.isAfter(endTo) ? List.of() : List.of(key);
    }

    @Override
    public Map<Long, List<AllocatedLine>> lines(
        SlotKey slot, SlotTerms terms, LongFunction<MeteredEnergy> metered) {
      if (!slot.equals(key)) {
        return Map.of();
      }
      long wh = metered.apply(accountId).importWh();
      return Map.of(
          accountId,
          List.of(
              new AllocatedLine(
                  kind, reference, wh, price, kind.sign() * Rounding.energyAmount(wh, price))));
    }
  }

  @Test
  void aSlotWithServiceLinesOnlyIsSettledAndPaid() {
    inputs.terms.put(KEY, TERMS);
    inputs.devices.put(BUYER, List.of(BUYER_DEVICE));
    buyerReadings().forEach(inputs::add);
    SettlementService withFlexibility =
        new SettlementService(
            inputs,
            store,
            new FixedRateSource(Map.of("EUR", 2_500_000L)),
            port,
            new SettlementPolicy(
                Duration.ofMinutes(5), Duration.ofHours(2), Map.of(), Duration.ofMinutes(5)),
            Runnable::run,
            List.of(new ImportLine(KEY, BUYER, LineKind.FLEXIBILITY_DELIVERY, 41, 20_000)));

    List<SlotSettlement> done =
        withFlexibility.settleDueSlots(SLOT_END.plus(Duration.ofMinutes(5)));

    assertThat(done).containsExactly(new SlotSettlement(KEY, SlotSettlement.Outcome.SETTLED, 1, 1));
    Statement buyer = store.latestStatements(KEY).get(BUYER);
    assertThat(buyer.importWh()).isEqualTo(950);
    assertThat(buyer.boughtWh()).isZero();
    assertThat(buyer.lines())
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.kind()).isEqualTo(LineKind.FLEXIBILITY_DELIVERY);
              assertThat(l.tradeId()).isEqualTo(41);
              assertThat(l.amount()).isEqualTo(19_000);
            });
    assertThat(port.sent).singleElement().satisfies(p -> assertThat(p.amountSat()).isPositive());
    assertThat(withFlexibility.settleDueSlots(SLOT_END.plus(Duration.ofMinutes(6))))
        .containsExactly(new SlotSettlement(KEY, SlotSettlement.Outcome.UNCHANGED, 0, 0));
  }

  @Test
  void serviceLinesJoinATradersStatementAfterItsEnergyLines() {
    market(inputs);
    sellerReadings().forEach(inputs::add);
    buyerReadings().forEach(inputs::add);
    SettlementService withData =
        new SettlementService(
            inputs,
            store,
            new FixedRateSource(Map.of("EUR", 2_500_000L)),
            port,
            new SettlementPolicy(
                Duration.ofMinutes(5), Duration.ofHours(2), Map.of(), Duration.ofMinutes(5)),
            Runnable::run,
            List.of(new ImportLine(KEY, BUYER, LineKind.DATA_PLATFORM_FEE, 3, 1_000)));

    withData.settleDueSlots(SLOT_END.plus(Duration.ofMinutes(5)));

    Statement buyer = store.latestStatements(KEY).get(BUYER);
    assertThat(buyer.lines())
        .extracting(l -> l.kind())
        .containsExactly(
            LineKind.ENERGY_PURCHASE,
            LineKind.GRID_FEE,
            LineKind.BUYER_UNDER_IMPORT,
            LineKind.DATA_PLATFORM_FEE);
    assertThat(buyer.totalAmount())
        .isEqualTo(buyer.lines().stream().mapToLong(l -> l.amount()).sum());
    assertThat(port.sent)
        .filteredOn(p -> p.accountId() == BUYER)
        .singleElement()
        .satisfies(p -> assertThat(p.amountSat()).isEqualTo(buyer.totalSat()));
  }
}
