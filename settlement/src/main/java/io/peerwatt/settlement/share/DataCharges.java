package io.peerwatt.settlement.share;

import static io.peerwatt.db.schema.Tables.DATA_APPLICATION;
import static io.peerwatt.db.schema.Tables.DATA_CHARGE;
import static io.peerwatt.db.schema.Tables.DATA_GRANT;
import static io.peerwatt.db.schema.Tables.DATA_OFFER;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.statement.LineKind;
import io.peerwatt.protocol.statement.MeteredEnergy;
import io.peerwatt.settlement.ServiceLines;
import io.peerwatt.settlement.SlotKey;
import io.peerwatt.settlement.allocation.AllocatedLine;
import io.peerwatt.settlement.allocation.SlotTerms;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.LongFunction;
import org.jooq.DSLContext;
import org.jooq.Table;
import org.jooq.impl.DSL;

/**
 * Payment for shared meter data on the slot statements. Each (grant, UTC day of data) a third party
 * received (a readings or ESPI answer covering any part of the day) is charged once, at the grant's
 * price per home per day, less the zone's platform fee for the household; {@link #book} writes the
 * new charges onto the slot now under way in the household's zone (never settled yet), and {@link
 * #lines} puts each slot's charges on its statements: the third party's {@code DATA_PURCHASE}
 * (−gross), the household's {@code DATA_SALE} (+gross) and {@code DATA_PLATFORM_FEE} (−fee), one
 * line per grant with the grant id as reference. Charges are stored rows, so a slot's lines are the
 * same in every later version. The rules are in {@code settlement/SETTLEMENT-RULES.md}. Blocking.
 */
public final class DataCharges implements ServiceLines {
  /** The currency data prices are in: only zones whose market is in it carry data charges. */
  public static final String CURRENCY = "EUR";

  /** Each data charge beside its grant, the grant's offer and the offer's application. */
  static final Table<?> CHARGED_GRANTS =
      DATA_CHARGE
          .join(DATA_GRANT)
          .on(DATA_GRANT.ID.eq(DATA_CHARGE.GRANT_ID))
          .join(DATA_OFFER)
          .on(DATA_OFFER.ID.eq(DATA_GRANT.OFFER_ID))
          .join(DATA_APPLICATION)
          .on(DATA_APPLICATION.ID.eq(DATA_OFFER.APPLICATION_ID));

  private final DSLContext dsl;

  public DataCharges(DSLContext dsl) {
    this.dsl = Objects.requireNonNull(dsl, "dsl");
  }

  /**
   * Charges every (grant, day of data) delivered and not charged yet, on the slot containing {@code
   * now}: it ends after {@code now}, so it has not been settled. Safe to run twice: a day already
   * charged is left as it is.
   *
   * @return how many charges were written
   */
  public int book(Instant now) {
    Instant slot = DeliverySlot.containing(now).start();
    // the UTC days each answer touched: from the midnight at or before period_from up to the last
    // instant before period_to
    return dsl.execute(
        """
        INSERT INTO data_charge
            (grant_id, data_day, gross_milli_ct, fee_milli_ct, zone_code, slot_start, booked_at)
        SELECT DISTINCT a.grant_id, d.day, g.price_milli_ct_per_home_day,
               g.price_milli_ct_per_home_day * z.data_fee_basis_points / 10000,
               z.zone_code, CAST(? AS TIMESTAMPTZ), CAST(? AS TIMESTAMPTZ)
          FROM data_access a
          JOIN data_grant g ON g.id = a.grant_id
          JOIN account h ON h.id = g.account_id
          JOIN market_zone z ON z.zone_code = h.zone_code
          CROSS JOIN LATERAL generate_series(
              date_trunc('day', a.period_from AT TIME ZONE 'UTC') AT TIME ZONE 'UTC',
              a.period_to - INTERVAL '1 microsecond',
              INTERVAL '1 day') AS d(day)
         WHERE a.kind <> 'proof' AND a.days > 0 AND z.currency = ?
           AND NOT EXISTS (SELECT 1 FROM data_charge c
                            WHERE c.grant_id = a.grant_id AND c.data_day = d.day)
        ON CONFLICT (grant_id, data_day) DO NOTHING
        """,
        slot.toString(),
        now.toString(),
        CURRENCY);
  }

  @Override
  public List<SlotKey> slots(Instant endFrom, Instant endTo) {
    return dsl.selectDistinct(DATA_CHARGE.ZONE_CODE, DATA_CHARGE.SLOT_START)
        .from(DATA_CHARGE)
        .where(
            DATA_CHARGE.SLOT_START.between(
                endFrom.minus(DeliverySlot.LENGTH), endTo.minus(DeliverySlot.LENGTH)))
        .orderBy(DATA_CHARGE.ZONE_CODE, DATA_CHARGE.SLOT_START)
        .fetch(r -> new SlotKey(r.value1(), DeliverySlot.startingAt(r.value2())));
  }

  @Override
  public Map<Long, List<AllocatedLine>> lines(
      SlotKey key, SlotTerms terms, LongFunction<MeteredEnergy> metered) {
    Map<Long, List<AllocatedLine>> lines = new TreeMap<>();
    if (!terms.currency().equals(CURRENCY)) {
      return lines;
    }
    dsl.select(
            DATA_CHARGE.GRANT_ID,
            DATA_GRANT.ACCOUNT_ID,
            DATA_APPLICATION.ACCOUNT_ID,
            DSL.sum(DATA_CHARGE.GROSS_MILLI_CT),
            DSL.sum(DATA_CHARGE.FEE_MILLI_CT))
        .from(CHARGED_GRANTS)
        .where(
            DATA_CHARGE.ZONE_CODE.eq(key.zoneCode()), DATA_CHARGE.SLOT_START.eq(key.slot().start()))
        .groupBy(DATA_CHARGE.GRANT_ID, DATA_GRANT.ACCOUNT_ID, DATA_APPLICATION.ACCOUNT_ID)
        .orderBy(DATA_CHARGE.GRANT_ID)
        .forEach(
            r -> {
              long grant = r.value1();
              long gross = longOf(r.value4());
              long fee = longOf(r.value5());
              if (gross == 0) {
                return;
              }
              add(
                  lines,
                  r.value3(),
                  new AllocatedLine(LineKind.DATA_PURCHASE, grant, 0, 0, -gross));
              add(lines, r.value2(), new AllocatedLine(LineKind.DATA_SALE, grant, 0, 0, gross));
              if (fee > 0) {
                add(
                    lines,
                    r.value2(),
                    new AllocatedLine(LineKind.DATA_PLATFORM_FEE, grant, 0, 0, -fee));
              }
            });
    return lines;
  }

  private static void add(Map<Long, List<AllocatedLine>> lines, long account, AllocatedLine line) {
    lines.computeIfAbsent(account, a -> new ArrayList<>()).add(line);
  }

  private static long longOf(BigDecimal sum) {
    return sum.longValueExact();
  }
}
