package io.peerwatt.settlement.m2m;

import static io.peerwatt.db.schema.Tables.ACCOUNT;
import static io.peerwatt.db.schema.Tables.SETTLEMENT_PAYMENT;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.settlement.PaymentStatus;
import io.peerwatt.settlement.SlotKey;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * The settlement payments of machine-to-machine accounts as the hub's gateway side reads them.
 * Blocking.
 */
final class GatewayPaymentStore {
  /** Most waiting debits one poll returns. */
  private static final int MAX_REQUESTS = 100;

  private final DSLContext db;

  GatewayPaymentStore(DSLContext db) {
    this.db = Objects.requireNonNull(db, "db");
  }

  /**
   * A debit of an account: what it pays for, and (once the dispatcher chose it) the channel and the
   * exact payee amount the commitment must reach.
   *
   * @param channelId null while no buyer channel of the account is open
   * @param targetPayeeSats null while no channel was chosen
   */
  record Debit(
      long paymentId,
      SlotKey key,
      int statementVersion,
      long amountSat,
      String channelId,
      Long targetPayeeSats) {}

  /** Payment {@code paymentId} if it is a debit of {@code accountId}. */
  Optional<Debit> debit(long accountId, long paymentId) {
    return debits(
            1, SETTLEMENT_PAYMENT.ID.eq(paymentId), SETTLEMENT_PAYMENT.ACCOUNT_ID.eq(accountId))
        .stream()
        .findFirst();
  }

  /** The account's pending debits, oldest first, at most {@value #MAX_REQUESTS}. */
  List<Debit> pendingDebits(long accountId) {
    return debits(
        MAX_REQUESTS,
        SETTLEMENT_PAYMENT.ACCOUNT_ID.eq(accountId),
        SETTLEMENT_PAYMENT.STATUS.eq(PaymentStatus.PENDING.code()));
  }

  /** The debits that meet {@code conditions}, oldest first, at most {@code limit}. */
  private List<Debit> debits(int limit, Condition... conditions) {
    return db.select(
            SETTLEMENT_PAYMENT.ID,
            SETTLEMENT_PAYMENT.ZONE_CODE,
            SETTLEMENT_PAYMENT.SLOT_START,
            SETTLEMENT_PAYMENT.STATEMENT_VERSION,
            SETTLEMENT_PAYMENT.AMOUNT_SAT,
            SETTLEMENT_PAYMENT.CHANNEL_ID,
            SETTLEMENT_PAYMENT.TARGET_PAYEE_SATS)
        .from(SETTLEMENT_PAYMENT)
        .where(SETTLEMENT_PAYMENT.AMOUNT_SAT.lt(0L))
        .and(DSL.and(conditions))
        .orderBy(SETTLEMENT_PAYMENT.ID)
        .limit(limit)
        .fetch(
            r ->
                new Debit(
                    r.value1(),
                    new SlotKey(r.value2(), DeliverySlot.startingAt(r.value3())),
                    r.value4(),
                    r.value5(),
                    r.value6(),
                    r.value7()));
  }

  /** Machine-to-machine accounts, not disabled, that a pending credit waits for, by id. */
  List<Long> m2mAccountsOwedCredit() {
    return db.selectDistinct(ACCOUNT.ID)
        .from(ACCOUNT)
        .join(SETTLEMENT_PAYMENT)
        .on(SETTLEMENT_PAYMENT.ACCOUNT_ID.eq(ACCOUNT.ID))
        .where(ACCOUNT.PAYMENT_MODE.eq(GatewayRegistry.M2M).and(ACCOUNT.DISABLED_AT.isNull()))
        .and(SETTLEMENT_PAYMENT.STATUS.eq(PaymentStatus.PENDING.code()))
        .and(SETTLEMENT_PAYMENT.AMOUNT_SAT.gt(0L))
        .orderBy(ACCOUNT.ID)
        .fetch(ACCOUNT.ID);
  }
}
