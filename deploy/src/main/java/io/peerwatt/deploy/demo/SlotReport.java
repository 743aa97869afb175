package io.peerwatt.deploy.demo;

import io.peerwatt.settlement.anchor.JdbcAnchorSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.Record;

/**
 * One zone's slot as the demo prints it once done: readings, orders, clearing, trades, statements,
 * channel payments and the mined anchor.
 *
 * @param doneAt the (simulated) time the slot was seen done
 */
record SlotReport(
    String zone,
    Instant start,
    long readings,
    long orders,
    long trades,
    Long priceMilliCtPerKwh,
    long volumeWh,
    long statements,
    long paymentsPaid,
    long paymentsPending,
    String anchorTxid,
    Long anchorBlock,
    Instant doneAt) {

  /**
   * Every zone's report of the slot starting at {@code slot} when the slot is settled, paid and its
   * anchor mined in every zone (a zone without trades is done as it is); null while something is
   * missing.
   */
  static List<SlotReport> whenDone(DSLContext dsl, List<String> zones, Instant slot, Clock clock) {
    OffsetDateTime start = slot.atOffset(ZoneOffset.UTC);
    List<SlotReport> reports = new ArrayList<>();
    for (String zone : zones) {
      long trades =
          Rows.count(
              dsl,
              "select count(*) from trade where zone_code = ? and slot_start = ?::timestamptz",
              zone,
              start);
      long statements =
          Rows.count(
              dsl,
              "select count(distinct account_id) from settlement_statement"
                  + " where zone_code = ? and slot_start = ?::timestamptz",
              zone,
              start);
      long pending =
          Rows.count(
              dsl,
              "select count(*) from settlement_payment where zone_code = ?"
                  + " and slot_start = ?::timestamptz and status = 'pending'",
              zone,
              start);
      if (trades > 0 && (statements == 0 || pending > 0)) {
        return null;
      }
      // the slot's anchor (first one: later ones hold late items), mined
      Record anchor =
          dsl.fetchOptional(
                  "select txid, block_height from anchor where anchor_key = ?"
                      + " order by created_at limit 1",
                  "slot:" + zone + ":" + JdbcAnchorSource.interval(slot))
              .orElse(null);
      if (trades > 0 && (anchor == null || anchor.get(1) == null)) {
        return null;
      }
      long paid =
          Rows.count(
              dsl,
              "select count(*) from settlement_payment where zone_code = ?"
                  + " and slot_start = ?::timestamptz and status = 'paid'",
              zone,
              start);
      long orders =
          Rows.count(
              dsl,
              "select count(*) from market_order where zone_code = ?"
                  + " and slot_start = ?::timestamptz",
              zone,
              start);
      long readings =
          Rows.count(
              dsl,
              "select count(*) from reading r join device d on d.id = r.device_id"
                  + " join metering_point m on m.id = d.metering_point_id join account a on a.id = m.account_id"
                  + " where a.zone_code = ? and r.taken_at >= ?::timestamptz and r.taken_at <= ?::timestamptz",
              zone,
              start,
              start.plus(Demo.SLOT));
      Record clearing =
          dsl.fetchOptional(
                  "select volume_wh, price_per_kwh from clearing_result"
                      + " where zone_code = ? and slot_start = ?::timestamptz",
                  zone,
                  start)
              .orElse(null);
      reports.add(
          new SlotReport(
              zone,
              slot,
              readings,
              orders,
              trades,
              clearing == null ? null : clearing.get(1, Long.class),
              clearing == null ? 0 : clearing.get(0, Long.class),
              statements,
              paid,
              pending,
              anchor == null ? null : anchor.get(0, String.class),
              anchor == null ? null : anchor.get(1, Long.class),
              clock.instant()));
    }
    return reports;
  }

  /** The line the demo prints for the slot. */
  String line() {
    return String.format(
        "slot %s %s: readings %d, orders %d, clearing %s, volume %d Wh, trades %d, statements %d,"
            + " channel payments %d, anchor %s; done %d s (simulated) after the slot ended",
        zone,
        Demo.slotText(start),
        readings,
        orders,
        priceMilliCtPerKwh == null ? "none" : priceMilliCtPerKwh + " milli-ct/kWh",
        volumeWh,
        trades,
        statements,
        paymentsPaid,
        anchorTxid == null ? "none (nothing settled)" : anchorTxid + " in block " + anchorBlock,
        Duration.between(start.plus(Demo.SLOT), doneAt).toSeconds());
  }
}
