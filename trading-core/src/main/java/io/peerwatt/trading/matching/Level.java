package io.peerwatt.trading.matching;

/** Orders at one price on one side, oldest first (time priority). */
final class Level {
  final long price;
  long totalWh;
  int count;
  Order head;
  Order tail;

  Level(long price) {
    this.price = price;
  }

  void append(Order o) {
    o.level = this;
    o.prev = tail;
    o.next = null;
    if (tail == null) {
      head = o;
    } else {
      tail.next = o;
    }
    tail = o;
    totalWh += o.openWh;
    count++;
  }

  void unlink(Order o) {
    if (o.prev == null) {
      head = o.next;
    } else {
      o.prev.next = o.next;
    }
    if (o.next == null) {
      tail = o.prev;
    } else {
      o.next.prev = o.prev;
    }
    totalWh -= o.openWh;
    count--;
    o.level = null;
    o.prev = null;
    o.next = null;
  }
}
