package io.peerwatt.settlement;

import static io.peerwatt.db.schema.Tables.SETTLEMENT_PAYMENT;
import static io.peerwatt.db.schema.Tables.SETTLEMENT_SLOT;
import static io.peerwatt.db.schema.Tables.SETTLEMENT_STATEMENT;

import io.peerwatt.db.schema.tables.records.SettlementSlotRecord;
import io.peerwatt.protocol.PriceUnit;
import io.peerwatt.protocol.statement.ExchangeRate;
import io.peerwatt.protocol.statement.Statement;
import io.peerwatt.protocol.statement.StatementCodec;
import io.peerwatt.settlement.allocation.SlotTerms;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.SelectField;
import org.jooq.SelectLimitStep;

/**
 * {@link StatementStore} on the V6/V7 tables ({@code settlement_slot}, {@code
 * settlement_statement}, {@code settlement_payment}). Statements are stored as their canonical
 * encoding and read back from it, so what is served is byte for byte what was hashed. Blocking
 * JDBC: call from a worker thread.
 *
 * <p>With settlement events (a cluster node, issue 17) each {@link #record} also writes the
 * settlement's events into the outbox {@code settlement_event} in the same transaction ({@link
 * SettlementEventOutbox}); a single process writes none.
 */
public final class JdbcStatementStore implements StatementStore {
  private static final HexFormat HEX = HexFormat.of();
  private final DSLContext dsl;
  private final boolean settlementEvents;

  /** A store that writes no settlement events (a single process). */
  public JdbcStatementStore(DSLContext dsl) {
    this(dsl, false);
  }

  /**
   * @param settlementEvents whether {@link #record} writes the settlement's events into the outbox
   */
  public JdbcStatementStore(DSLContext dsl, boolean settlementEvents) {
    this.dsl = Objects.requireNonNull(dsl, "dsl");
    this.settlementEvents = settlementEvents;
  }

  /** Whether {@link #record} writes settlement events into the outbox. */
  public boolean settlementEvents() {
    return settlementEvents;
  }

  @Override
  public Optional<SettledSlot> settledSlot(SlotKey key) {
    SettlementSlotRecord r =
        dsl.selectFrom(SETTLEMENT_SLOT)
            .where(
                SETTLEMENT_SLOT.ZONE_CODE.eq(key.zoneCode()),
                SETTLEMENT_SLOT.SLOT_START.eq(key.slot().start()))
            .fetchOne();
    if (r == null) {
      return Optional.empty();
    }
    SlotTerms terms =
        new SlotTerms(
            key.zoneCode(),
            key.slot(),
            r.getCurrency(),
            PriceUnit.valueOf(r.getPriceUnit()),
            r.getImbalancePricePerKwh());
    ExchangeRate rate =
        new ExchangeRate(
            r.getCurrency(),
            r.getRateSatoshisPerUnit(),
            r.getRateMarketUnitsPerUnit(),
            r.getRateSource(),
            r.getRateAsOf());
    return Optional.of(new SettledSlot(terms, rate));
  }

  @Override
  public Map<Long, Statement> latestStatements(SlotKey key) {
    Map<Long, Statement> latest = new TreeMap<>();
    dsl.select(SETTLEMENT_STATEMENT.ENCODED)
        .from(SETTLEMENT_STATEMENT)
        .where(slotOf(key))
        .orderBy(SETTLEMENT_STATEMENT.ACCOUNT_ID, SETTLEMENT_STATEMENT.VERSION)
        .fetch(r -> StatementCodec.decode(r.value1()))
        .forEach(s -> latest.put(s.accountId(), s));
    return latest;
  }

  @Override
  public List<Statement> versions(long accountId, SlotKey key) {
    return dsl.select(SETTLEMENT_STATEMENT.ENCODED)
        .from(SETTLEMENT_STATEMENT)
        .where(slotOf(key), SETTLEMENT_STATEMENT.ACCOUNT_ID.eq(accountId))
        .orderBy(SETTLEMENT_STATEMENT.VERSION)
        .fetch(r -> StatementCodec.decode(r.value1()));
  }

