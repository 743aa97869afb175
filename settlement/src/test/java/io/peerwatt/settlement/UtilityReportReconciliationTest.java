package io.peerwatt.settlement;

import static io.peerwatt.settlement.allocation.Readings.reading;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.PriceUnit;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.statement.Statement;
import io.peerwatt.settlement.allocation.SlotTerms;
import io.peerwatt.settlement.allocation.TradeFill;
import io.peerwatt.settlement.report.EspiFeed;
import io.peerwatt.settlement.report.EspiFeeds;
import io.peerwatt.settlement.report.EspiSchema;
import io.peerwatt.settlement.report.ReportBuilder;
import io.peerwatt.settlement.report.ReportFormat;
import io.peerwatt.settlement.report.ReportRow;
import io.peerwatt.settlement.report.ReportWriter;
import io.peerwatt.settlement.report.UtilityReport;
import io.peerwatt.settlement.usage.PointUsage;
import io.peerwatt.settlement.usage.SlotUsage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/**
 * Reports built from real settlements reconcile with the statements and the payments, to the
 * satoshi.
 */
class UtilityReportReconciliationTest {
  static final String ZONE = "DE-REPORT-1";

  record Settled(
      UtilityReport report, List<Statement> statements, List<SettlementPayment> payments) {}

  static Settled settle(int sellers, int buyers, int slots, long seed) {
    Random random = new Random(seed);
    FakeInputs inputs = new FakeInputs();
    InMemoryStatementStore store = new InMemoryStatementStore();
    RecordingPaymentPort port = new RecordingPaymentPort();
    SettlementService service = SettlementServiceTest.service(inputs, store, port);
    DeliverySlot first = DeliverySlot.parse("2026-11-25T10:00Z/PT15M");
    DeliverySlot slot = first;
    long tradeId = 1;
    Map<Long, long[]> counters = new HashMap<>();
    Map<Long, Long> sequences = new HashMap<>();
    List<SlotKey> keys = new ArrayList<>();
    for (int s = 0; s < slots; s++) {
      SlotKey key = new SlotKey(ZONE, slot);
      keys.add(key);
      inputs.terms.put(key, new SlotTerms(ZONE, slot, "EUR", PriceUnit.MILLI_CT_PER_KWH, 40_000));
      List<TradeFill> fills = new ArrayList<>();
      for (int b = 0; b < buyers; b++) {
        for (int sl = 0; sl < sellers; sl++) {
          if (random.nextInt(3) > 0) {
            fills.add(
                new TradeFill(
                    tradeId++,
                    100 + b,
                    1 + sl,
                    100 + random.nextInt(900),
                    15_000 + random.nextInt(10_000),
                    5_000));
          }
        }
      }
      inputs.trades.put(key, fills);
      for (long account : accounts(sellers, buyers)) {
        long device = account * 10;
        inputs.devices.put(account, List.of(device));
        long[] c = counters.computeIfAbsent(account, a -> new long[] {10_000, 20_000});
        long seq = sequences.merge(account, 1L, Long::sum);
        inputs.add(reading(device, seq, slot.start(), c[0], c[1]));
        boolean seller = account < 100;
        c[0] += seller ? random.nextInt(50) : 200 + random.nextInt(2_000);
        c[1] += seller ? random.nextInt(2_500) : random.nextInt(20);
        sequences.merge(account, 1L, Long::sum);
        inputs.add(reading(device, sequences.get(account), slot.end(), c[0], c[1]));
      }
      slot = slot.next();
    }
    service.settleDueSlots(slot.start().plus(Duration.ofHours(1)));
    List<Statement> statements = new ArrayList<>();
    for (SlotKey key : keys) {
      statements.addAll(store.latestStatements(key).values());
    }
    Map<ReportBuilder.AccountSlot, ReportBuilder.Payments> payments = new HashMap<>();
    for (SettlementPayment p : port.sent) {
      payments.merge(
          new ReportBuilder.AccountSlot(p.statement().accountId(), p.statement().slot().start()),
          new ReportBuilder.Payments(p.amountSat(), 0),
          (a, b) -> new ReportBuilder.Payments(a.paidSat() + b.paidSat(), 0));
    }
    Map<Long, List<Long>> points = new HashMap<>();
    accounts(sellers, buyers).forEach(a -> points.put(a, List.of(a * 1000)));
    // every account's metering point with what its meter measured in each slot (here: what its
    // statements say; the platform reads it from the readings)
    List<PointUsage> usage = new ArrayList<>();
    for (long account : accounts(sellers, buyers)) {
      List<SlotUsage> measured = new ArrayList<>();
      for (DeliverySlot d = first; d.start().isBefore(slot.start()); d = d.next()) {
        Statement st = null;
        for (Statement candidate : statements) {
          if (candidate.accountId() == account && candidate.slot().equals(d)) {
            st = candidate;
          }
        }
        measured.add(
            st == null
                ? new SlotUsage(d.start(), 0, 0, false, true)
                : new SlotUsage(d.start(), st.importWh(), st.exportWh(), st.estimated(), false));
      }
      usage.add(new PointUsage(account * 1000, account, "home " + account, measured));
    }
    UtilityReport report =
        ReportBuilder.build(
            ZONE,
            first.start(),
            slot.start(),
            "EUR",
            30_000,
            statements,
            payments,
            points,
            Map.of(),
            Set.of(),
            new EspiFeed(
                "zone " + ZONE,
                first.start(),
                slot.start(),
                ZoneId.of("Europe/Berlin"),
                "EUR",
                EspiFeeds.points(usage, statements)));
    return new Settled(report, statements, port.sent);
  }

