package io.peerwatt.trading.matching;

import java.util.Arrays;
import java.util.function.BiConsumer;

/**
 * A map from {@code long} to objects: open addressing with linear probing and backward-shift
 * deletion, so lookups neither box the key nor leave tombstones behind. The books use it for orders
 * by id and order lists by account.
 */
final class LongMap<V> {
  private long[] keys = new long[1024];
  private Object[] values = new Object[1024];

  /** 64 minus log2 of the table length: Fibonacci hashing takes the product's top bits. */
  private int shift = 64 - 10;

  private int size;

  private int slot(long key) {
    return (int) ((key * 0x9E3779B97F4A7C15L) >>> shift);
  }

  int size() {
    return size;
  }

  @SuppressWarnings("unchecked")
  V get(long key) {
    int mask = keys.length - 1;
    for (int i = slot(key); ; i = (i + 1) & mask) {
      Object v = values[i];
      if (v == null || keys[i] == key) {
        return (V) v;
      }
    }
  }

  /** Maps {@code key} to {@code value} (not null), replacing any previous value. */
  void put(long key, V value) {
    if ((size + 1) * 2 > keys.length) {
      grow();
    }
    int mask = keys.length - 1;
    int i = slot(key);
    while (values[i] != null) {
      if (keys[i] == key) {
        values[i] = value;
        return;
      }
      i = (i + 1) & mask;
    }
    keys[i] = key;
    values[i] = value;
    size++;
  }

  void remove(long key) {
    int mask = keys.length - 1;
    int i = slot(key);
    while (values[i] != null && keys[i] != key) {
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
      int home = slot(keys[j]);
      boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
      if (movable) {
        keys[hole] = keys[j];
        values[hole] = values[j];
        values[j] = null;
        hole = j;
      }
    }
  }

  void clear() {
    Arrays.fill(values, null);
    size = 0;
  }

  @SuppressWarnings("unchecked")
  void forEach(BiConsumer<Long, V> action) {
    for (int i = 0; i < keys.length; i++) {
      if (values[i] != null) {
        action.accept(keys[i], (V) values[i]);
      }
    }
  }

  private void grow() {
    long[] oldKeys = keys;
    Object[] oldValues = values;
    keys = new long[oldKeys.length * 2];
    values = new Object[oldValues.length * 2];
    shift--;
    size = 0;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldValues[i] != null) {
        @SuppressWarnings("unchecked")
        V v = (V) oldValues[i];
        put(oldKeys[i], v);
      }
    }
  }
}
