package io.peerwatt.settlement.report;

import io.peerwatt.protocol.encoding.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a {@link UtilityReport} as CSV, JSON or a Green Button ESPI Atom feed ({@link
 * EspiWriter}: every metering point of the zone, traded or not). CSV and JSON carry a section per
 * flexibility event (CSV: two tables after the rows, slots then homes, only when there are events).
 * Output is deterministic (no generation time inside), so the same report always has the same
 * SHA-256, which is what is anchored.
 */
public final class ReportWriter {
  private static final String[] CSV_COLUMNS = {
    "meteringPoints",
    "accountId",
    "slotStart",
    "statementVersion",
    "import_1-0:1.8.0_Wh",
    "export_1-0:2.8.0_Wh",
    "boughtWh",
    "soldWh",
    "deliveredBoughtWh",
    "deliveredSoldWh",
    "residualImportWh",
    "residualExportWh",
    "deviationWh",
    "residualBillMilliCt",
    "statementSat",
    "paidSat",
    "pendingSat",
    "estimated",
    "missing",
    "chainRestart",
    "anchorTxids"
  };

  private static final String[] FLEX_SLOT_COLUMNS = {
    "flexibilityEvent",
    "requestId",
    "direction",
    "pricePerKwh",
    "slotStart",
    "requestedW",
    "acceptedW",
    "deliveredW"
  };

  private static final String[] FLEX_HOME_COLUMNS = {
    "flexibilityEvent",
    "acceptanceId",
    "accountId",
    "deviceId",
    "acceptedW",
    "deliveredWh",
    "amount",
    "amountSat",
    "anchorTxid"
  };

  private ReportWriter() {}

  public static byte[] render(UtilityReport report, ReportFormat format) {
    return switch (format) {
      case CSV -> csv(report).getBytes(StandardCharsets.UTF_8);
      case JSON -> Json.writePretty(json(report)).getBytes(StandardCharsets.UTF_8);
      case ESPI -> EspiWriter.write(report.usage());
    };
  }

