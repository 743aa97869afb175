package io.peerwatt.settlement;

import io.peerwatt.protocol.statement.ExchangeRate;
import io.peerwatt.settlement.allocation.SlotTerms;
import java.util.Objects;

/**
 * The basis a slot was first settled on, kept for all of its later versions so that a re-settlement
 * changes only what the new data changes.
 */
public record SettledSlot(SlotTerms terms, ExchangeRate rate) {

  public SettledSlot {
    Objects.requireNonNull(terms, "terms");
    Objects.requireNonNull(rate, "rate");
  }

  /** The slot's key. */
  public SlotKey key() {
    return new SlotKey(terms.zoneCode(), terms.slot());
  }
}
