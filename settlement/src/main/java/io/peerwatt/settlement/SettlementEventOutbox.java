package io.peerwatt.settlement;

import static io.peerwatt.db.schema.Tables.SETTLEMENT_EVENT;
import static io.peerwatt.db.schema.Tables.SETTLEMENT_SLOT;

import io.peerwatt.protocol.statement.Statement;
import io.peerwatt.protocol.statement.StatementCodec;
import java.time.Instant;
import java.util.List;
import org.jooq.DSLContext;

/**
 * Writes the settlement events of one settlement of a slot into the outbox table {@code
 * settlement_event}, inside the transaction that records the slot and its statements: the events
 * exist exactly when what they announce was committed. A relay of the cluster module appends them
 * to Kafka. First a {@code STATEMENT_MADE} per new statement version, then the slot's {@code
 * SLOT_CLOSED}, so a reader of the zone's events has the slot's statements when its close arrives.
 */
final class SettlementEventOutbox {
  /** A new statement version (outbox {@code kind}). */
  static final String STATEMENT_MADE = "STATEMENT_MADE";

  /** A zone's slot settled or re-settled (outbox {@code kind}). */
  static final String SLOT_CLOSED = "SLOT_CLOSED";

  private SettlementEventOutbox() {}

  /**
   * Whether the slot was settled before; call it in the transaction, before the slot's row is
   * written.
   */
  static boolean settledBefore(DSLContext tx, SettledSlot slot) {
    return tx.fetchExists(
        SETTLEMENT_SLOT,
        SETTLEMENT_SLOT
            .ZONE_CODE
            .eq(slot.terms().zoneCode())
            .and(SETTLEMENT_SLOT.SLOT_START.eq(slot.terms().slot().start())));
  }

  /** Writes the events of a settlement that wrote {@code newVersions} and {@code payments}. */
  static void record(
      DSLContext tx,
      SettledSlot slot,
      List<Statement> newVersions,
      List<SettlementPayment> payments,
      boolean resettled,
      Instant at) {
    String zone = slot.terms().zoneCode();
    Instant slotStart = slot.terms().slot().start();
    for (Statement s : newVersions) {
      tx.insertInto(SETTLEMENT_EVENT)
          .set(SETTLEMENT_EVENT.KIND, STATEMENT_MADE)
          .set(SETTLEMENT_EVENT.ZONE_CODE, zone)
          .set(SETTLEMENT_EVENT.SLOT_START, slotStart)
          .set(SETTLEMENT_EVENT.ACCOUNT_ID, s.accountId())
          .set(SETTLEMENT_EVENT.VERSION, s.version())
          .set(SETTLEMENT_EVENT.TOTAL_AMOUNT, s.totalAmount())
          .set(SETTLEMENT_EVENT.TOTAL_SAT, s.totalSat())
          .set(SETTLEMENT_EVENT.STATEMENT_HASH, StatementCodec.hash(s))
          .set(SETTLEMENT_EVENT.CREATED_AT, at)
          .execute();
    }
    long paymentSat = 0;
    for (SettlementPayment p : payments) {
      paymentSat = Math.addExact(paymentSat, p.amountSat());
    }
    tx.insertInto(SETTLEMENT_EVENT)
        .set(SETTLEMENT_EVENT.KIND, SLOT_CLOSED)
        .set(SETTLEMENT_EVENT.ZONE_CODE, zone)
        .set(SETTLEMENT_EVENT.SLOT_START, slotStart)
        .set(SETTLEMENT_EVENT.STATEMENTS, newVersions.size())
        .set(SETTLEMENT_EVENT.PAYMENTS, payments.size())
        .set(SETTLEMENT_EVENT.PAYMENT_SAT, paymentSat)
        .set(SETTLEMENT_EVENT.RESETTLED, resettled)
        .set(SETTLEMENT_EVENT.CREATED_AT, at)
        .execute();
  }
}