  @Override
  public void record(
      SettledSlot slot, List<Statement> newVersions, List<SettlementPayment> payments, Instant at) {
    dsl.transaction(
        cfg -> {
          DSLContext tx = cfg.dsl();
          boolean resettled = settlementEvents && SettlementEventOutbox.settledBefore(tx, slot);
          ExchangeRate rate = slot.rate();
          tx.insertInto(SETTLEMENT_SLOT)
              .set(SETTLEMENT_SLOT.ZONE_CODE, slot.terms().zoneCode())
              .set(SETTLEMENT_SLOT.SLOT_START, slot.terms().slot().start())
              .set(SETTLEMENT_SLOT.CURRENCY, slot.terms().currency())
              .set(SETTLEMENT_SLOT.PRICE_UNIT, slot.terms().priceUnit().name())
              .set(SETTLEMENT_SLOT.IMBALANCE_PRICE_PER_KWH, slot.terms().imbalancePricePerKwh())
              .set(SETTLEMENT_SLOT.RATE_SATOSHIS_PER_UNIT, rate.satoshisPerUnit())
              .set(SETTLEMENT_SLOT.RATE_MARKET_UNITS_PER_UNIT, rate.marketUnitsPerUnit())
              .set(SETTLEMENT_SLOT.RATE_SOURCE, rate.source())
              .set(SETTLEMENT_SLOT.RATE_AS_OF, rate.asOf())
              .set(SETTLEMENT_SLOT.FIRST_SETTLED_AT, at)
              .set(SETTLEMENT_SLOT.LAST_SETTLED_AT, at)
              .onConflict(SETTLEMENT_SLOT.ZONE_CODE, SETTLEMENT_SLOT.SLOT_START)
              .doUpdate()
              .set(SETTLEMENT_SLOT.LAST_SETTLED_AT, at)
              .execute();
          for (Statement s : newVersions) {
            byte[] encoded = StatementCodec.encode(s);
            tx.insertInto(SETTLEMENT_STATEMENT)
                .set(SETTLEMENT_STATEMENT.ACCOUNT_ID, s.accountId())
                .set(SETTLEMENT_STATEMENT.ZONE_CODE, s.zoneCode())
                .set(SETTLEMENT_STATEMENT.SLOT_START, s.slot().start())
                .set(SETTLEMENT_STATEMENT.VERSION, s.version())
                .set(SETTLEMENT_STATEMENT.STATEMENT_HASH, StatementCodec.hash(s))
                .set(SETTLEMENT_STATEMENT.PREVIOUS_HASH, HEX.parseHex(s.previousHashHex()))
                .set(SETTLEMENT_STATEMENT.ENCODED, encoded)
                .set(SETTLEMENT_STATEMENT.TOTAL_AMOUNT, s.totalAmount())
                .set(SETTLEMENT_STATEMENT.TOTAL_SAT, s.totalSat())
                .set(SETTLEMENT_STATEMENT.ESTIMATED, s.estimated())
                .set(SETTLEMENT_STATEMENT.MISSING, s.missing())
                .set(SETTLEMENT_STATEMENT.CREATED_AT, at)
                .execute();
          }
          for (SettlementPayment p : payments) {
            Statement s = p.statement();
            tx.insertInto(SETTLEMENT_PAYMENT)
                .set(SETTLEMENT_PAYMENT.ACCOUNT_ID, s.accountId())
                .set(SETTLEMENT_PAYMENT.ZONE_CODE, s.zoneCode())
                .set(SETTLEMENT_PAYMENT.SLOT_START, s.slot().start())
                .set(SETTLEMENT_PAYMENT.STATEMENT_VERSION, s.version())
                .set(SETTLEMENT_PAYMENT.STATEMENT_HASH, HEX.parseHex(p.statementHashHex()))
                .set(SETTLEMENT_PAYMENT.AMOUNT_SAT, p.amountSat())
                .set(SETTLEMENT_PAYMENT.STATUS, PaymentStatus.PENDING.code())
                .set(SETTLEMENT_PAYMENT.CREATED_AT, at)
                .set(SETTLEMENT_PAYMENT.UPDATED_AT, at)
                .execute();
          }
          if (settlementEvents) {
            SettlementEventOutbox.record(tx, slot, newVersions, payments, resettled, at);
          }
        });
  }

  @Override
  public List<SettlementPayment> pendingPayments(int limit) {
    return paymentQuery(SETTLEMENT_PAYMENT.STATUS.eq(PaymentStatus.PENDING.code()))
        .limit(limit)
        .fetch(JdbcStatementStore::payment);
  }

