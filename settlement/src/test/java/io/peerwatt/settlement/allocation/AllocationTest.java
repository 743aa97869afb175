package io.peerwatt.settlement.allocation;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.PriceUnit;
import io.peerwatt.protocol.statement.LineKind;
import io.peerwatt.protocol.statement.MeteredEnergy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AllocationTest {
  static final SlotTerms TERMS =
      new SlotTerms(
          "DE-TEST-1",
          DeliverySlot.parse("2026-11-25T10:00Z/PT15M"),
          "EUR",
          PriceUnit.MILLI_CT_PER_KWH,
          40_000);
  static final long ALICE = 1; // seller
  static final long BOB = 2; // buyer
  static final long CAROL = 3; // buyer

  static MeteredEnergy metered(long importWh, long exportWh) {
    return new MeteredEnergy(importWh, exportWh, false, false, List.of());
  }

  @Test
  void fullDeliveryPaysTheSellerAndChargesTheBuyerPriceAndFee() {
    // 1000 Wh at 25 ct/kWh with a 5 ct/kWh grid fee; Bob imports exactly what he bought
    List<TradeFill> trades = List.of(new TradeFill(10, BOB, ALICE, 1000, 25_000, 5_000));
    AllocationResult r =
        Allocation.allocate(TERMS, trades, Map.of(ALICE, metered(0, 1500), BOB, metered(1000, 0)));
    AccountAllocation alice = r.accounts().get(0);
    AccountAllocation bob = r.accounts().get(1);
    assertThat(alice.lines())
        .containsExactly(new AllocatedLine(LineKind.ENERGY_SALE, 10, 1000, 25_000, 25_000));
    assertThat(alice.deliveredWh()).isEqualTo(1000);
    assertThat(bob.lines())
        .containsExactly(
            new AllocatedLine(LineKind.ENERGY_PURCHASE, 10, 1000, 25_000, -25_000),
            new AllocatedLine(LineKind.GRID_FEE, 10, 1000, 5_000, -5_000));
    assertThat(r.gridFeeAccount()).isEqualTo(5_000);
    assertThat(r.imbalanceAccount()).isZero();
  }

  @Test
  void aShortSellerIsPaidForWhatItExportedSplitByLargestRemainder() {
    // Alice sold 300 + 300 + 400 = 1000 Wh but exported 501: shares 150.3, 150.3, 200.4 -> 150,
    // 150, 200
    // and the one Wh left goes to the largest remainder (trade 30: 0.4)
    List<TradeFill> trades =
        List.of(
            new TradeFill(20, BOB, ALICE, 300, 20_000, 0),
            new TradeFill(21, CAROL, ALICE, 300, 20_000, 0),
            new TradeFill(30, BOB, ALICE, 400, 20_000, 0));
    AllocationResult r =
        Allocation.allocate(
            TERMS,
            trades,
            Map.of(ALICE, metered(0, 501), BOB, metered(700, 0), CAROL, metered(300, 0)));
    AccountAllocation alice = r.accounts().get(0);
    assertThat(alice.lines())
        .extracting(AllocatedLine::quantityWh)
        .containsExactly(150L, 150L, 201L, 499L);
    assertThat(alice.lines().get(3))
        .isEqualTo(new AllocatedLine(LineKind.SELLER_SHORTFALL, 0, 499, 40_000, -19_960));
    assertThat(alice.deliveredWh()).isEqualTo(501);
    // buyers pay 1000 Wh * 20 ct = 20_000; Alice gets 501 * 20 = 10_020 and pays 19_960 shortfall
    assertThat(r.imbalanceAccount()).isEqualTo(20_000 - 10_020 + 19_960);
  }

  @Test
  void equalRemaindersGoToTheLowerTradeId() {
    List<TradeFill> trades =
        List.of(new TradeFill(8, BOB, ALICE, 100, 1, 0), new TradeFill(5, CAROL, ALICE, 100, 1, 0));
    long[] shares =
        Allocation.largestRemainder(
            101,
            trades.stream()
                .sorted(java.util.Comparator.comparingLong(TradeFill::tradeId))
                .toList());
    assertThat(shares).containsExactly(51, 50);
  }

  @Test
  void buyerDeviationsAreSettledAtTheImbalancePrice() {
    List<TradeFill> trades =
        List.of(
            new TradeFill(1, BOB, ALICE, 500, 20_000, 1_000),
            new TradeFill(2, CAROL, ALICE, 500, 20_000, 1_000));
    AllocationResult r =
        Allocation.allocate(
            TERMS,
            trades,
            Map.of(ALICE, metered(0, 1000), BOB, metered(300, 0), CAROL, metered(650, 0)));
    assertThat(r.accounts().get(1).lines())
        .contains(new AllocatedLine(LineKind.BUYER_UNDER_IMPORT, 0, 200, 40_000, 8_000));
    assertThat(r.accounts().get(2).lines())
        .contains(new AllocatedLine(LineKind.BUYER_EXCESS_IMPORT, 0, 150, 40_000, -6_000));
  }

  @Test
  void missingSellerDataMeansNothingDeliveredAndMissingBuyerDataEarnsNoCredit() {
    List<TradeFill> trades = List.of(new TradeFill(1, BOB, ALICE, 500, 20_000, 1_000));
    AllocationResult r = Allocation.allocate(TERMS, trades, Map.of());
    AccountAllocation alice = r.accounts().get(0);
    AccountAllocation bob = r.accounts().get(1);
    assertThat(alice.deliveredWh()).isZero();
    assertThat(alice.metered().missing()).isTrue();
    assertThat(alice.lines())
        .containsExactly(
            new AllocatedLine(LineKind.ENERGY_SALE, 1, 0, 20_000, 0),
            new AllocatedLine(LineKind.SELLER_SHORTFALL, 0, 500, 40_000, -20_000));
    assertThat(bob.lines())
        .extracting(AllocatedLine::kind)
        .containsExactly(LineKind.ENERGY_PURCHASE, LineKind.GRID_FEE);
  }

  @Test
  void accountsWithoutTradesGetNoAllocation() {
    AllocationResult r = Allocation.allocate(TERMS, List.of(), Map.of(ALICE, metered(10, 10)));
    assertThat(r.accounts()).isEmpty();
    assertThat(r.gridFeeAccount()).isZero();
    assertThat(r.imbalanceAccount()).isZero();
  }
}