  static String csv(UtilityReport r) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.join(",", CSV_COLUMNS)).append("\r\n");
    for (ReportRow row : r.rows()) {
      List<String> cells =
          List.of(
              join(row.meteringPointIds(), ";"),
              Long.toString(row.accountId()),
              row.slotStart().toString(),
              Integer.toString(row.statementVersion()),
              Long.toString(row.importWh()),
              Long.toString(row.exportWh()),
              Long.toString(row.boughtWh()),
              Long.toString(row.soldWh()),
              Long.toString(row.deliveredBoughtWh()),
              Long.toString(row.deliveredSoldWh()),
              Long.toString(row.residualImportWh()),
              Long.toString(row.residualExportWh()),
              Long.toString(row.deviationWh()),
              Long.toString(row.residualBillMilliCt()),
              Long.toString(row.statementSat()),
              Long.toString(row.paidSat()),
              Long.toString(row.pendingSat()),
              Boolean.toString(row.estimated()),
              Boolean.toString(row.missing()),
              Boolean.toString(row.chainRestart()),
              join(row.anchorTxids(), ";"));
      sb.append(String.join(",", cells)).append("\r\n");
    }
    ReportTotals t = r.totals();
    sb.append("TOTAL,,,,")
        .append(t.importWh())
        .append(',')
        .append(t.exportWh())
        .append(',')
        .append(t.boughtWh())
        .append(',')
        .append(t.soldWh())
        .append(',')
        .append(t.deliveredBoughtWh())
        .append(',')
        .append(t.deliveredSoldWh())
        .append(',')
        .append(t.residualImportWh())
        .append(',')
        .append(t.residualExportWh())
        .append(",,")
        .append(t.residualBillMilliCt())
        .append(',')
        .append(t.statementSat())
        .append(',')
        .append(t.paidSat())
        .append(',')
        .append(t.pendingSat())
        .append(",,,,")
        .append("\r\n");
    if (!r.flexibility().isEmpty()) {
      flexibilityCsv(sb, r.flexibility());
    }
    return sb.toString();
  }

  /**
   * The flexibility sections after the rows: a blank line, then per event its slots, then a blank
   * line and per event its homes, each table with its own header.
   */
  private static void flexibilityCsv(StringBuilder sb, List<FlexibilityEvent> events) {
    sb.append("\r\n").append(String.join(",", FLEX_SLOT_COLUMNS)).append("\r\n");
    for (FlexibilityEvent e : events) {
      for (FlexibilityEvent.Slot slot : e.slots()) {
        sb.append(
                String.join(
                    ",",
                    e.eventId(),
                    Long.toString(e.requestId()),
                    e.direction(),
                    Long.toString(e.pricePerKwh()),
                    slot.start().toString(),
                    Long.toString(slot.requestedW()),
                    Long.toString(slot.acceptedW()),
                    Long.toString(slot.deliveredW())))
            .append("\r\n");
      }
    }
    sb.append("\r\n").append(String.join(",", FLEX_HOME_COLUMNS)).append("\r\n");
    for (FlexibilityEvent e : events) {
      for (FlexibilityEvent.Home home : e.homes()) {
        sb.append(
                String.join(
                    ",",
                    e.eventId(),
                    Long.toString(home.acceptanceId()),
                    Long.toString(home.accountId()),
                    Long.toString(home.deviceId()),
                    Long.toString(home.acceptedW()),
                    Long.toString(home.deliveredWh()),
                    Long.toString(home.amount()),
                    Long.toString(home.amountSat()),
                    home.anchorTxid() == null ? "" : home.anchorTxid()))
            .append("\r\n");
      }
    }
  }

  private static String join(List<?> values, String sep) {
    List<String> s = new ArrayList<>();
    values.forEach(v -> s.add(String.valueOf(v)));
    return String.join(sep, s);
  }

  static Map<String, Object> json(UtilityReport r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", "peerwatt-utility-report");
    m.put("version", 1L);
    m.put("zone", r.zoneCode());
    m.put("from", r.from().toString());
    m.put("to", r.to().toString());
    m.put("currency", r.currency());
    m.put("tariffMilliCtPerKwh", r.tariffMilliCtPerKwh());
    List<Object> rows = new ArrayList<>();
    for (ReportRow row : r.rows()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("meteringPoints", new ArrayList<Object>(row.meteringPointIds()));
      o.put("accountId", row.accountId());
      o.put("slot", row.slotStart() + "/PT15M");
      o.put("statementVersion", (long) row.statementVersion());
      o.put("obis", Map.of("1-0:1.8.0", row.importWh(), "1-0:2.8.0", row.exportWh()));
      o.put("importWh", row.importWh());
      o.put("exportWh", row.exportWh());
      o.put("boughtWh", row.boughtWh());
      o.put("soldWh", row.soldWh());
      o.put("deliveredBoughtWh", row.deliveredBoughtWh());
      o.put("deliveredSoldWh", row.deliveredSoldWh());
      o.put("residualImportWh", row.residualImportWh());
      o.put("residualExportWh", row.residualExportWh());
      o.put("deviationWh", row.deviationWh());
      o.put("residualBillMilliCt", row.residualBillMilliCt());
      o.put("statementSat", row.statementSat());
      o.put("paidSat", row.paidSat());
      o.put("pendingSat", row.pendingSat());
      o.put("estimated", row.estimated());
      o.put("missing", row.missing());
      o.put("chainRestart", row.chainRestart());
      o.put("anchorTxids", new ArrayList<Object>(row.anchorTxids()));
      rows.add(o);
    }
    m.put("rows", rows);
    ReportTotals t = r.totals();
    Map<String, Object> totals = new LinkedHashMap<>();
    totals.put("importWh", t.importWh());
    totals.put("exportWh", t.exportWh());
    totals.put("boughtWh", t.boughtWh());
    totals.put("soldWh", t.soldWh());
    totals.put("deliveredBoughtWh", t.deliveredBoughtWh());
    totals.put("deliveredSoldWh", t.deliveredSoldWh());
    totals.put("residualImportWh", t.residualImportWh());
    totals.put("residualExportWh", t.residualExportWh());
    totals.put("residualBillMilliCt", t.residualBillMilliCt());
    totals.put("statementSat", t.statementSat());
    totals.put("paidSat", t.paidSat());
    totals.put("pendingSat", t.pendingSat());
    totals.put("energyReconciles", t.energyReconciles());
    totals.put("paymentsReconcile", t.paymentsReconcile());
    m.put("totals", totals);
    List<Object> events = new ArrayList<>();
    for (FlexibilityEvent e : r.flexibility()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("eventId", e.eventId());
      o.put("requestId", e.requestId());
      o.put("direction", e.direction());
      o.put("pricePerKwh", e.pricePerKwh());
      List<Object> slots = new ArrayList<>();
      for (FlexibilityEvent.Slot slot : e.slots()) {
        Map<String, Object> so = new LinkedHashMap<>();
        so.put("slot", slot.start() + "/PT15M");
        so.put("requestedW", slot.requestedW());
        so.put("acceptedW", slot.acceptedW());
        so.put("deliveredW", slot.deliveredW());
        slots.add(so);
      }
      o.put("slots", slots);
      List<Object> homes = new ArrayList<>();
      for (FlexibilityEvent.Home home : e.homes()) {
        Map<String, Object> ho = new LinkedHashMap<>();
        ho.put("acceptanceId", home.acceptanceId());
        ho.put("accountId", home.accountId());
        ho.put("deviceId", home.deviceId());
        ho.put("acceptedW", home.acceptedW());
        ho.put("deliveredWh", home.deliveredWh());
        ho.put("amount", home.amount());
        ho.put("amountSat", home.amountSat());
        ho.put("anchorTxid", home.anchorTxid());
        homes.add(ho);
      }
      o.put("homes", homes);
      events.add(o);
    }
    m.put("flexibility", events);
    return m;
  }
}
