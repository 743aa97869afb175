package io.peerwatt.settlement.allocation;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.PriceUnit;
import io.peerwatt.protocol.statement.LineKind;
import io.peerwatt.protocol.statement.MeteredEnergy;
import io.peerwatt.protocol.statement.Rounding;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

class AllocationPropertiesTest {
  static final DeliverySlot SLOT = DeliverySlot.parse("2026-11-25T10:00Z/PT15M");

  /** A random slot: up to 6 accounts, up to 12 trades, random meters (some missing). */
  record Scenario(List<TradeFill> trades, Map<Long, MeteredEnergy> metered) {}

  @Provide
  Arbitrary<Scenario> scenarios() {
    Arbitrary<TradeFill> trade =
        Combinators.combine(
                Arbitraries.longs().between(1, 6),
                Arbitraries.longs().between(1, 6),
                Arbitraries.longs().between(1, 20_000),
                Arbitraries.longs().between(-5_000, 60_000),
                Arbitraries.longs().between(0, 9_000))
            .as(
                (buyer, seller, qty, price, fee) ->
                    new TradeFill(1, buyer, seller, qty, price, fee));
    Arbitrary<MeteredEnergy> meter =
        Combinators.combine(
                Arbitraries.longs().between(0, 30_000),
                Arbitraries.longs().between(0, 30_000),
                Arbitraries.integers().between(0, 5))
            .as(
                (imp, exp, kind) ->
                    kind == 0
                        ? MeteredEnergy.none()
                        : new MeteredEnergy(imp, exp, kind == 1, false, List.of()));
    return Combinators.combine(trade.list().ofMaxSize(12), meter.list().ofSize(6))
        .as(
            (ts, ms) -> {
              List<TradeFill> numbered = new ArrayList<>();
              for (int i = 0; i < ts.size(); i++) {
                TradeFill t = ts.get(i);
                numbered.add(
                    new TradeFill(
                        100 + 7L * i,
                        t.buyerAccountId(),
                        t.sellerAccountId(),
                        t.quantityWh(),
                        t.pricePerKwh(),
                        t.gridFeePerKwh()));
              }
              Map<Long, MeteredEnergy> m = new HashMap<>();
              for (int i = 0; i < ms.size(); i++) {
                m.put((long) i + 1, ms.get(i));
              }
              return new Scenario(numbered, m);
            });
  }

  static SlotTerms terms(long imbalancePrice) {
    return new SlotTerms("Z", SLOT, "EUR", PriceUnit.MILLI_CT_PER_KWH, imbalancePrice);
  }

  @Property(tries = 500)
  void paidEnergyNeverExceedsExportNorTradedQuantity(
      @ForAll("scenarios") Scenario s,
      @ForAll @LongRange(min = -10_000, max = 90_000) long imbalancePrice) {
    AllocationResult r = Allocation.allocate(terms(imbalancePrice), s.trades(), s.metered());
    Map<Long, TradeFill> byId = new HashMap<>();
    s.trades().forEach(t -> byId.put(t.tradeId(), t));
    for (AccountAllocation a : r.accounts()) {
      long paidWh = 0;
      for (AllocatedLine l : a.lines()) {
        if (l.kind() == LineKind.ENERGY_SALE) {
          assertThat(l.quantityWh()).isLessThanOrEqualTo(byId.get(l.tradeId()).quantityWh());
          assertThat(byId.get(l.tradeId()).sellerAccountId()).isEqualTo(a.accountId());
          paidWh += l.quantityWh();
        }
      }
      assertThat(paidWh).isEqualTo(a.deliveredWh());
      assertThat(paidWh)
          .isLessThanOrEqualTo(a.metered().exportWh())
          .isLessThanOrEqualTo(a.soldWh());
      assertThat(paidWh).isEqualTo(Math.min(a.soldWh(), a.metered().exportWh()));
    }
  }

  /**
   * Buyers' payments = sellers' receipts + grid fees + the imbalance account, where the imbalance
   * account is recomputed here independently: the buyers' money for energy not delivered, plus
   * shortfall and excess-import charges, minus under-import credits.
   */
  @Property(tries = 500)
  void moneyIsConserved(
      @ForAll("scenarios") Scenario s,
      @ForAll @LongRange(min = -10_000, max = 90_000) long imbalancePrice) {
    AllocationResult r = Allocation.allocate(terms(imbalancePrice), s.trades(), s.metered());
    long buyersPay = 0;
    long sellersReceive = 0;
    long fees = 0;
    long deviationsPaid = 0;
    Map<Long, Long> saleAmountByTrade = new HashMap<>();
    for (AccountAllocation a : r.accounts()) {
      for (AllocatedLine l : a.lines()) {
        switch (l.kind()) {
          case ENERGY_PURCHASE -> buyersPay -= l.amount();
          case GRID_FEE -> {
            buyersPay -= l.amount();
            fees -= l.amount();
          }
          case ENERGY_SALE -> {
            sellersReceive += l.amount();
            saleAmountByTrade.put(l.tradeId(), l.amount());
          }
          case SELLER_SHORTFALL, BUYER_EXCESS_IMPORT, BUYER_UNDER_IMPORT ->
              deviationsPaid -= l.amount();
        }
      }
    }
    long undeliveredPassThrough = 0;
    for (TradeFill t : s.trades()) {
      undeliveredPassThrough +=
          Rounding.energyAmount(t.quantityWh(), t.pricePerKwh())
              - saleAmountByTrade.get(t.tradeId());
    }
    assertThat(r.gridFeeAccount()).isEqualTo(fees);
    assertThat(r.imbalanceAccount()).isEqualTo(undeliveredPassThrough + deviationsPaid);
    // what buyers pay for energy and fees, plus what prosumers pay net on deviation lines, ends up
    // with
    // sellers, the grid operator and the imbalance account
    assertThat(buyersPay + deviationsPaid).isEqualTo(sellersReceive + fees + r.imbalanceAccount());
    long net = r.accounts().stream().mapToLong(AccountAllocation::netAmount).sum();
    assertThat(net + r.gridFeeAccount() + r.imbalanceAccount()).isZero();
  }

  @Property(tries = 200)
  void theOrderOfTheInputsDoesNotMatter(@ForAll("scenarios") Scenario s) {
    List<TradeFill> shuffled = new ArrayList<>(s.trades());
    Collections.reverse(shuffled);
    assertThat(Allocation.allocate(terms(40_000), shuffled, s.metered()))
        .isEqualTo(Allocation.allocate(terms(40_000), s.trades(), s.metered()));
  }
}
