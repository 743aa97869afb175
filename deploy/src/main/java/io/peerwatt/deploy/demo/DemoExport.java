package io.peerwatt.deploy.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.peerwatt.deploy.Platform;
import io.peerwatt.protocol.anchor.AnchorItemKind;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.settlement.AuditExport;
import io.peerwatt.settlement.anchor.ItemRef;
import io.peerwatt.settlement.anchor.ProofBundles;
import io.peerwatt.settlement.chain.ChainBackend;
import io.peerwatt.settlement.chain.ChainHeader;
import io.peerwatt.settlement.report.JdbcReportSource;
import io.peerwatt.settlement.report.ReportFormat;
import io.peerwatt.settlement.report.ReportWriter;
import io.peerwatt.settlement.report.UtilityReport;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.jooq.DSLContext;

/**
 * What a demo run leaves behind: its figures ({@code --summary}) and the export ({@code --export})
 * of the transactions, proof bundles, trust anchors and utility reports.
 */
final class DemoExport {
  /** The utility tariff the exported report prices residual energy at (30 ct/kWh). */
  static final long REPORT_TARIFF_MILLI_CT_PER_KWH = 30_000;

  private final Platform platform;
  private final Neighbourhood neighbourhood;
  private final PrintStream out;

  DemoExport(Platform platform, Neighbourhood neighbourhood, PrintStream out) {
    this.platform = platform;
    this.neighbourhood = neighbourhood;
    this.out = out;
  }

  /**
   * The run's figures (the {@code --summary} JSON).
   *
   * @param slots the slots asked for, or null to count the settled ones
   * @param outside transactions outside the platform's log that its transactions spend (the coins
   *     the gateways were funded with), for the fees
   */
  Map<String, Object> summary(
      Integer slots,
      int channelsClosed,
      long speed,
      long wallTimeMillis,
      Function<String, Optional<Transaction>> outside) {
    DSLContext dsl = platform.database().dsl();
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("homes", neighbourhood.homes().size());
    s.put("zones", neighbourhood.zones().size());
    s.put("slots", slots == null ? Rows.count(dsl, "select count(*) from settlement_slot") : slots);
    s.put("readings", Rows.count(dsl, "select count(*) from reading"));
    s.put("orders", Rows.count(dsl, "select count(*) from market_order"));
    s.put("trades", Rows.count(dsl, "select count(*) from trade"));
    s.put("energyTradedWh", Rows.count(dsl, "select coalesce(sum(quantity_wh), 0) from trade"));
    s.put("statements", Rows.count(dsl, "select count(*) from settlement_statement"));
    s.put(
        "payments",
        Rows.count(dsl, "select count(*) from settlement_payment where status = 'paid'"));
    // commitments a payee stored: the hub's and the custodial store's, and those m2m sellers'
    // gateways acknowledged
    s.put(
        "channelUpdates",
        Rows.count(dsl, "select count(*) from payment_channel_commitment where role = 'payee'")
            + Rows.count(dsl, "select coalesce(sum(acked_sequence), 0) from gateway_channel_ack"));
    s.put("m2mHomes", neighbourhood.homes().stream().filter(Home::m2m).count());
    s.put("channelsClosed", channelsClosed);
    s.put(
        "transactions",
        Rows.count(dsl, "select count(*) from platform_transaction where origin = 'made'"));
    s.put("blocks", platform.settlement().chain().tip().height());
    s.put("anchors", Rows.count(dsl, "select count(*) from anchor"));
    s.put(
        "anchorsMined",
        Rows.count(dsl, "select count(*) from anchor where block_height is not null"));
    AuditExport.FeesPaid fees = platform.settlement().auditExport().feesPaid(outside);
    if (!fees.unresolved().isEmpty()) {
      out.println(
          "  fees of "
              + fees.unresolved().size()
              + " transaction(s) left out of feesPaidSats (their inputs are unknown): "
              + fees.unresolved());
    }
    s.put("feesPaidSats", fees.sats());
    // each gateway's light client checks its own sampled readings against the anchors; a last
    // round now that the last anchor is mined
    List<Home> auditing =
        neighbourhood.homes().stream().filter(h -> h.gateway().lightClient() != null).toList();
    FewAtATime.run(
        auditing,
        "demo-last-audit",
        h -> {
          h.gateway().lightClientStep();
          return h;
        },
        h -> {});
    long verified = 0;
    long alarms = 0;
    for (Home h : auditing) {
      verified += h.gateway().lightClient().verifiedOnChain();
      alarms += h.gateway().lightClient().alarms().size();
    }
    s.put("readingsVerifiedByGateways", verified);
    s.put("gatewayAlarms", alarms);
    s.putAll(ResearchInstitute.summary(dsl));
    s.put("speed", speed);
    s.put("wallTimeMillis", wallTimeMillis);
    return s;
  }

