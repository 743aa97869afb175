package io.peerwatt.webui;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A household's statements of one local month as a PDF: the money line by line, the energy, and per
 * day what was bought, sold and paid. Every figure is a sum of the statements the API gave (the
 * newest version of each slot), so the document and the API agree to the milli-cent.
 */
final class MonthlyStatement {
  private MonthlyStatement() {}

  /**
   * @param statements the month's statements from {@code GET /statements}
   * @param now when it is made (the platform's time)
   */
  static byte[] pdf(
      Viewer viewer, ZoneView zone, YearMonth month, JsonArray statements, Instant now) {
    String cur = zone.currency();
    String monthName = month.format(DateTimeFormatter.ofPattern("MMMM yyyy", Locale.ENGLISH));
    long[] energy = new long[5];
    long totalSat = 0;
    Map<LocalDate, long[]> days = new TreeMap<>();
    for (Object o : statements) {
      JsonObject s = (JsonObject) o;
      JsonObject m = s.getJsonObject("metering", new JsonObject());
      String[] keys = {"importWh", "exportWh", "boughtWh", "soldWh", "deliveredWh"};
      for (int i = 0; i < keys.length; i++) {
        energy[i] = Math.addExact(energy[i], m.getLong(keys[i], 0L));
      }
      totalSat = Math.addExact(totalSat, s.getLong("totalSat", 0L));
      LocalDate day = Format.slotStart(s.getString("slot")).atZone(zone.timeZone()).toLocalDate();
      long[] d = days.computeIfAbsent(day, k -> new long[4]);
      d[0] = Math.addExact(d[0], m.getLong("boughtWh", 0L));
      d[1] = Math.addExact(d[1], m.getLong("soldWh", 0L));
      d[2] = Math.addExact(d[2], s.getLong("totalAmount", 0L));
      d[3]++;
    }
    long net = HomeMoney.net(statements);
    try (PdfWriter pdf = new PdfWriter("PeerWatt statement " + monthName)) {
      pdf.heading("PeerWatt monthly statement, " + monthName)
          .paragraph(
              "Household "
                  + viewer.username()
                  + " (account "
                  + viewer.accountId()
                  + "), zone "
                  + zone.code()
                  + ". Local time "
                  + zone.timeZone().getId()
                  + "; made "
                  + Format.local(now, zone.timeZone())
                  + " ("
                  + Format.utc(now)
                  + ").")
          .paragraph(
              statements.size()
                  + " statement(s), one per quarter-hour you traded in (the newest version of each)."
                  + " Amounts in "
                  + cur
                  + "; a plus sign is money you receive.");
      List<List<String>> rows = new ArrayList<>();
      for (HomeMoney.Line l : HomeMoney.lines(statements)) {
        rows.add(
            List.of(
                l.kind().label(), Format.kwh(l.quantityWh()), Format.signedMoney(l.amount(), cur)));
      }
      rows.add(List.of("Net", "", Format.signedMoney(net, cur)));
      rows.add(
          List.of("Net in satoshis (paid over your payment channels)", "", Format.sats(totalSat)));
      pdf.heading("Money")
          .table(new float[] {0.6f, 0.2f, 0.2f}, List.of("What", "Energy", "Amount"), rows);
      for (HomeMoney.Line l : HomeMoney.lines(statements)) {
        pdf.paragraph(l.kind().label() + ": " + l.kind().explanation() + ".");
      }
      pdf.heading("Energy")
          .table(
              new float[] {0.6f, 0.4f},
              List.of("What", "Energy"),
              List.of(
                  List.of(
                      "Drawn from the grid (metered, slots you traded in)", Format.kwh(energy[0])),
                  List.of("Sent to the grid (metered, slots you traded in)", Format.kwh(energy[1])),
                  List.of("Bought from neighbours", Format.kwh(energy[2])),
                  List.of("Sold to neighbours", Format.kwh(energy[3])),
                  List.of("Of that, delivered (exported)", Format.kwh(energy[4]))));
      List<List<String>> dayRows = new ArrayList<>();
      days.forEach(
          (day, d) ->
              dayRows.add(
                  List.of(
                      day.format(DateTimeFormatter.ofPattern("EEE d MMM", Locale.ENGLISH)),
                      Long.toString(d[3]),
                      Format.kwh(d[0]),
                      Format.kwh(d[1]),
                      Format.signedMoney(d[2], cur))));
      if (!dayRows.isEmpty()) {
        pdf.heading("Per day")
            .table(
                new float[] {0.28f, 0.14f, 0.2f, 0.2f, 0.18f},
                List.of("Day", "Statements", "Bought", "Sold", "Net"),
                dayRows);
      }
      pdf.paragraph(
          "Every statement is anchored on the BSV chain: the Money page of the portal has a proof"
              + " link for each, which your browser checks with no help from the platform.");
      return pdf.bytes();
    }
  }
}