  @Override
  public void markPayment(long paymentId, PaymentOutcome outcome, Instant at) {
    if (outcome.status() == PaymentStatus.PENDING) {
      dsl.update(SETTLEMENT_PAYMENT)
          .set(SETTLEMENT_PAYMENT.UPDATED_AT, at)
          .where(
              SETTLEMENT_PAYMENT.ID.eq(paymentId),
              SETTLEMENT_PAYMENT.STATUS.eq(PaymentStatus.PENDING.code()))
          .execute();
      return;
    }
    String detail =
        outcome.detail().length() > 300 ? outcome.detail().substring(0, 300) : outcome.detail();
    boolean refused = outcome.status() == PaymentStatus.REFUSED;
    // only a pending payment changes: a paid one stays paid whatever arrives late
    dsl.update(SETTLEMENT_PAYMENT)
        .set(SETTLEMENT_PAYMENT.STATUS, outcome.status().code())
        .set(SETTLEMENT_PAYMENT.REFUSAL_CODE, refused ? outcome.refusalCode() : null)
        .set(SETTLEMENT_PAYMENT.REFUSAL_DETAIL, refused ? detail : null)
        .set(SETTLEMENT_PAYMENT.UPDATED_AT, at)
        .where(
            SETTLEMENT_PAYMENT.ID.eq(paymentId),
            SETTLEMENT_PAYMENT.STATUS.eq(PaymentStatus.PENDING.code()))
        .execute();
  }

  @Override
  public Optional<ChannelTarget> target(long paymentId) {
    return dsl.select(SETTLEMENT_PAYMENT.CHANNEL_ID, SETTLEMENT_PAYMENT.TARGET_PAYEE_SATS)
        .from(SETTLEMENT_PAYMENT)
        .where(SETTLEMENT_PAYMENT.ID.eq(paymentId), SETTLEMENT_PAYMENT.CHANNEL_ID.isNotNull())
        .fetchOptional(r -> new ChannelTarget(r.value1(), r.value2()));
  }

  @Override
  public void recordTarget(long paymentId, ChannelTarget target) {
    int updated =
        dsl.update(SETTLEMENT_PAYMENT)
            .set(SETTLEMENT_PAYMENT.CHANNEL_ID, target.channelId())
            .set(SETTLEMENT_PAYMENT.TARGET_PAYEE_SATS, target.payeeAmountSats())
            .where(SETTLEMENT_PAYMENT.ID.eq(paymentId))
            .execute();
    if (updated != 1) {
      throw new IllegalStateException("payment " + paymentId + " is unknown");
    }
  }

  @Override
  public List<PaymentRecord> payments(long accountId, SlotKey key) {
    return paymentQuery(
            SETTLEMENT_PAYMENT
                .ACCOUNT_ID
                .eq(accountId)
                .and(SETTLEMENT_PAYMENT.ZONE_CODE.eq(key.zoneCode()))
                .and(SETTLEMENT_PAYMENT.SLOT_START.eq(key.slot().start())))
        .fetch(
            r -> {
              PaymentStatus status = PaymentStatus.ofCode(r.get(SETTLEMENT_PAYMENT.STATUS));
              Integer code = r.get(SETTLEMENT_PAYMENT.REFUSAL_CODE);
              String detail = r.get(SETTLEMENT_PAYMENT.REFUSAL_DETAIL);
              return new PaymentRecord(
                  payment(r),
                  new PaymentOutcome(
                      status, code == null ? 0 : code, detail == null ? "" : detail));
            });
  }

  private SelectLimitStep<Record> paymentQuery(Condition condition) {
    List<SelectField<?>> fields = new ArrayList<>(Arrays.asList(SETTLEMENT_PAYMENT.fields()));
    fields.add(SETTLEMENT_STATEMENT.ENCODED);
    return dsl.select(fields)
        .from(SETTLEMENT_PAYMENT)
        .join(SETTLEMENT_STATEMENT)
        .on(
            SETTLEMENT_STATEMENT.ACCOUNT_ID.eq(SETTLEMENT_PAYMENT.ACCOUNT_ID),
            SETTLEMENT_STATEMENT.ZONE_CODE.eq(SETTLEMENT_PAYMENT.ZONE_CODE),
            SETTLEMENT_STATEMENT.SLOT_START.eq(SETTLEMENT_PAYMENT.SLOT_START),
            SETTLEMENT_STATEMENT.VERSION.eq(SETTLEMENT_PAYMENT.STATEMENT_VERSION))
        .where(condition)
        .orderBy(SETTLEMENT_PAYMENT.ID);
  }

  private static SettlementPayment payment(Record r) {
    return new SettlementPayment(
        r.get(SETTLEMENT_PAYMENT.ID),
        StatementCodec.decode(r.get(SETTLEMENT_STATEMENT.ENCODED)),
        HEX.formatHex(r.get(SETTLEMENT_PAYMENT.STATEMENT_HASH)),
        r.get(SETTLEMENT_PAYMENT.AMOUNT_SAT));
  }

  private static Condition slotOf(SlotKey key) {
    return SETTLEMENT_STATEMENT
        .ZONE_CODE
        .eq(key.zoneCode())
        .and(SETTLEMENT_STATEMENT.SLOT_START.eq(key.slot().start()));
  }
}
