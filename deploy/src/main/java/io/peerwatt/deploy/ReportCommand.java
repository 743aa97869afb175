package io.peerwatt.deploy;

import io.peerwatt.db.Database;
import io.peerwatt.protocol.Hashes;
import io.peerwatt.settlement.report.JdbcReportSource;
import io.peerwatt.settlement.report.ReportFormat;
import io.peerwatt.settlement.report.ReportWriter;
import io.peerwatt.settlement.report.UtilityReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code peerwatt report}: the utility settlement report of a zone and period from the platform's
 * database, as CSV, JSON or Green Button ESPI XML. Prints the file's SHA-256 (what {@code GET
 * /api/v1/reports} anchors on chain) and whether the totals reconcile.
 */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description =
        "Write the utility settlement report of a zone (per metering point and slot: OBIS 1-0:1.8.0/2.8.0"
            + " import/export, P2P bought/sold/delivered, residual, deviation, payments, flags, anchor txids).")
final class ReportCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--zone", required = true, paramLabel = "ZONE", description = "zone code")
  String zone;

  @Option(
      names = "--from",
      required = true,
      paramLabel = "TIME",
      description = "period start, e.g. 2026-11-25T00:00:00Z")
  String from;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "TIME",
      description = "period end (exclusive)")
  String to;

  @Option(
      names = "--format",
      defaultValue = "csv",
      paramLabel = "FORMAT",
      description = "csv, json or espi (default ${DEFAULT-VALUE})")
  String format;

  @Option(
      names = "--tariff",
      defaultValue = "0",
      paramLabel = "MILLI_CT_PER_KWH",
      description = "tariff for residual import, milli-cent per kWh (0: no bill amounts)")
  long tariff;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "output file (default: standard output)")
  Path out;

  @CommandLine.Mixin PlatformOptions platform;

  @Override
  public Integer call() {
    ReportFormat reportFormat;
    Instant start;
    Instant end;
    try {
      reportFormat = ReportFormat.ofCode(format);
      start = Instant.parse(from);
      end = Instant.parse(to);
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw new UserError(e.getMessage(), e);
    }
    if (!start.isBefore(end)) {
      throw new UserError("--from must be before --to");
    }
    if (tariff < 0) {
      throw new UserError("--tariff must not be negative");
    }
    try (Database database = PlatformOptions.openDatabase(platform.settings())) {
      UtilityReport report = new JdbcReportSource(database.dsl()).report(zone, start, end, tariff);
      byte[] file = ReportWriter.render(report, reportFormat);
      PrintWriter console = spec.commandLine().getOut();
      if (out == null) {
        console.print(new String(file, StandardCharsets.UTF_8));
      } else {
        Files.write(out, file);
        console.println(
            "wrote " + out + ": " + report.rows().size() + " rows, " + reportFormat.code());
      }
      PrintWriter err = spec.commandLine().getErr();
      err.println("sha256 " + HexFormat.of().formatHex(Hashes.sha256(file)));
      err.println(
          "energy reconciles: "
              + report.totals().energyReconciles()
              + ", payments reconcile: "
              + report.totals().paymentsReconcile());
      err.flush();
      console.flush();
    } catch (IOException e) {
      throw new UserError("cannot write " + out + ": " + e.getMessage(), e);
    }
    return 0;
  }
}
