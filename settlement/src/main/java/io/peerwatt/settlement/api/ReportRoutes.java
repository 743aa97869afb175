package io.peerwatt.settlement.api;

import io.peerwatt.http.ApiError;
import io.peerwatt.http.ApiRequests;
import io.peerwatt.http.ApiResource;
import io.peerwatt.http.Blocking;
import io.peerwatt.http.Caller;
import io.peerwatt.http.Role;
import io.peerwatt.protocol.Hashes;
import io.peerwatt.settlement.anchor.AnchorOutcome;
import io.peerwatt.settlement.anchor.AnchoringService;
import io.peerwatt.settlement.report.JdbcReportSource;
import io.peerwatt.settlement.report.ReportFormat;
import io.peerwatt.settlement.report.ReportWriter;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

/**
 * {@code GET /api/v1/reports?zone=&from=&to=&format=csv|json|espi[&tariff=]}: the utility
 * settlement report of a zone (a utility of that zone, or an operator). Answers the file with
 * headers {@code X-PeerWatt-Report-Sha256} and, when the anchoring service anchored the report's
 * hash (kind report), {@code X-PeerWatt-Anchor-Txid}.
 */
public final class ReportRoutes implements ApiResource {
  private final JdbcReportSource reports;
  private final AnchoringService anchoring;
  private final Blocking blocking;
  private final Clock clock;

  /**
   * @param anchoring anchors each served report's SHA-256
   */
  public ReportRoutes(
      JdbcReportSource reports, AnchoringService anchoring, Blocking blocking, Clock clock) {
    this.reports = reports;
    this.anchoring = anchoring;
    this.blocking = blocking;
    this.clock = clock;
  }

  @Override
  public void addTo(Router api) {
    api.get("/reports").handler(this::report);
  }

  private void report(RoutingContext rc) {
    Caller caller = ApiRequests.caller(rc).require(Role.UTILITY, Role.OPERATOR);
    String zone = String.valueOf(ApiRequests.query(rc, "zone"));
    if (!caller.isOperator() && !zone.equals(caller.zoneCode())) {
      throw ApiError.forbidden("a utility sees the reports of its own zone only");
    }
    Instant from = ApiRequests.queryInstant(rc, "from");
    Instant to = ApiRequests.queryInstant(rc, "to");
    if (!from.isBefore(to)) {
      throw ApiError.badRequest("INVALID_PERIOD", "from must be before to", "from");
    }
    Object formatParam = ApiRequests.query(rc, "format");
    ReportFormat format =
        formatParam == null ? ReportFormat.JSON : ReportFormat.ofCode(String.valueOf(formatParam));
    Object tariffParam = ApiRequests.query(rc, "tariff");
    long tariff = tariffParam == null ? 0 : ((Number) tariffParam).longValue();
    blocking
        .run(
            () -> {
              byte[] file = ReportWriter.render(reports.report(zone, from, to, tariff), format);
              byte[] hash = Hashes.sha256(file);
              // the anchor payload carries start and length, so the period is written as an ISO
              // start/duration interval
              String period = from + "/" + Duration.between(from, to);
              AnchorOutcome outcome = anchoring.anchorReport(hash, period, clock.instant());
              String txid =
                  outcome.status() == AnchorOutcome.Status.ANCHORED ? outcome.txid() : null;
              return new Served(file, HexFormat.of().formatHex(hash), txid);
            })
        .onComplete(
            ar -> {
              if (ar.failed()) {
                rc.fail(ar.cause());
                return;
              }
              Served s = ar.result();
              var response =
                  rc.response()
                      .setStatusCode(200)
                      .putHeader("content-type", format.mediaType())
                      .putHeader("X-PeerWatt-Report-Sha256", s.sha256Hex());
              if (s.anchorTxid() != null) {
                response.putHeader("X-PeerWatt-Anchor-Txid", s.anchorTxid());
              }
              response.end(Buffer.buffer(s.file()));
            });
  }

  private record Served(byte[] file, String sha256Hex, String anchorTxid) {}
}
