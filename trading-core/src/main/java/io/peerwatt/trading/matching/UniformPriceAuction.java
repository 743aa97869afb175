package io.peerwatt.trading.matching;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The call auction, as a pure function of the open orders (see the package documentation for the
 * rules). Inputs are in merit order: bids by price descending, offers by price ascending, ties by
 * lower order id; the function reads the orders and does not change them.
 */
final class UniformPriceAuction {
  private UniformPriceAuction() {}

  /** A buyer-seller pairing the auction decided. */
  record Pair(Order buy, Order sell, long quantityWh, PreferenceTier tier) {}

  /**
   * @param volumeWh energy traded
   * @param pricePerKwh uniform price (0 when nothing trades)
   * @param welfareMilliUnits total surplus, see {@link AuctionClearing}
   * @param pairs the trades to make, in tier order
   * @param excludedAon all-or-none orders removed because they could only fill partly
   */
  record Outcome(
      long volumeWh,
      long pricePerKwh,
      BigInteger welfareMilliUnits,
      List<Pair> pairs,
      Set<Order> excludedAon) {}

  /** Filled quantity per order for one set of eligible orders. */
  private record Fills(long volumeWh, long pricePerKwh, long[] bidWh, long[] offerWh) {}

  static Outcome clear(Order[] bids, Order[] offers, long feePerKwh) {
    boolean[] bidOut = new boolean[bids.length];
    boolean[] offerOut = new boolean[offers.length];
    Set<Order> excluded = Collections.newSetFromMap(new IdentityHashMap<>());
    Fills fills;
    while (true) {
      fills = fills(bids, bidOut, offers, offerOut, feePerKwh);
      Order worst = null;
      worst = worstPartialAon(bids, fills.bidWh, worst);
      worst = worstPartialAon(offers, fills.offerWh, worst);
      if (worst == null) {
        break;
      }
      excluded.add(worst);
      boolean[] out = worst.side == Side.BUY ? bidOut : offerOut;
      Order[] orders = worst.side == Side.BUY ? bids : offers;
      for (int i = 0; i < orders.length; i++) {
        if (orders[i] == worst) {
          out[i] = true;
        }
      }
    }
    WideSum welfare = new WideSum();
    for (int i = 0; i < bids.length; i++) {
      welfare.add(fills.bidWh[i], bids[i].price - feePerKwh);
    }
    for (int j = 0; j < offers.length; j++) {
      welfare.add(fills.offerWh[j], -offers[j].price);
    }
    List<Pair> pairs = pair(bids, fills.bidWh.clone(), offers, fills.offerWh.clone());
    return new Outcome(fills.volumeWh, fills.pricePerKwh, welfare.value(), pairs, excluded);
  }

  /** The partly filled AON order to drop first: largest open quantity, then higher id. */
  private static Order worstPartialAon(Order[] orders, long[] filledWh, Order worst) {
    for (int i = 0; i < orders.length; i++) {
      Order o = orders[i];
      if (o.type == OrderType.AON
          && filledWh[i] > 0
          && filledWh[i] < o.openWh
          && (worst == null
              || o.openWh > worst.openWh
              || o.openWh == worst.openWh && o.id > worst.id)) {
        worst = o;
      }
    }
    return worst;
  }

  private static int nextEligible(boolean[] out, int from) {
    int i = from;
    while (i < out.length && out[i]) {
      i++;
    }
    return i;
  }

