package io.peerwatt.settlement.allocation;

import io.peerwatt.protocol.statement.LineKind;
import io.peerwatt.protocol.statement.MeteredEnergy;
import io.peerwatt.protocol.statement.Rounding;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Allocates one slot's trades against its metered energy. Pure and deterministic.
 *
 * <ul>
 *   <li>A seller is paid for {@code delivered = min(sold, metered export)}, spread over its trades
 *       in proportion to their quantities by largest remainder (remainders descending, then trade
 *       id ascending), so no trade is paid for more than its quantity. A seller with missing data
 *       has exported 0.
 *   <li>A seller's {@code sold - delivered} is charged at the imbalance price.
 *   <li>A buyer pays every trade in full (energy and grid fee). If its metered import is below what
 *       it bought it is credited the difference at the imbalance price, above it is charged the
 *       excess. A buyer whose data is missing gets no deviation line until its readings arrive
 *       (missing data must never earn a credit).
 *   <li>Export beyond what was sold and imports of accounts that did not buy are not P2P business:
 *       the utility bills them at tariff, so they produce no line.
 * </ul>
 */
public final class Allocation {

  private Allocation() {}

  /**
   * @param terms the slot's terms
   * @param trades the slot's trades (ids unique)
   * @param metered energy per account; an account that traded and is absent here counts as missing
   */
  public static AllocationResult allocate(
      SlotTerms terms, List<TradeFill> trades, Map<Long, MeteredEnergy> metered) {
    List<TradeFill> ordered =
        trades.stream().sorted(Comparator.comparingLong(TradeFill::tradeId)).toList();
    for (int i = 1; i < ordered.size(); i++) {
      if (ordered.get(i).tradeId() == ordered.get(i - 1).tradeId()) {
        throw new IllegalArgumentException("duplicate trade id " + ordered.get(i).tradeId());
      }
    }
    Map<Long, List<TradeFill>> sales = new TreeMap<>();
    Map<Long, List<TradeFill>> purchases = new TreeMap<>();
    for (TradeFill t : ordered) {
      sales.computeIfAbsent(t.sellerAccountId(), k -> new ArrayList<>()).add(t);
      purchases.computeIfAbsent(t.buyerAccountId(), k -> new ArrayList<>()).add(t);
    }
    TreeMap<Long, List<AllocatedLine>> lines = new TreeMap<>();
    TreeMap<Long, long[]> volumes = new TreeMap<>(); // bought, sold, delivered
    for (Long account : union(sales, purchases)) {
      lines.put(account, new ArrayList<>());
      volumes.put(account, new long[3]);
    }
    long gridFees = 0;

    for (Map.Entry<Long, List<TradeFill>> e : sales.entrySet()) {
      long seller = e.getKey();
      List<TradeFill> its = e.getValue();
      long soldWh = 0;
      for (TradeFill t : its) {
        soldWh = Math.addExact(soldWh, t.quantityWh());
      }
      long exportWh = meteredOf(metered, seller).exportWh();
      long deliveredWh = Math.min(soldWh, exportWh);
      long[] shares = largestRemainder(deliveredWh, its);
      for (int i = 0; i < its.size(); i++) {
        TradeFill t = its.get(i);
        long amount = Rounding.energyAmount(shares[i], t.pricePerKwh());
        lines
            .get(seller)
            .add(
                new AllocatedLine(
                    LineKind.ENERGY_SALE, t.tradeId(), shares[i], t.pricePerKwh(), amount));
      }
      long shortfallWh = soldWh - deliveredWh;
      if (shortfallWh > 0) {
        long charge = Rounding.energyAmount(shortfallWh, terms.imbalancePricePerKwh());
        lines
            .get(seller)
            .add(
                new AllocatedLine(
                    LineKind.SELLER_SHORTFALL,
                    0,
                    shortfallWh,
                    terms.imbalancePricePerKwh(),
                    Math.negateExact(charge)));
      }
      long[] v = volumes.get(seller);
      v[1] = soldWh;
      v[2] = deliveredWh;
    }

    for (Map.Entry<Long, List<TradeFill>> e : purchases.entrySet()) {
      long buyer = e.getKey();
      long boughtWh = 0;
      for (TradeFill t : e.getValue()) {
        boughtWh = Math.addExact(boughtWh, t.quantityWh());
        long energy = Rounding.energyAmount(t.quantityWh(), t.pricePerKwh());
        long fee = Rounding.energyAmount(t.quantityWh(), t.gridFeePerKwh());
        lines
            .get(buyer)
            .add(
                new AllocatedLine(
                    LineKind.ENERGY_PURCHASE,
                    t.tradeId(),
                    t.quantityWh(),
                    t.pricePerKwh(),
                    Math.negateExact(energy)));
        lines
            .get(buyer)
            .add(
                new AllocatedLine(
                    LineKind.GRID_FEE,
                    t.tradeId(),
                    t.quantityWh(),
                    t.gridFeePerKwh(),
                    Math.negateExact(fee)));
        gridFees = Math.addExact(gridFees, fee);
      }
      MeteredEnergy m = meteredOf(metered, buyer);
      if (!m.missing()) {
        long price = terms.imbalancePricePerKwh();
        if (m.importWh() < boughtWh) {
          long underWh = boughtWh - m.importWh();
          lines
              .get(buyer)
              .add(
                  new AllocatedLine(
                      LineKind.BUYER_UNDER_IMPORT,
                      0,
                      underWh,
                      price,
                      Rounding.energyAmount(underWh, price)));
        } else if (m.importWh() > boughtWh) {
          long excessWh = m.importWh() - boughtWh;
          lines
              .get(buyer)
              .add(
                  new AllocatedLine(
                      LineKind.BUYER_EXCESS_IMPORT,
                      0,
                      excessWh,
                      price,
                      Math.negateExact(Rounding.energyAmount(excessWh, price))));
        }
      }
      volumes.get(buyer)[0] = boughtWh;
    }

    List<AccountAllocation> accounts = new ArrayList<>();
    long prosumersNet = 0;
    for (Map.Entry<Long, List<AllocatedLine>> e : lines.entrySet()) {
      List<AllocatedLine> sorted =
          e.getValue().stream()
              .sorted(
                  Comparator.comparingInt((AllocatedLine l) -> l.kind().code())
                      .thenComparingLong(AllocatedLine::tradeId))
              .toList();
      long[] v = volumes.get(e.getKey());
      AccountAllocation a =
          new AccountAllocation(
              e.getKey(), v[0], v[1], v[2], meteredOf(metered, e.getKey()), sorted);
      accounts.add(a);
      prosumersNet = Math.addExact(prosumersNet, a.netAmount());
    }
    // the imbalance account is the balancing party: it holds whatever is neither a prosumer's nor a
    // fee
    long imbalance = Math.negateExact(Math.addExact(prosumersNet, gridFees));
    return new AllocationResult(terms, accounts, gridFees, imbalance);
  }

