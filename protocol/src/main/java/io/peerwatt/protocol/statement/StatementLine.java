package io.peerwatt.protocol.statement;

import java.util.Objects;

/**
 * One line of a statement. Amounts are from the prosumer's side: positive = it receives.
 *
 * @param kind what the line is for
 * @param tradeId the trade it belongs to, 0 for account-level lines
 * @param quantityWh energy, Wh
 * @param pricePerKwh price applied, in the zone's unit (milli-cent or sat per kWh)
 * @param amount in the market unit: milli-cent (fiat zones) or satoshi (BSV zones)
 * @param amountSat {@code amount} converted with the statement's rate
 */
public record StatementLine(
    LineKind kind, long tradeId, long quantityWh, long pricePerKwh, long amount, long amountSat) {

  public StatementLine {
    Objects.requireNonNull(kind, "kind");
  }
}
