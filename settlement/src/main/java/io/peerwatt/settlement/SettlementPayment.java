package io.peerwatt.settlement;

import io.peerwatt.protocol.statement.Statement;
import java.util.Objects;

/**
 * A payment settlement owes for one statement version: the change of the account's satoshi total
 * since the previous version.
 *
 * @param id the outbox row's id (0 before it is stored)
 * @param statement the statement version that caused it (the buyer's gateway checks it before
 *     signing)
 * @param statementHashHex its hash
 * @param amountSat positive: the hub pays the account over the hub -> prosumer channel; negative:
 *     the account pays the hub over its prosumer -> hub channel
 */
public record SettlementPayment(
    long id, Statement statement, String statementHashHex, long amountSat) {

  public SettlementPayment {
    Objects.requireNonNull(statement, "statement");
    Objects.requireNonNull(statementHashHex, "statementHashHex");
    if (amountSat == 0) {
      throw new IllegalArgumentException("a payment moves money");
    }
  }

  /** The account that pays or is paid. */
  public long accountId() {
    return statement.accountId();
  }
}