  private static MeteredEnergy meteredOf(Map<Long, MeteredEnergy> metered, long account) {
    MeteredEnergy m = metered.get(account);
    return m != null ? m : MeteredEnergy.none();
  }

  private static List<Long> union(Map<Long, ?> a, Map<Long, ?> b) {
    TreeMap<Long, Boolean> all = new TreeMap<>();
    a.keySet().forEach(k -> all.put(k, true));
    b.keySet().forEach(k -> all.put(k, true));
    return new ArrayList<>(all.keySet());
  }

  /**
   * Splits {@code totalWh} (at most the trades' sum) over the trades in proportion to their
   * quantities: each gets {@code floor(total * q / sum)}, and the Wh left over go one each to the
   * largest remainders, ties to the lower trade id.
   */
  static long[] largestRemainder(long totalWh, List<TradeFill> trades) {
    long[] shares = new long[trades.size()];
    BigInteger sum = BigInteger.ZERO;
    for (TradeFill t : trades) {
      sum = sum.add(BigInteger.valueOf(t.quantityWh()));
    }
    if (BigInteger.valueOf(totalWh).compareTo(sum) > 0 || totalWh < 0) {
      throw new IllegalArgumentException("cannot split " + totalWh + " Wh over " + sum + " Wh");
    }
    BigInteger total = BigInteger.valueOf(totalWh);
    BigInteger[] remainders = new BigInteger[trades.size()];
    long given = 0;
    for (int i = 0; i < trades.size(); i++) {
      BigInteger[] qr =
          total.multiply(BigInteger.valueOf(trades.get(i).quantityWh())).divideAndRemainder(sum);
      shares[i] = qr[0].longValueExact();
      remainders[i] = qr[1];
      given = Math.addExact(given, shares[i]);
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < trades.size(); i++) {
      order.add(i);
    }
    order.sort(
        Comparator.comparing((Integer i) -> remainders[i])
            .reversed()
            .thenComparingLong(i -> trades.get(i).tradeId()));
    for (int k = 0; given < totalWh; k++) {
      shares[order.get(k)]++;
      given++;
    }
    return shares;
  }
}
