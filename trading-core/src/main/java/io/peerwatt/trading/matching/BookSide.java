package io.peerwatt.trading.matching;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The price levels of one side, kept in a sorted array with the best level last, so that taking
 * from the top of the book and removing an emptied best level cost O(1); a new level is found by
 * binary search and inserted with one array copy.
 */
final class BookSide {
  final Side side;
  private Level[] levels = new Level[64];
  private int size;

  BookSide(Side side) {
    this.side = side;
  }

  /** Whether price {@code a} is strictly better than {@code b} on this side. */
  private boolean better(long a, long b) {
    return side == Side.BUY ? a > b : a < b;
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** The best level, or null. */
  Level best() {
    return size == 0 ? null : levels[size - 1];
  }

  /** Level {@code i} counted from the best (0 = best). */
  Level fromBest(int i) {
    return levels[size - 1 - i];
  }

  /** Index of the level with {@code price}, or {@code -(insertion point) - 1}. Worst first. */
  private int search(long price) {
    int lo = 0;
    int hi = size - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      long p = levels[mid].price;
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
    Level best = best();
    if (best != null && best.price == o.price) {
      best.append(o);
      return;
    }
    int i = search(o.price);
    if (i < 0) {
      i = -i - 1;
      if (size == levels.length) {
        levels = Arrays.copyOf(levels, size * 2);
      }
      System.arraycopy(levels, i, levels, i + 1, size - i);
      levels[i] = new Level(o.price);
      size++;
    }
    levels[i].append(o);
  }

  /** Unlinks {@code o} from its level and drops the level when it empties. */
  void remove(Order o) {
    Level level = o.level;
    level.unlink(o);
    if (level.count == 0) {
      removeLevel(level);
    }
  }

  /** Drops an empty level. */
  void removeLevel(Level level) {
    if (size > 0 && levels[size - 1] == level) {
      levels[--size] = null;
      return;
    }
    int i = search(level.price);
    System.arraycopy(levels, i + 1, levels, i, size - i - 1);
    levels[--size] = null;
  }

  /** Reduces {@code o}'s open quantity in place, keeping its priority. */
  void reduce(Order o, long byWh) {
    o.openWh -= byWh;
    o.level.totalWh -= byWh;
  }

  List<DepthLevel> depth(int maxLevels) {
    int n = Math.min(maxLevels, size);
    List<DepthLevel> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Level l = fromBest(i);
      out.add(new DepthLevel(l.price, l.totalWh, l.count));
    }
    return out;
  }
}
