package io.peerwatt.settlement.allocation;

import io.peerwatt.protocol.statement.LineKind;
import java.util.Objects;

/**
 * One money line of an account's allocation.
 *
 * @param kind what the line is for
 * @param tradeId the trade it belongs to, or 0 for account-level deviation lines
 * @param quantityWh the energy the amount is for, Wh, not negative
 * @param pricePerKwh the price applied, in the zone's unit
 * @param amount {@code Rounding.energyAmount(quantityWh, pricePerKwh)} with the kind's sign:
 *     positive = the prosumer receives; in milli-cent (fiat zones) or satoshi (BSV zones)
 */
public record AllocatedLine(
    LineKind kind, long tradeId, long quantityWh, long pricePerKwh, long amount) {

  public AllocatedLine {
    Objects.requireNonNull(kind, "kind");
    if (quantityWh < 0 || tradeId < 0) {
      throw new IllegalArgumentException("line quantity and trade id must not be negative");
    }
  }
}