  private static Fills fills(
      Order[] bids, boolean[] bidOut, Order[] offers, boolean[] offerOut, long fee) {
    long[] bidWh = new long[bids.length];
    long[] offerWh = new long[offers.length];
    // walk both merit orders: the volume matched while the next bid minus fee still reaches the
    // next offer is the largest volume at which demand and supply cross
    int i = nextEligible(bidOut, 0);
    int j = nextEligible(offerOut, 0);
    long bidLeft = i < bids.length ? bids[i].openWh : 0;
    long offerLeft = j < offers.length ? offers[j].openWh : 0;
    long volume = 0;
    int lastBid = -1;
    int lastOffer = -1;
    while (i < bids.length && j < offers.length && bids[i].price - fee >= offers[j].price) {
      long m = Math.min(bidLeft, offerLeft);
      volume = Math.addExact(volume, m);
      bidLeft -= m;
      offerLeft -= m;
      lastBid = i;
      lastOffer = j;
      if (bidLeft == 0) {
        i = nextEligible(bidOut, i + 1);
        bidLeft = i < bids.length ? bids[i].openWh : 0;
      }
      if (offerLeft == 0) {
        j = nextEligible(offerOut, j + 1);
        offerLeft = j < offers.length ? offers[j].openWh : 0;
      }
    }
    if (volume == 0) {
      return new Fills(0, 0, bidWh, offerWh);
    }
    // clearing interval: at most the marginal bid minus fee and the best offer left out, at least
    // the marginal offer and the best bid minus fee left out; the price is its midpoint
    long low = offers[lastOffer].price;
    long high = bids[lastBid].price - fee;
    if (i < bids.length) {
      low = Math.max(low, bids[i].price - fee);
    }
    if (j < offers.length) {
      high = Math.min(high, offers[j].price);
    }
    long price = Math.floorDiv(low + high, 2);
    allocate(bids, bidOut, bidWh, volume, bids[lastBid].price);
    allocate(offers, offerOut, offerWh, volume, offers[lastOffer].price);
    return new Fills(volume, price, bidWh, offerWh);
  }

  /**
   * Fills every eligible order better than the marginal price completely and shares what is left of
   * {@code volume} among the eligible orders at the marginal price, pro rata with largest
   * remainder.
   */
  private static void allocate(
      Order[] orders, boolean[] out, long[] filledWh, long volume, long marginalPrice) {
    long left = volume;
    int k = 0;
    for (; k < orders.length && orders[k].price != marginalPrice; k++) {
      if (!out[k]) {
        filledWh[k] = orders[k].openWh;
        left -= orders[k].openWh;
      }
    }
    int from = k;
    long levelWh = 0;
    for (; k < orders.length && orders[k].price == marginalPrice; k++) {
      if (!out[k]) {
        levelWh += orders[k].openWh;
      }
    }
    int to = k;
    if (left == levelWh) {
      for (int m = from; m < to; m++) {
        if (!out[m]) {
          filledWh[m] = orders[m].openWh;
        }
      }
      return;
    }
    List<Integer> members = new ArrayList<>(to - from);
    long[] remainder = new long[to - from];
    long given = 0;
    for (int m = from; m < to; m++) {
      if (!out[m]) {
        long[] qr = mulDivRem(left, orders[m].openWh, levelWh);
        filledWh[m] = qr[0];
        remainder[m - from] = qr[1];
        given += qr[0];
        members.add(m);
      }
    }
    // largest remainder first; equal remainders: lower order id first (members are in id order)
    members.sort((a, b) -> Long.compare(remainder[b - from], remainder[a - from]));
    for (int n = 0; n < left - given; n++) {
      filledWh[members.get(n)]++;
    }
  }

  /** {@code floor(a * b / c)} and {@code a * b mod c} for non-negative a, b and positive c. */
  static long[] mulDivRem(long a, long b, long c) {
    long high = Math.multiplyHigh(a, b);
    long low = a * b;
    if (high == 0 && low >= 0) {
      return new long[] {low / c, low % c};
    }
    BigInteger[] qr =
        BigInteger.valueOf(a)
            .multiply(BigInteger.valueOf(b))
            .divideAndRemainder(BigInteger.valueOf(c));
    return new long[] {qr[0].longValueExact(), qr[1].longValueExact()};
  }

