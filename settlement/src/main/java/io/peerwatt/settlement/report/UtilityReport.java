package io.peerwatt.settlement.report;

import java.time.Instant;
import java.util.List;

/**
 * A utility's settlement report for one zone and period: rows per metering point and slot, and
 * totals.
 *
 * @param zoneCode the zone
 * @param from period start (inclusive, slot starts)
 * @param to period end (exclusive)
 * @param currency the zone's market currency
 * @param tariffMilliCtPerKwh the tariff residual import is billed at (0 when not given)
 * @param rows ordered by slot, then account
 * @param totals sums over the rows
 * @param usage every metering point of the zone with its metered energy per quarter-hour, traded or
 *     not, and its account's statement money: what the ESPI form of the report says
 * @param flexibility a section per flexibility event with slots in the period, by start
 */
public record UtilityReport(
    String zoneCode,
    Instant from,
    Instant to,
    String currency,
    long tariffMilliCtPerKwh,
    List<ReportRow> rows,
    ReportTotals totals,
    EspiFeed usage,
    List<FlexibilityEvent> flexibility) {

  public UtilityReport {
    rows = List.copyOf(rows);
    flexibility = List.copyOf(flexibility);
  }

  /** This report with {@code events} as its flexibility sections. */
  public UtilityReport withFlexibility(List<FlexibilityEvent> events) {
    return new UtilityReport(
        zoneCode, from, to, currency, tariffMilliCtPerKwh, rows, totals, usage, events);
  }

  /** The period as an ISO 8601 interval (start/end). */
  public String period() {
    return from + "/" + to;
  }
}
