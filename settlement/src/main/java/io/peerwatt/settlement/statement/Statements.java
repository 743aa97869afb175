package io.peerwatt.settlement.statement;

import io.peerwatt.protocol.statement.ExchangeRate;
import io.peerwatt.protocol.statement.Statement;
import io.peerwatt.protocol.statement.StatementLine;
import io.peerwatt.settlement.allocation.AccountAllocation;
import io.peerwatt.settlement.allocation.AllocatedLine;
import io.peerwatt.settlement.allocation.SlotTerms;
import java.util.ArrayList;
import java.util.List;

/**
 * Statements made from allocations: the platform's side of {@link Statement}, which both ends read.
 */
public final class Statements {
  private Statements() {}

  /** Builds the statement of one account's allocation, converting each line with {@code rate}. */
  public static Statement of(
      SlotTerms terms,
      AccountAllocation a,
      ExchangeRate rate,
      int version,
      String previousHashHex) {
    if (!rate.currency().equals(terms.currency())) {
      throw new IllegalArgumentException(
          "rate is for " + rate.currency() + ", market is " + terms.currency());
    }
    List<StatementLine> lines = new ArrayList<>();
    long amount = 0;
    long sat = 0;
    for (AllocatedLine l : a.lines()) {
      long lineSat = rate.toSatoshis(l.amount());
      lines.add(
          new StatementLine(
              l.kind(), l.tradeId(), l.quantityWh(), l.pricePerKwh(), l.amount(), lineSat));
      amount = Math.addExact(amount, l.amount());
      sat = Math.addExact(sat, lineSat);
    }
    return new Statement(
        a.accountId(),
        terms.zoneCode(),
        terms.slot(),
        version,
        previousHashHex,
        terms.currency(),
        terms.priceUnit(),
        rate,
        a.boughtWh(),
        a.soldWh(),
        a.deliveredWh(),
        a.metered().importWh(),
        a.metered().exportWh(),
        a.metered().estimated(),
        a.metered().missing(),
        lines,
        amount,
        sat,
        a.metered().readingsUsed());
  }
}
