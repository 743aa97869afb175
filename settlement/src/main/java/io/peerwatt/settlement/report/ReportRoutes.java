package io.peerwatt.settlement.report;

import io.peerwatt.protocol.Hashes;
import io.peerwatt.settlement.anchor.AnchorOutcome;
import io.peerwatt.settlement.anchor.AnchoringService;
import io.peerwatt.trading.ApiContext;
import io.peerwatt.trading.ApiError;
import io.peerwatt.trading.ApiRoutes;
import io.peerwatt.trading.Caller;
import io.peerwatt.trading.Role;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code GET /api/v1/reports?zone=&from=&to=&format=csv|json|espi[&tariff=]}: the utility settlement
 * report of a zone (a utility of that zone, or an operator). Answers the file with headers
 * {@code X-PeerWatt-Report-Sha256} and, once the platform handed in its anchoring service with
 * {@link #useAnchoring}, {@code X-PeerWatt-Anchor-Txid}: the report's hash anchored (kind report).
 */
public final class ReportRoutes implements ApiRoutes {
  private static final AtomicReference<AnchoringService> ANCHORING = new AtomicReference<>();
  private ApiContext context;

  /** The service that anchors each served report's SHA-256. */
  public static void useAnchoring(AnchoringService anchoring) {
    ANCHORING.set(anchoring);
  }

  @Override
  public void addTo(Router api, ApiContext ctx) {
    this.context = ctx;
    api.get("/reports").handler(this::report);
  }

  private void report(RoutingContext rc) {
    Caller caller = ApiContext.caller(rc).require(Role.UTILITY, Role.OPERATOR);
    String zone = String.valueOf(ApiContext.query(rc, "zone"));
    if (!caller.isOperator() && !zone.equals(caller.zoneCode())) {
      throw ApiError.forbidden("a utility sees the reports of its own zone only");
    }
    Instant from = instant(rc, "from");
    Instant to = instant(rc, "to");
    if (!from.isBefore(to)) {
      throw ApiError.badRequest("INVALID_PERIOD", "from must be before to", "from");
    }
    Object formatParam = ApiContext.query(rc, "format");
    ReportFormat format = formatParam == null ? ReportFormat.JSON : ReportFormat.ofCode(String.valueOf(formatParam));
    Object tariffParam = ApiContext.query(rc, "tariff");
    long tariff = tariffParam == null ? 0 : ((Number) tariffParam).longValue();
    context.blocking(() -> {
      byte[] file = ReportWriter.render(new JdbcReportSource(context.dsl()).report(zone, from, to, tariff), format);
      byte[] hash = Hashes.sha256(file);
      AnchoringService anchoring = ANCHORING.get();
      String txid = null;
      if (anchoring != null) {
        // the anchor payload carries start and length, so the period is written as an ISO start/duration interval
        String period = from + "/" + java.time.Duration.between(from, to);
        AnchorOutcome outcome = anchoring.anchorReport(hash, period, context.clock().instant());
        txid = outcome.status() == AnchorOutcome.Status.ANCHORED ? outcome.txid() : null;
      }
      return new Served(file, HexFormat.of().formatHex(hash), txid);
    }).onComplete(ar -> {
      if (ar.failed()) {
        rc.fail(ar.cause());
        return;
      }
      Served s = ar.result();
      var response = rc.response().setStatusCode(200).putHeader("content-type", format.mediaType())
          .putHeader("X-PeerWatt-Report-Sha256", s.sha256Hex());
      if (s.anchorTxid() != null) {
        response.putHeader("X-PeerWatt-Anchor-Txid", s.anchorTxid());
      }
      response.end(Buffer.buffer(s.file()));
    });
  }

  private record Served(byte[] file, String sha256Hex, String anchorTxid) {}

  private static Instant instant(RoutingContext rc, String name) {
    try {
      return Instant.parse(String.valueOf(ApiContext.query(rc, name)));
    } catch (DateTimeParseException e) {
      throw ApiError.badRequest("INVALID_TIME", name + " must be an ISO 8601 UTC time like 2026-11-25T00:00:00Z", name);
    }
  }
}
