package io.peerwatt.settlement.share;

import static io.peerwatt.db.schema.Tables.DATA_APPLICATION;
import static io.peerwatt.db.schema.Tables.DATA_CHARGE;
import static io.peerwatt.db.schema.Tables.DATA_GRANT;
import static io.peerwatt.db.schema.Tables.SETTLEMENT_PAYMENT;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.statement.LineKind;
import io.peerwatt.protocol.statement.Statement;
import io.peerwatt.protocol.statement.StatementLine;
import io.peerwatt.settlement.PaymentStatus;
import io.peerwatt.settlement.SlotKey;
import io.peerwatt.settlement.StatementStore;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;

/**
 * What was charged and paid for shared data, per grant: the days charged and their amounts in
 * euros, and from the slot statements that carry them the satoshis the third party paid, the
 * household received and the platform kept. Satoshis count once the statement's payments are all
 * paid. Blocking.
 */
public final class DataPayments {

  /**
   * One grant's data payments.
   *
   * @param days days of data charged
   * @param grossMilliCt what the third party owes for them, 0.001 ct
   * @param feeMilliCt the platform's fee on them
   * @param netMilliCt what the household receives: gross − fee
   * @param unsettledDays days charged on slots not settled yet (no satoshis yet)
   * @param thirdPartyPaidSat the third party's {@code DATA_PURCHASE} satoshis on its statements
   *     whose payments are all paid
   * @param householdReceivedSat the household's {@code DATA_SALE} plus {@code DATA_PLATFORM_FEE}
   *     satoshis on its statements whose payments are all paid
   * @param platformFeeSat the platform fee the hub kept: the household's {@code DATA_PLATFORM_FEE}
   *     satoshis, negated, on the same statements
   * @param unpaidSat satoshis of settled lines whose statements are not paid yet (both sides)
   */
  public record GrantPayment(
      long grantId,
      long offerId,
      String applicationName,
      long thirdPartyAccountId,
      long householdAccountId,
      String resolution,
      long priceMilliCtPerHomeDay,
      int days,
      long grossMilliCt,
      long feeMilliCt,
      long netMilliCt,
      int unsettledDays,
      long thirdPartyPaidSat,
      long householdReceivedSat,
      long platformFeeSat,
      long unpaidSat) {

    /**
     * The satoshis reconcile: what the third party paid is what the household received plus the fee
     * the hub kept.
     */
    public boolean reconciled() {
      return thirdPartyPaidSat == householdReceivedSat + platformFeeSat;
    }

    /** Every day charged is settled and paid on both sides. */
    public boolean fullyPaid() {
      return unsettledDays == 0 && unpaidSat == 0;
    }
  }

  private final DSLContext dsl;
  private final StatementStore statements;

  public DataPayments(DSLContext dsl, StatementStore statements) {
    this.dsl = Objects.requireNonNull(dsl, "dsl");
    this.statements = Objects.requireNonNull(statements, "statements");
  }

  /** The household's grants that have charges, newest grant first. */
  public List<GrantPayment> ofHousehold(long accountId) {
    return grants(DATA_GRANT.ACCOUNT_ID.eq(accountId));
  }

  /** The third party's grants (over all its applications) that have charges, newest first. */
  public List<GrantPayment> ofThirdParty(long accountId) {
    return grants(DATA_APPLICATION.ACCOUNT_ID.eq(accountId));
  }

  /** Every grant with charges, newest first: the reconciliation of all data payments. */
  public List<GrantPayment> all() {
    return grants(DSL.noCondition());
  }

  /** What one grant's charges in one slot are grouped by, and selected as. */
  private static final List<Field<?>> GRANT_SLOT =
      List.of(
          DATA_GRANT.ID,
          DATA_GRANT.OFFER_ID,
          DATA_APPLICATION.NAME,
          DATA_APPLICATION.ACCOUNT_ID,
          DATA_GRANT.ACCOUNT_ID,
          DATA_GRANT.RESOLUTION,
          DATA_GRANT.PRICE_MILLI_CT_PER_HOME_DAY,
          DATA_CHARGE.ZONE_CODE,
          DATA_CHARGE.SLOT_START);

  private record Charge(
      long grantId,
      long offerId,
      String applicationName,
      long thirdParty,
      long household,
      String resolution,
      long price,
      SlotKey slot,
      int days,
      long gross,
      long fee) {}