  /**
   * Pairs filled buyers with filled sellers: partners, then green, then the rest, each in merit
   * order.
   */
  private static List<Pair> pair(Order[] bids, long[] bidLeft, Order[] offers, long[] offerLeft) {
    List<Pair> pairs = new ArrayList<>();
    boolean anyPartners = false;
    for (Order o : bids) {
      anyPartners |= o.partners.length > 0;
    }
    for (Order o : offers) {
      anyPartners |= o.partners.length > 0;
    }
    if (anyPartners) {
      pairPartners(bids, bidLeft, offers, offerLeft, pairs, true);
      pairPartners(offers, offerLeft, bids, bidLeft, pairs, false);
    }
    pairInMeritOrder(bids, bidLeft, offers, offerLeft, pairs, true);
    pairInMeritOrder(bids, bidLeft, offers, offerLeft, pairs, false);
    return pairs;
  }

  /**
   * Each {@code choosers} order with partners takes from its partners' filled orders in merit
   * order.
   */
  private static void pairPartners(
      Order[] choosers,
      long[] chooserLeft,
      Order[] others,
      long[] otherLeft,
      List<Pair> pairs,
      boolean buyersChoose) {
    Set<Long> named = new HashSet<>();
    for (int i = 0; i < choosers.length; i++) {
      if (chooserLeft[i] > 0) {
        for (long partner : choosers[i].partners) {
          named.add(partner);
        }
      }
    }
    if (named.isEmpty()) {
      return;
    }
    // index only the orders of named accounts, in merit order
    Map<Long, List<Integer>> byAccount = new HashMap<>();
    for (int j = 0; j < others.length; j++) {
      if (otherLeft[j] > 0 && named.contains(others[j].accountId)) {
        byAccount.computeIfAbsent(others[j].accountId, a -> new ArrayList<>()).add(j);
      }
    }
    for (int i = 0; i < choosers.length; i++) {
      Order chooser = choosers[i];
      if (chooser.partners.length == 0 || chooserLeft[i] == 0) {
        continue;
      }
      List<Integer> candidates = new ArrayList<>();
      for (long partner : chooser.partners) {
        candidates.addAll(byAccount.getOrDefault(partner, List.of()));
      }
      Collections.sort(candidates);
      for (int j : candidates) {
        long m = Math.min(chooserLeft[i], otherLeft[j]);
        if (m > 0) {
          chooserLeft[i] -= m;
          otherLeft[j] -= m;
          pairs.add(
              buyersChoose
                  ? new Pair(chooser, others[j], m, PreferenceTier.PARTNER)
                  : new Pair(others[j], chooser, m, PreferenceTier.PARTNER));
        }
      }
    }
  }

  /**
   * Two-pointer pairing in merit order; with {@code greenOnly}, green buyers with green sellers.
   */
  private static void pairInMeritOrder(
      Order[] bids,
      long[] bidLeft,
      Order[] offers,
      long[] offerLeft,
      List<Pair> pairs,
      boolean greenOnly) {
    int i = 0;
    int j = 0;
    while (true) {
      while (i < bids.length && (bidLeft[i] == 0 || greenOnly && !bids[i].green)) {
        i++;
      }
      while (j < offers.length && (offerLeft[j] == 0 || greenOnly && !offers[j].green)) {
        j++;
      }
      if (i == bids.length || j == offers.length) {
        return;
      }
      long m = Math.min(bidLeft[i], offerLeft[j]);
      bidLeft[i] -= m;
      offerLeft[j] -= m;
      pairs.add(
          new Pair(bids[i], offers[j], m, greenOnly ? PreferenceTier.GREEN : PreferenceTier.OPEN));
    }
  }

  /** A sum of products that stays in a long while it fits and widens to a BigInteger when not. */
  private static final class WideSum {
    private long sum;
    private BigInteger spill = BigInteger.ZERO;

    void add(long a, long b) {
      long high = Math.multiplyHigh(a, b);
      long low = a * b;
      if (high == (low >> 63)) {
        long s = sum + low;
        if (((sum ^ s) & (low ^ s)) >= 0) {
          sum = s;
          return;
        }
      }
      spill = spill.add(BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)));
    }

    BigInteger value() {
      return spill.add(BigInteger.valueOf(sum));
    }
  }
}
