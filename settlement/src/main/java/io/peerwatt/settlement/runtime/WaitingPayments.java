package io.peerwatt.settlement.runtime;

import static io.peerwatt.db.schema.Tables.ACCOUNT;
import static io.peerwatt.db.schema.Tables.SETTLEMENT_PAYMENT;

import io.peerwatt.settlement.PaymentStatus;
import io.peerwatt.settlement.m2m.GatewayRegistry;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jooq.DSLContext;

/**
 * Which accounts pending settlement payments wait for, as the channel-opening policy asks.
 * Blocking.
 */
final class WaitingPayments {
  private final DSLContext dsl;

  WaitingPayments(DSLContext dsl) {
    this.dsl = Objects.requireNonNull(dsl, "dsl");
  }

  /**
   * The accounts with pending payments.
   *
   * @param credits accounts a pending credit waits for (they are to be paid)
   * @param debits accounts with a pending debit (they are to pay)
   */
  record Waiting(Set<Long> credits, Set<Long> debits) {}

  Waiting pending() {
    Set<Long> credits = new HashSet<>();
    Set<Long> debits = new HashSet<>();
    dsl.selectDistinct(SETTLEMENT_PAYMENT.ACCOUNT_ID, SETTLEMENT_PAYMENT.AMOUNT_SAT.gt(0L))
        .from(SETTLEMENT_PAYMENT)
        .where(SETTLEMENT_PAYMENT.STATUS.eq(PaymentStatus.PENDING.code()))
        .forEach(r -> (r.value2() ? credits : debits).add(r.value1()));
    return new Waiting(credits, debits);
  }

  /**
   * The custodial accounts that pay or are paid by settlement (prosumers, and third parties paying
   * for shared data), not disabled, among {@code accounts}, by id.
   */
  List<Long> custodialPayingAccounts(Set<Long> accounts) {
    return dsl.select(ACCOUNT.ID)
        .from(ACCOUNT)
        .where(
            ACCOUNT
                .ROLE
                .in("prosumer", "third_party")
                .and(ACCOUNT.DISABLED_AT.isNull())
                .and(ACCOUNT.PAYMENT_MODE.eq(GatewayRegistry.CUSTODIAL)))
        .and(ACCOUNT.ID.in(accounts))
        .orderBy(ACCOUNT.ID)
        .fetch(ACCOUNT.ID);
  }
}
