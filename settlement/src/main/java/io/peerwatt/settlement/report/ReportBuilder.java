package io.peerwatt.settlement.report;

import io.peerwatt.protocol.statement.LineKind;
import io.peerwatt.protocol.statement.Statement;
import io.peerwatt.protocol.statement.StatementLine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a {@link UtilityReport} from the newest statement version of every account and slot, the
 * payments made for them and where they were anchored. Pure: no I/O, no clock.
 *
 * <p>Delivered bought is taken from the sellers' side: a trade's delivered energy is its seller's
 * {@code ENERGY_SALE} quantity for that trade; a buyer's delivered bought is the sum over its
 * {@code ENERGY_PURCHASE} trades. So the totals reconcile exactly when every trade's two statements
 * are present, and a report that does not reconcile shows a gap.
 */
public final class ReportBuilder {
  private ReportBuilder() {}

  /**
   * Payments of one account and slot.
   *
   * @param paidSat sum of paid payments
   * @param pendingSat sum of pending or refused ones
   */
  public record Payments(long paidSat, long pendingSat) {
    public static final Payments NONE = new Payments(0, 0);
  }

  /** Key of an account in a slot. */
  public record AccountSlot(long accountId, Instant slotStart) {}

  /**
   * @param statements the newest version per account and slot, in the zone and period
   * @param payments per account and slot
   * @param meteringPoints the metering points of each account in the zone
   * @param anchors anchor txids per account and slot (statement anchors)
   * @param chainRestarts the accounts and slots a chain restart's gap overlaps
   * @param usage every metering point's metered energy, for the ESPI form
   */
  public static UtilityReport build(
      String zoneCode,
      Instant from,
      Instant to,
      String currency,
      long tariffMilliCtPerKwh,
      List<Statement> statements,
      Map<AccountSlot, Payments> payments,
      Map<Long, List<Long>> meteringPoints,
      Map<AccountSlot, List<String>> anchors,
      Set<AccountSlot> chainRestarts,
      EspiFeed usage) {
    Map<String, Long> deliveredByTrade = new HashMap<>();
    for (Statement s : statements) {
      for (StatementLine line : s.lines()) {
        if (line.kind() == LineKind.ENERGY_SALE) {
          deliveredByTrade.merge(
              s.slot().start() + "/" + line.tradeId(), line.quantityWh(), Math::addExact);
        }
      }
    }
    List<Statement> ordered = new ArrayList<>(statements);
    ordered.sort(
        Comparator.comparing((Statement s) -> s.slot().start())
            .thenComparingLong(Statement::accountId));
    List<ReportRow> rows = new ArrayList<>();
    ReportTotals totals = ReportTotals.ZERO;
    for (Statement s : ordered) {
      long deliveredBought = 0;
      for (StatementLine line : s.lines()) {
        if (line.kind() == LineKind.ENERGY_PURCHASE) {
          deliveredBought =
              Math.addExact(
                  deliveredBought,
                  deliveredByTrade.getOrDefault(s.slot().start() + "/" + line.tradeId(), 0L));
        }
      }
      long residualImport = Math.max(0, s.importWh() - deliveredBought);
      long residualExport = Math.max(0, s.exportWh() - s.deliveredWh());
      long deviation =
          Math.subtractExact(
              Math.subtractExact(s.importWh(), s.exportWh()),
              Math.subtractExact(s.boughtWh(), s.soldWh()));
      long bill = billMilliCt(residualImport, tariffMilliCtPerKwh);
      AccountSlot key = new AccountSlot(s.accountId(), s.slot().start());
      Payments p = payments.getOrDefault(key, Payments.NONE);
      ReportRow row =
          new ReportRow(
              meteringPoints.getOrDefault(s.accountId(), List.of()),
              s.accountId(),
              s.slot().start(),
              s.version(),
              s.importWh(),
              s.exportWh(),
              s.boughtWh(),
              s.soldWh(),
              deliveredBought,
              s.deliveredWh(),
              residualImport,
              residualExport,
              deviation,
              bill,
              s.totalSat(),
              p.paidSat(),
              p.pendingSat(),
              s.estimated(),
              s.missing(),
              chainRestarts.contains(key),
              anchors.getOrDefault(key, List.of()));
      rows.add(row);
      totals = totals.plus(row);
    }
    return new UtilityReport(
        zoneCode, from, to, currency, tariffMilliCtPerKwh, rows, totals, usage, List.of());
  }

  /** Wh times milli-cent per kWh, divided by 1000, rounded half up. */
  static long billMilliCt(long wh, long tariffMilliCtPerKwh) {
    return Math.addExact(Math.multiplyExact(wh, tariffMilliCtPerKwh), 500) / 1000;
  }
}
