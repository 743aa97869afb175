package io.peerwatt.settlement;

import io.peerwatt.protocol.DeliverySlot;
import java.util.Objects;

/** One settled instrument: a zone and a delivery slot. */
public record SlotKey(String zoneCode, DeliverySlot slot) implements Comparable<SlotKey> {

  public SlotKey {
    Objects.requireNonNull(zoneCode, "zoneCode");
    Objects.requireNonNull(slot, "slot");
  }

  @Override
  public int compareTo(SlotKey other) {
    int c = slot.compareTo(other.slot);
    return c != 0 ? c : zoneCode.compareTo(other.zoneCode);
  }

  @Override
  public String toString() {
    return zoneCode + " " + slot;
  }
}