  private List<GrantPayment> grants(Condition which) {
    Field<Integer> slotCharges = DSL.count();
    Field<BigDecimal> grossSum = DSL.sum(DATA_CHARGE.GROSS_MILLI_CT).as("gross");
    Field<BigDecimal> feeSum = DSL.sum(DATA_CHARGE.FEE_MILLI_CT).as("fee");
    List<Charge> charges =
        dsl.select(GRANT_SLOT)
            .select(slotCharges, grossSum, feeSum)
            .from(DataCharges.CHARGED_GRANTS)
            .where(which)
            .groupBy(GRANT_SLOT)
            .orderBy(DATA_GRANT.ID.desc(), DATA_CHARGE.SLOT_START)
            .fetch(
                r ->
                    new Charge(
                        r.get(DATA_GRANT.ID),
                        r.get(DATA_GRANT.OFFER_ID),
                        r.get(DATA_APPLICATION.NAME),
                        r.get(DATA_APPLICATION.ACCOUNT_ID),
                        r.get(DATA_GRANT.ACCOUNT_ID),
                        r.get(DATA_GRANT.RESOLUTION),
                        r.get(DATA_GRANT.PRICE_MILLI_CT_PER_HOME_DAY),
                        new SlotKey(
                            r.get(DATA_CHARGE.ZONE_CODE),
                            DeliverySlot.startingAt(r.get(DATA_CHARGE.SLOT_START))),
                        r.get(slotCharges),
                        r.get(grossSum).longValueExact(),
                        r.get(feeSum).longValueExact()));
    Map<SlotKey, Map<Long, Statement>> latest = new HashMap<>();
    Map<List<Object>, Boolean> paid = new HashMap<>();
    Map<Long, List<Charge>> byGrant = new LinkedHashMap<>();
    for (Charge c : charges) {
      byGrant.computeIfAbsent(c.grantId(), g -> new ArrayList<>()).add(c);
    }
    List<GrantPayment> out = new ArrayList<>();
    for (List<Charge> grant : byGrant.values()) {
      Charge first = grant.get(0);
      int days = 0;
      int unsettledDays = 0;
      long gross = 0;
      long fee = 0;
      long thirdPartyPaid = 0;
      long householdReceived = 0;
      long platformFee = 0;
      long unpaid = 0;
      for (Charge c : grant) {
        days += c.days();
        gross += c.gross();
        fee += c.fee();
        Map<Long, Statement> slot =
            latest.computeIfAbsent(c.slot(), k -> statements.latestStatements(k));
        Statement buyer = slot.get(c.thirdParty());
        Statement seller = slot.get(c.household());
        if (buyer == null || seller == null) {
          unsettledDays += c.days();
          continue;
        }
        long purchaseSat = -lineSat(buyer, LineKind.DATA_PURCHASE, c.grantId());
        long saleSat = lineSat(seller, LineKind.DATA_SALE, c.grantId());
        long feeSat = -lineSat(seller, LineKind.DATA_PLATFORM_FEE, c.grantId());
        if (paid.computeIfAbsent(List.of(c.thirdParty(), c.slot()), k -> isPaid(buyer))) {
          thirdPartyPaid += purchaseSat;
        } else {
          unpaid += purchaseSat;
        }
        if (paid.computeIfAbsent(List.of(c.household(), c.slot()), k -> isPaid(seller))) {
          householdReceived += saleSat - feeSat;
          platformFee += feeSat;
        } else {
          unpaid += saleSat;
        }
      }
      out.add(
          new GrantPayment(
              first.grantId(),
              first.offerId(),
              first.applicationName(),
              first.thirdParty(),
              first.household(),
              first.resolution(),
              first.price(),
              days,
              gross,
              fee,
              gross - fee,
              unsettledDays,
              thirdPartyPaid,
              householdReceived,
              platformFee,
              unpaid));
    }
    return out;
  }

  /** The satoshis of the statement's line of {@code kind} for the grant (0 when it has none). */
  private static long lineSat(Statement s, LineKind kind, long grantId) {
    long sat = 0;
    for (StatementLine l : s.lines()) {
      if (l.kind() == kind && l.tradeId() == grantId) {
        sat += l.amountSat();
      }
    }
    return sat;
  }

  /** Whether the account's payments for the statement's slot add up to its total, all paid. */
  private boolean isPaid(Statement s) {
    if (s.totalSat() == 0) {
      return true;
    }
    Long paidSat =
        dsl.select(DSL.sum(SETTLEMENT_PAYMENT.AMOUNT_SAT).cast(Long.class))
            .from(SETTLEMENT_PAYMENT)
            .where(
                SETTLEMENT_PAYMENT.ACCOUNT_ID.eq(s.accountId()),
                SETTLEMENT_PAYMENT.ZONE_CODE.eq(s.zoneCode()),
                SETTLEMENT_PAYMENT.SLOT_START.eq(slotStart(s)),
                SETTLEMENT_PAYMENT.STATUS.eq(PaymentStatus.PAID.code()))
            .fetchOne(0, Long.class);
    return paidSat != null && paidSat == s.totalSat();
  }

  private static Instant slotStart(Statement s) {
    return s.slot().start();
  }
}
