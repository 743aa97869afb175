package io.peerwatt.trading.matching;

import io.peerwatt.protocol.DeliverySlot;
import java.util.Objects;

/**
 * What a book trades: energy delivered in one grid zone during one UTC quarter-hour.
 *
 * @param zoneCode the zone's code, e.g. {@code DE-BERLIN-1}
 * @param slot the delivery interval
 */
public record Instrument(String zoneCode, DeliverySlot slot) {

  public Instrument {
    Objects.requireNonNull(zoneCode, "zoneCode");
    Objects.requireNonNull(slot, "slot");
  }

  /** {@code DE-BERLIN-1 2026-11-25T10:00Z/PT15M}. */
  @Override
  public String toString() {
    return zoneCode + " " + slot;
  }
}