  /** Writes the figures as indented JSON to {@code file}, making its directory. */
  static void writeSummary(Path file, Map<String, Object> figures) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(
        file,
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(figures));
  }

  /**
   * Writes transactions.json and transactions.beef, proofs/ (for every home its newest anchored
   * reading, one of its trades and its newest statement) and the utility report of {@code [from,
   * to)} per zone (report.csv, report.json; with several zones report-ZONE.*).
   */
  void export(Path dir, Instant from, Instant to) throws IOException {
    Files.createDirectories(dir);
    AuditExport export = platform.settlement().auditExport();
    export.writeJson(dir.resolve("transactions.json"));
    int n = export.writeBeef(dir.resolve("transactions.beef"));
    int proofs = writeProofs(dir.resolve("proofs"));
    writeTrust(dir);
    DSLContext dsl = platform.database().dsl();
    List<String> zones = neighbourhood.zones();
    for (String zone : zones) {
      UtilityReport report =
          new JdbcReportSource(dsl).report(zone, from, to, REPORT_TARIFF_MILLI_CT_PER_KWH);
      String stem = zones.size() == 1 ? "report" : "report-" + zone;
      Files.write(dir.resolve(stem + ".csv"), ReportWriter.render(report, ReportFormat.CSV));
      Files.write(dir.resolve(stem + ".json"), ReportWriter.render(report, ReportFormat.JSON));
      out.println(
          "report "
              + zone
              + " "
              + report.period()
              + ": energy reconciles "
              + report.totals().energyReconciles()
              + ", payments reconcile "
              + report.totals().paymentsReconcile());
    }
    out.println(
        "exported "
            + n
            + " transactions (transactions.json, transactions.beef), "
            + proofs
            + " proof bundles, headers.json, platform-key.txt and the utility report to "
            + dir);
    out.println(
        "  check a bundle: peerwatt verify "
            + dir.resolve("proofs")
            + "/home1-reading.json --headers "
            + dir.resolve("headers.json")
            + " --platform-key $(cat "
            + dir.resolve("platform-key.txt")
            + ")");
  }

  /**
   * What an offline verifier trusts, beside the bundles: the devnet header chain ({@code
   * headers.json}, the {@code peerwatt verify --headers} form) and the platform's public key
   * ({@code platform-key.txt}).
   */
  private void writeTrust(Path dir) throws IOException {
    ChainBackend chain = platform.settlement().chain();
    JsonArray headers = new JsonArray();
    for (ChainHeader h :
        chain.headers(0, (int) Math.min(Integer.MAX_VALUE, chain.tip().height() + 1))) {
      headers.add(
          new JsonObject()
              .put("height", h.height())
              .put("header", HexFormat.of().formatHex(h.header())));
    }
    Files.writeString(
        dir.resolve("headers.json"),
        new JsonObject().put("network", chain.network()).put("headers", headers).encodePrettily());
    Files.writeString(dir.resolve("platform-key.txt"), platform.platformKey().hex() + "\n");
  }

  /**
   * For every home, the proof bundles of its newest anchored reading, one trade and its newest
   * statement.
   */
  private int writeProofs(Path dir) throws IOException {
    Files.createDirectories(dir);
    ProofBundles bundles = platform.settlement().proofs();
    DSLContext dsl = platform.database().dsl();
    int written = 0;
    for (Home h : neighbourhood.homes()) {
      List<String[]> items = new ArrayList<>();
      dsl.fetchOptional(
              "select l.item_ref from anchor_leaf l join anchor a on a.txid = l.anchor_txid"
                  + " where l.item_kind = ? and l.item_ref like ? and a.block_height is not null"
                  + " order by l.item_ref desc limit 1",
              (short) AnchorItemKind.READING.code(),
              h.deviceId() + "/%")
          .ifPresent(r -> items.add(new String[] {"reading", r.get(0, String.class)}));
      dsl.fetchOptional(
              "select id from trade where buyer_account_id = ? or seller_account_id = ? order by id limit 1",
              h.accountId(),
              h.accountId())
          .ifPresent(r -> items.add(new String[] {"trade", ItemRef.trade(r.get(0, Long.class))}));
      dsl.fetchOptional(
              "select zone_code, slot_start, version from settlement_statement where account_id = ?"
                  + " order by slot_start desc, version desc limit 1",
              h.accountId())
          .ifPresent(
              r ->
                  items.add(
                      new String[] {
                        "statement",
                        ItemRef.statement(
                            h.accountId(),
                            r.get(0, String.class),
                            r.get(1, OffsetDateTime.class).toEpochSecond(),
                            r.get(2, Integer.class))
                      }));
      for (String[] item : items) {
        AnchorItemKind kind = AnchorItemKind.valueOf(item[0].toUpperCase(Locale.ROOT));
        ProofBundles.Answer answer = bundles.bundle(kind, item[1]);
        if (answer.state() == ProofBundles.ProofState.PROVABLE) {
          Files.writeString(
              dir.resolve(h.username() + "-" + item[0] + ".json"), answer.bundle().toJsonText());
          written++;
        } else {
          out.println(
              "  no proof for "
                  + h.username()
                  + " "
                  + item[0]
                  + " "
                  + item[1]
                  + ": "
                  + answer.state());
        }
      }
    }
    return written;
  }
}
