package io.peerwatt.settlement.report;

import io.peerwatt.protocol.encoding.Json;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * Renders a {@link UtilityReport} as CSV, JSON or a Green Button ESPI Atom feed. Output is
 * deterministic (no generation time inside), so the same report always has the same SHA-256, which
 * is what is anchored.
 *
 * <p>ESPI: one {@code UsagePoint} entry per metering point, each with two {@code MeterReading}s
 * (import, OBIS 1-0:1.8.0, {@code flowDirection} 1; export, OBIS 1-0:2.8.0, {@code flowDirection}
 * 19), their {@code ReadingType} (Wh: {@code uom} 72, {@code powerOfTenMultiplier} 0, {@code
 * accumulationBehaviour} 4 delta, {@code commodity} 1 electricity, {@code intervalLength} 900) and
 * one {@code IntervalBlock} with an {@code IntervalReading} per slot (start in Unix seconds, value
 * in Wh).
 */
public final class ReportWriter {
  static final String ATOM = "http://www.w3.org/2005/Atom";
  static final String ESPI = "http://naesb.org/espi";
  private static final long SLOT_SECONDS = 900;
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

  private ReportWriter() {}

  public static byte[] render(UtilityReport report, ReportFormat format) {
    String text =
        switch (format) {
          case CSV -> csv(report);
          case JSON -> Json.writePretty(json(report));
          case ESPI -> espi(report);
        };
    return text.getBytes(StandardCharsets.UTF_8);
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
    return sb.toString();
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
    return m;
  }

  static String espi(UtilityReport r) {
    Map<String, List<ReportRow>> byPoint = new TreeMap<>();
    for (ReportRow row : r.rows()) {
      String point =
          row.meteringPointIds().isEmpty()
              ? "account-" + row.accountId()
              : join(row.meteringPointIds(), "-");
      byPoint.computeIfAbsent(point, k -> new ArrayList<>()).add(row);
    }
    StringWriter out = new StringWriter();
    try {
      XMLStreamWriter x = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
      x.writeStartDocument("UTF-8", "1.0");
      x.writeStartElement("feed");
      x.writeDefaultNamespace(ATOM);
      x.writeNamespace("espi", ESPI);
      text(x, ATOM, "id", "urn:peerwatt:report:" + r.zoneCode() + ":" + r.period());
      text(x, ATOM, "title", "PeerWatt settlement report " + r.zoneCode() + " " + r.period());
      text(x, ATOM, "updated", r.to().toString());
      String base = "urn:peerwatt:" + r.zoneCode();
      for (Map.Entry<String, List<ReportRow>> e : byPoint.entrySet()) {
        String up = base + ":UsagePoint:" + e.getKey();
        x.writeStartElement("entry");
        text(x, ATOM, "id", up);
        link(x, "self", up);
        link(x, "related", up + ":MeterReading");
        text(x, ATOM, "title", "Metering point " + e.getKey());
        text(x, ATOM, "updated", r.to().toString());
        x.writeStartElement("content");
        x.writeStartElement("espi", "UsagePoint", ESPI);
        x.writeStartElement("espi", "ServiceCategory", ESPI);
        text(x, ESPI, "kind", "0");
        x.writeEndElement();
        x.writeEndElement();
        x.writeEndElement();
        x.writeEndElement();
        meterReading(x, r, up, "import", "1-0:1.8.0", 1, e.getValue(), true);
        meterReading(x, r, up, "export", "1-0:2.8.0", 19, e.getValue(), false);
      }
      x.writeEndElement();
      x.writeEndDocument();
      x.close();
    } catch (XMLStreamException ex) {
      throw new IllegalStateException("writing ESPI XML", ex);
    }
    return out.toString();
  }

  private static void meterReading(
      XMLStreamWriter x,
      UtilityReport r,
      String up,
      String name,
      String obis,
      int flowDirection,
      List<ReportRow> rows,
      boolean imports)
      throws XMLStreamException {
    String mr = up + ":MeterReading:" + name;
    String rt = up + ":ReadingType:" + name;
    x.writeStartElement("entry");
    text(x, ATOM, "id", mr);
    link(x, "self", mr);
    link(x, "up", up + ":MeterReading");
    link(x, "related", rt);
    link(x, "related", mr + ":IntervalBlock");
    text(x, ATOM, "title", "OBIS " + obis + " (" + name + ")");
    text(x, ATOM, "updated", r.to().toString());
    x.writeStartElement("content");
    x.writeEmptyElement("espi", "MeterReading", ESPI);
    x.writeEndElement();
    x.writeEndElement();

    x.writeStartElement("entry");
    text(x, ATOM, "id", rt);
    link(x, "self", rt);
    text(x, ATOM, "title", "Wh per 15 minutes, " + name);
    text(x, ATOM, "updated", r.to().toString());
    x.writeStartElement("content");
    x.writeStartElement("espi", "ReadingType", ESPI);
    text(x, ESPI, "accumulationBehaviour", "4");
    text(x, ESPI, "commodity", "1");
    text(x, ESPI, "flowDirection", Integer.toString(flowDirection));
    text(x, ESPI, "intervalLength", Long.toString(SLOT_SECONDS));
    text(x, ESPI, "kind", "12");
    text(x, ESPI, "powerOfTenMultiplier", "0");
    text(x, ESPI, "uom", "72");
    x.writeEndElement();
    x.writeEndElement();
    x.writeEndElement();

    String ib = mr + ":IntervalBlock";
    x.writeStartElement("entry");
    text(x, ATOM, "id", ib);
    link(x, "self", ib);
    link(x, "up", mr);
    text(x, ATOM, "title", "Intervals " + name);
    text(x, ATOM, "updated", r.to().toString());
    x.writeStartElement("content");
    x.writeStartElement("espi", "IntervalBlock", ESPI);
    x.writeStartElement("espi", "interval", ESPI);
    text(x, ESPI, "duration", Long.toString(r.to().getEpochSecond() - r.from().getEpochSecond()));
    text(x, ESPI, "start", Long.toString(r.from().getEpochSecond()));
    x.writeEndElement();
    for (ReportRow row : rows) {
      x.writeStartElement("espi", "IntervalReading", ESPI);
      x.writeStartElement("espi", "timePeriod", ESPI);
      text(x, ESPI, "duration", Long.toString(SLOT_SECONDS));
      text(x, ESPI, "start", Long.toString(epoch(row.slotStart())));
      x.writeEndElement();
      text(x, ESPI, "value", Long.toString(imports ? row.importWh() : row.exportWh()));
      x.writeEndElement();
    }
    x.writeEndElement();
    x.writeEndElement();
    x.writeEndElement();
  }

  private static long epoch(Instant t) {
    return t.getEpochSecond();
  }

  private static void link(XMLStreamWriter x, String rel, String href) throws XMLStreamException {
    x.writeEmptyElement("link");
    x.writeAttribute("rel", rel);
    x.writeAttribute("href", href);
  }

  private static void text(XMLStreamWriter x, String ns, String name, String value)
      throws XMLStreamException {
    if (ESPI.equals(ns)) {
      x.writeStartElement("espi", name, ESPI);
    } else {
      x.writeStartElement(name); // Atom is the document's default namespace
    }
    x.writeCharacters(value);
    x.writeEndElement();
  }
}
