package io.peerwatt.trading.matching;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * The price levels of one side. Levels are found by price in a hash map; their order is kept in a
 * sorted array of plain prices with the best price last, so a new level costs one binary search and
 * one primitive array move, and the best level is always at hand.
 *
 * <p>A level that empties below the best stays where it is (an order moved away often comes back to
 * that price) and is skipped by every walk; empty levels reaching the top are dropped at once, and
 * all of them are swept out when they outnumber the live ones, so memory stays bounded.
 */
final class BookSide {
  private static final int MIN_SWEEP = 64;

  final Side side;
  private final LongMap<Level> byPrice = new LongMap<>();

  /** Prices of all levels, empty ones included, worst first. */
  private long[] prices = new long[64];

  private int size;
  private int liveLevels;
  private Level best;

  BookSide(Side side) {
    this.side = side;
  }

  /** Whether price {@code a} is strictly better than {@code b} on this side. */
  private boolean better(long a, long b) {
    return side == Side.BUY ? a > b : a < b;
  }

  /** Number of non-empty levels. */
  int size() {
    return liveLevels;
  }

  boolean isEmpty() {
    return best == null;
  }

  /** The best level, or null. */
  Level best() {
    return best;
  }

  /** Visits the non-empty levels best first until {@code visitor} returns false. */
  void forEachFromBest(Predicate<Level> visitor) {
    for (int i = size - 1; i >= 0; i--) {
      Level level = byPrice.get(prices[i]);
      if (level.count > 0 && !visitor.test(level)) {
        return;
      }
    }
  }

  /** The non-empty levels, best first. */
  List<Level> levels() {
    List<Level> out = new ArrayList<>(liveLevels);
    forEachFromBest(out::add);
    return out;
  }

  /** Index of {@code price} in the worst-first array, or {@code -(insertion point) - 1}. */
  private int search(long price) {
    int lo = 0;
    int hi = size - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      long p = prices[mid];
      if (p == price) {
        return mid;
      }
      if (better(p, price)) {
        hi = mid - 1;
      } else {
        lo = mid + 1;
      }
    }
    return -(lo + 1);
  }

  /** Appends {@code o} at the back of its price level, creating the level if needed. */
  void add(Order o) {
    Level level = byPrice.get(o.price);
    if (level == null) {
      level = new Level(o.price);
      byPrice.put(o.price, level);
      int i = -search(o.price) - 1;
      if (size == prices.length) {
        prices = Arrays.copyOf(prices, size * 2);
      }
      System.arraycopy(prices, i, prices, i + 1, size - i);
      prices[i] = o.price;
      size++;
    }
    if (level.count == 0) {
      liveLevels++;
    }
    level.append(o);
    if (best == null || better(o.price, best.price)) {
      best = level;
    }
  }

  /** Unlinks {@code o} from its level; an emptied level is dropped or left for the next sweep. */
  void remove(Order o) {
    Level level = o.level;
    level.unlink(o);
    if (level.count > 0) {
      return;
    }
    liveLevels--;
    if (level == best) {
      // the array's top holds the best level: drop it and every empty level under it
      while (size > 0 && byPrice.get(prices[size - 1]).count == 0) {
        byPrice.remove(prices[--size]);
      }
      best = size == 0 ? null : byPrice.get(prices[size - 1]);
    } else if (size - liveLevels > Math.max(MIN_SWEEP, liveLevels)) {
      sweep();
    }
  }

  /** Removes every empty level. */
  private void sweep() {
    int kept = 0;
    for (int i = 0; i < size; i++) {
      if (byPrice.get(prices[i]).count == 0) {
        byPrice.remove(prices[i]);
      } else {
        prices[kept++] = prices[i];
      }
    }
    size = kept;
  }

  /** Drops every level at once (the orders are dropped with them). */
  void clear() {
    byPrice.clear();
    size = 0;
    liveLevels = 0;
    best = null;
  }

  /** Reduces {@code o}'s open quantity in place, keeping its priority. */
  void reduce(Order o, long byWh) {
    o.openWh -= byWh;
    o.level.totalWh -= byWh;
  }

  List<DepthLevel> depth(int maxLevels) {
    List<DepthLevel> out = new ArrayList<>(Math.min(maxLevels, liveLevels));
    forEachFromBest(
        l -> {
          out.add(new DepthLevel(l.price, l.totalWh, l.count));
          return out.size() < maxLevels;
        });
    return out;
  }
}
