package io.peerwatt.webui;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The utility report as a PDF for people: its totals and each household's sums, with the SHA-256 of
 * the report file it was made from (the JSON the API served and anchored) and the anchor
 * transaction, so the PDF can be traced to what is on the chain.
 */
final class ReportPdf {
  private ReportPdf() {}

  static byte[] pdf(
      JsonObject report, ZoneView zone, String sha256, String anchorTxid, Instant now) {
    String cur = zone.currency();
    JsonObject t = report.getJsonObject("totals", new JsonObject());
    try (PdfWriter pdf = new PdfWriter("PeerWatt settlement report " + zone.code())) {
      pdf.heading("PeerWatt settlement report, zone " + zone.code())
          .paragraph(
              "Quarter-hours starting from "
                  + Format.local(report.getString("from"), zone.timeZone())
                  + " up to "
                  + Format.local(report.getString("to"), zone.timeZone())
                  + " ("
                  + zone.timeZone().getId()
                  + " time; "
                  + Format.utc(report.getString("from"))
                  + " to "
                  + Format.utc(report.getString("to"))
                  + "). Made "
                  + Format.local(now, zone.timeZone())
                  + ".")
          .paragraph("Made from the JSON report file with SHA-256 " + sha256 + ".")
          .paragraph(
              anchorTxid.isEmpty()
                  ? "The report's hash is waiting to be anchored; its proof appears in the portal once it is mined."
                  : "That hash is anchored in BSV transaction " + anchorTxid + ".");
      pdf.heading("Totals")
          .table(
              new float[] {0.7f, 0.3f},
              List.of("What", "Total"),
              List.of(
                  List.of(
                      "Drawn from the grid (OBIS 1-0:1.8.0)",
                      Format.kwh(t.getLong("importWh", 0L))),
                  List.of(
                      "Sent to the grid (OBIS 1-0:2.8.0)", Format.kwh(t.getLong("exportWh", 0L))),
                  List.of("Bought peer-to-peer", Format.kwh(t.getLong("boughtWh", 0L))),
                  List.of("Sold peer-to-peer", Format.kwh(t.getLong("soldWh", 0L))),
                  List.of("Delivered peer-to-peer", Format.kwh(t.getLong("deliveredSoldWh", 0L))),
                  List.of(
                      "Rest drawn, to bill at tariff",
                      Format.kwh(t.getLong("residualImportWh", 0L))),
                  List.of("Rest sent, feed-in", Format.kwh(t.getLong("residualExportWh", 0L))),
                  List.of(
                      "Statements, net to households", Format.sats(t.getLong("statementSat", 0L))),
                  List.of("Paid over payment channels", Format.sats(t.getLong("paidSat", 0L))),
                  List.of("Waiting or refused", Format.sats(t.getLong("pendingSat", 0L))),
                  List.of(
                      "Energy reconciles", t.getBoolean("energyReconciles", false) ? "yes" : "no"),
                  List.of(
                      "Payments reconcile",
                      t.getBoolean("paymentsReconcile", false) ? "yes" : "no")));
      List<List<String>> rows = new ArrayList<>();
      for (ReportSummary.Household h :
          ReportSummary.perMeteringPoint(
              report.getJsonArray("rows", new io.vertx.core.json.JsonArray()))) {
        rows.add(
            List.of(
                h.meteringPoints() + " (account " + h.accountId() + ")",
                Long.toString(h.slots()),
                Format.kwh(h.importWh()),
                Format.kwh(h.exportWh()),
                Format.kwh(h.boughtWh()),
                Format.kwh(h.soldWh()),
                Format.sats(h.statementSat())));
      }
      if (!rows.isEmpty()) {
        pdf.heading("Households that traded")
            .table(
                new float[] {0.22f, 0.08f, 0.14f, 0.14f, 0.14f, 0.14f, 0.14f},
                List.of("Metering point", "Slots", "Drawn", "Sent", "Bought", "Sold", "Statements"),
                rows);
      }
      pdf.paragraph(
          "Amounts in satoshis, converted at the rate each statement records; money in "
              + cur
              + " is in the statements themselves. The Green Button (ESPI) file of the same period"
              + " lists every metering point of the zone, traded or not.");
      return pdf.bytes();
    }
  }
}
