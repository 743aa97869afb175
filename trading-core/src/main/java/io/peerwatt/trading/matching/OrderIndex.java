package io.peerwatt.trading.matching;

import java.util.function.Consumer;

/**
 * Open orders by id: open addressing with linear probing and backward-shift deletion, so lookups
 * neither box the id nor leave tombstones behind.
 */
final class OrderIndex {
  private long[] keys = new long[1024];
  private Order[] values = new Order[1024];
  private int size;

  private static int slot(long key, int mask) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32)) & mask;
  }

  int size() {
    return size;
  }

  Order get(long id) {
    int mask = keys.length - 1;
    for (int i = slot(id, mask); ; i = (i + 1) & mask) {
      Order v = values[i];
      if (v == null) {
        return null;
      }
      if (keys[i] == id) {
        return v;
      }
    }
  }

  void put(Order o) {
    if ((size + 1) * 2 > keys.length) {
      grow();
    }
    int mask = keys.length - 1;
    int i = slot(o.id, mask);
    while (values[i] != null) {
      i = (i + 1) & mask;
    }
    keys[i] = o.id;
    values[i] = o;
    size++;
  }

  void remove(long id) {
    int mask = keys.length - 1;
    int i = slot(id, mask);
    while (values[i] != null && keys[i] != id) {
      i = (i + 1) & mask;
    }
    if (values[i] == null) {
      return;
    }
    values[i] = null;
    size--;
    // shift later members of the probe chain back so lookups never stop at the hole too early
    int hole = i;
    for (int j = (i + 1) & mask; values[j] != null; j = (j + 1) & mask) {
      int home = slot(keys[j], mask);
      boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
      if (movable) {
        keys[hole] = keys[j];
        values[hole] = values[j];
        values[j] = null;
        hole = j;
      }
    }
  }

  void forEach(Consumer<Order> action) {
    for (Order v : values) {
      if (v != null) {
        action.accept(v);
      }
    }
  }

  private void grow() {
    long[] oldKeys = keys;
    Order[] oldValues = values;
    keys = new long[oldKeys.length * 2];
    values = new Order[oldValues.length * 2];
    size = 0;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldValues[i] != null) {
        put(oldValues[i]);
      }
    }
  }
}