  static List<Long> accounts(int sellers, int buyers) {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < sellers; i++) {
      out.add(1L + i);
    }
    for (int i = 0; i < buyers; i++) {
      out.add(100L + i);
    }
    return out;
  }

  @Property(tries = 25)
  void reportsReconcileWithStatementsAndPaymentsToTheSatoshi(
      @ForAll @IntRange(min = 1, max = 3) int sellers,
      @ForAll @IntRange(min = 1, max = 3) int buyers,
      @ForAll @IntRange(min = 1, max = 3) int slots,
      @ForAll long seed) {
    Settled s = settle(sellers, buyers, slots, seed);
    UtilityReport r = s.report();
    assertThat(r.totals().energyReconciles()).as(r.totals().toString()).isTrue();
    assertThat(r.totals().deliveredSoldWh()).isEqualTo(r.totals().deliveredBoughtWh());
    assertThat(r.totals().statementSat())
        .isEqualTo(s.statements().stream().mapToLong(Statement::totalSat).sum());
    assertThat(r.totals().paidSat())
        .isEqualTo(s.payments().stream().mapToLong(SettlementPayment::amountSat).sum());
    assertThat(r.totals().paymentsReconcile()).isTrue();
    for (ReportRow row : r.rows()) {
      assertThat(row.paidSat()).isEqualTo(row.statementSat());
      assertThat(row.deliveredSoldWh()).isLessThanOrEqualTo(Math.min(row.soldWh(), row.exportWh()));
      assertThat(row.residualImportWh())
          .isEqualTo(Math.max(0, row.importWh() - row.deliveredBoughtWh()));
    }
    assertThat(r.rows()).hasSize(s.statements().size());
  }

  @Test
  void rendersCsvJsonAndEspiDeterministically() throws Exception {
    UtilityReport r = settle(2, 2, 2, 42).report();
    String csv = new String(ReportWriter.render(r, ReportFormat.CSV), StandardCharsets.UTF_8);
    String[] lines = csv.split("\r\n");
    assertThat(lines[0])
        .startsWith("meteringPoints,accountId,slotStart")
        .contains("import_1-0:1.8.0_Wh");
    assertThat(lines).hasSize(r.rows().size() + 2);
    assertThat(lines[lines.length - 1]).startsWith("TOTAL,,,," + r.totals().importWh() + ",");

    Map<String, Object> json =
        Json.parseObject(
            new String(ReportWriter.render(r, ReportFormat.JSON), StandardCharsets.UTF_8));
    assertThat(Json.array(json, "rows")).hasSize(r.rows().size());
    assertThat(Json.object(json, "totals").get("energyReconciles")).isEqualTo(true);
    assertThat(Json.integer(Json.object(json, "totals"), "deliveredSoldWh"))
        .isEqualTo(r.totals().deliveredSoldWh());

    byte[] xml = ReportWriter.render(r, ReportFormat.ESPI);
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
    assertThat(doc.getDocumentElement().getLocalName()).isEqualTo("feed");
    assertThat(doc.getDocumentElement().getNamespaceURI()).isEqualTo("http://www.w3.org/2005/Atom");
    String espi = "http://naesb.org/espi";
    assertThat(doc.getElementsByTagNameNS(espi, "UsagePoint").getLength()).isEqualTo(4);
    assertThat(doc.getElementsByTagNameNS(espi, "MeterReading").getLength()).isEqualTo(8);
    assertThat(doc.getElementsByTagNameNS(espi, "IntervalReading").getLength())
        .isEqualTo(2 * r.rows().size());
    long importSum = 0;
    var blocks = doc.getElementsByTagNameNS(espi, "ReadingType");
    assertThat(blocks.getLength()).isEqualTo(8);
    assertThat(EspiSchema.errors(xml)).isEmpty();
    var values = doc.getElementsByTagNameNS(espi, "IntervalBlock");
    for (int i = 0; i < values.getLength(); i += 2) { // import blocks come first per usage point
      var readings = ((org.w3c.dom.Element) values.item(i)).getElementsByTagNameNS(espi, "value");
      for (int j = 0; j < readings.getLength(); j++) {
        importSum += Long.parseLong(readings.item(j).getTextContent());
      }
    }
    assertThat(importSum).isEqualTo(r.totals().importWh());
    assertThat(ReportWriter.render(settle(2, 2, 2, 42).report(), ReportFormat.ESPI)).isEqualTo(xml);
  }
}
