package io.peerwatt.webui;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** The zone report of utilities (and operators): charts, tables, the report's files and proof. */
final class StaffPages {
  private static final Set<String> FORMATS = Set.of("csv", "json", "espi", "pdf");
  private final Portal portal;
  private final ApiClient api;

  StaffPages(Portal portal, ApiClient api) {
    this.portal = portal;
    this.api = api;
  }

  void mount(Router router) {
    router.get("/utility").handler(this::utility);
    router.get("/utility/report").handler(this::download);
  }

  // ---- utility

  /** Rows per page of the report's slot table. */
  private static final int REPORT_ROWS = 50;

  /** A report period of local days, and the zone it is for. */
  private record ReportScope(ZoneView zone, LocalDate from, LocalDate to) {
    Instant start() {
      return from.atStartOfDay(zone.timeZone()).toInstant();
    }

    Instant end() {
      return to.plusDays(1).atStartOfDay(zone.timeZone()).toInstant();
    }

    String apiQuery() {
      return "?zone="
          + Forms.urlEncode(zone.code())
          + "&from="
          + Forms.urlEncode(start().toString())
          + "&to="
          + Forms.urlEncode(end().toString());
    }

    String pageQuery() {
      return "?zone=" + Forms.urlEncode(zone.code()) + "&from=" + from + "&to=" + to;
    }

    String resolution() {
      long days = java.time.temporal.ChronoUnit.DAYS.between(from, to) + 1;
      return days <= 2 ? "PT15M" : days <= 14 ? "PT1H" : "P1D";
    }
  }

  /** The zone (a utility's own, an operator's choice) and the local days asked for. */
  private Future<ReportScope> scope(RoutingContext ctx) {
    Viewer viewer = Portal.viewer(ctx);
    Future<String> code =
        viewer.isOperator()
            ? api.get("/zones", viewer)
                .map(
                    a -> {
                      String asked = ctx.request().getParam("zone");
                      JsonArray zones = a.object().getJsonArray("zones", new JsonArray());
                      if (asked != null && !asked.isBlank()) {
                        return asked;
                      }
                      return zones.isEmpty() ? "" : zones.getJsonObject(0).getString("code");
                    })
            : Future.succeededFuture(viewer.zone() == null ? "" : viewer.zone());
    return code.compose(c -> portal.zone(viewer, c))
        .map(
            zone -> {
              LocalDate today = portal.clock().instant().atZone(zone.timeZone()).toLocalDate();
              LocalDate from = date(ctx.request().getParam("from"), today);
              LocalDate to = date(ctx.request().getParam("to"), today);
              if (to.isBefore(from)) {
                to = from;
              }
              if (to.isAfter(from.plusDays(92))) {
                to = from.plusDays(92);
              }
              return new ReportScope(zone, from, to);
            });
  }

  private static LocalDate date(String text, LocalDate fallback) {
    try {
      return text == null || text.isBlank() ? fallback : LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      return fallback;
    }
  }

  private void utility(RoutingContext ctx) {
    Viewer viewer = Portal.viewer(ctx);
    scope(ctx)
        .compose(
            scope -> {
              String range =
                  "from="
                      + Forms.urlEncode(scope.start().toString())
                      + "&to="
                      + Forms.urlEncode(scope.end().toString());
              Future<HttpResponse<Buffer>> report =
                  api.download("/reports" + scope.apiQuery() + "&format=json", viewer);
              Future<ApiClient.Answer> energy =
                  api.get(
                      "/energy?zone="
                          + Forms.urlEncode(scope.zone().code())
                          + "&"
                          + range
                          + "&resolution="
                          + scope.resolution(),
                      viewer);
              Future<ApiClient.Answer> history =
                  api.get(
                      "/market/" + Forms.urlEncode(scope.zone().code()) + "/history?" + range,
                      viewer);
              Future<ApiClient.Answer> zones =
                  viewer.isOperator()
                      ? api.get("/zones", viewer)
                      : Future.succeededFuture(new ApiClient.Answer(200, new JsonObject(), ""));
              return Future.join(report, energy, history, zones)
                  .map(
                      x -> {
                        Map<String, Object> p = new HashMap<>();
                        p.put("zone", scope.zone());
                        p.put("from", scope.from().toString());
                        p.put("to", scope.to().toString());
                        p.put("query", scope.pageQuery());
                        p.put(
                            "zones",
                            zones.succeeded()
                                ? zones.result().object().getJsonArray("zones", new JsonArray())
                                : new JsonArray());
                        boolean ok = report.succeeded() && report.result().statusCode() == 200;
                        JsonObject body =
                            ok ? report.result().bodyAsJsonObject() : new JsonObject();
                        p.put("report", body);
                        p.put(
                            "reportHash",
                            ok
                                ? Forms.orEmpty(
                                    report.result().getHeader("X-PeerWatt-Report-Sha256"))
                                : "");
                        p.put(
                            "anchorTxid",
                            ok
                                ? Forms.orEmpty(report.result().getHeader("X-PeerWatt-Anchor-Txid"))
                                : "");
                        p.put(
                            "reportError",
                            ok
                                ? ""
                                : report.succeeded()
                                    ? new ApiClient.Answer(
                                            report.result().statusCode(),
                                            jsonOrNull(report.result()),
                                            "")
                                        .message()
                                    : "the report service did not answer");
                        JsonArray rows = body.getJsonArray("rows", new JsonArray());
                        int page = page(ctx);
                        int from = Math.min(rows.size(), (page - 1) * REPORT_ROWS);
                        p.put(
                            "rows",
                            new JsonArray(
                                rows.getList()
                                    .subList(from, Math.min(rows.size(), from + REPORT_ROWS))));
                        p.put("rowCount", rows.size());
                        p.put("page", page);
                        p.put("pages", Math.max(1, (rows.size() + REPORT_ROWS - 1) / REPORT_ROWS));
                        p.put("households", ReportSummary.perMeteringPoint(rows));
                        boolean energyOk = energy.succeeded() && energy.result().ok();
                        JsonObject e = energyOk ? energy.result().object() : new JsonObject();
                        p.put("energy", e);
                        p.put("resolution", scope.resolution());
                        p.put(
                            "energyChart",
                            Charts.zoneEnergy(e.getJsonArray("intervals", new JsonArray()))
                                .encode());
                        JsonArray traded =
                            history.succeeded() && history.result().ok()
                                ? history.result().object().getJsonArray("slots", new JsonArray())
                                : new JsonArray();
                        p.put("history", traded);
                        p.put("priceChart", Charts.prices(traded).encode());
                        return p;
                      });
            })
        .onSuccess(p -> portal.render(ctx, 200, "utility.jte", p))
        .onFailure(ctx::fail);
  }

  private static Object jsonOrNull(HttpResponse<Buffer> r) {
    try {
      return r.bodyAsJsonObject();
    } catch (RuntimeException notJson) {
      return null;
    }
  }

  private static int page(RoutingContext ctx) {
    Long p = Forms.whole(ctx.request().getParam("page"));
    return p == null || p < 1 || p > 100_000 ? 1 : p.intValue();
  }

  /**
   * The report as a file: CSV, JSON or ESPI as the API wrote (and anchored) it, or a PDF of its
   * JSON form; each named after the SHA-256 the API gave for it.
   */
  private void download(RoutingContext ctx) {
    Viewer viewer = Portal.viewer(ctx);
    String format = ctx.request().getParam("format", "csv");
    if (!FORMATS.contains(format)) {
      portal.error(
          ctx, 400, "Unknown format", "Reports come as CSV, JSON, Green Button XML or PDF.");
      return;
    }
    scope(ctx)
        .compose(
            scope ->
                api.download(
                        "/reports"
                            + scope.apiQuery()
                            + "&format="
                            + (format.equals("pdf") ? "json" : format),
                        viewer)
                    .map(
                        r -> {
                          if (r.statusCode() != 200) {
                            portal.error(
                                ctx,
                                r.statusCode() == 403 ? 403 : 400,
                                "No report",
                                new ApiClient.Answer(r.statusCode(), jsonOrNull(r), "").message());
                            return null;
                          }
                          String hash = Forms.orEmpty(r.getHeader("X-PeerWatt-Report-Sha256"));
                          String stem =
                              "peerwatt-report-"
                                  + scope.zone().code()
                                  + "-"
                                  + scope.from()
                                  + "-to-"
                                  + scope.to()
                                  + "-sha256-"
                                  + hash.substring(0, Math.min(12, hash.length()));
                          Buffer body = r.body();
                          String type = r.getHeader("content-type");
                          String ext = format.equals("espi") ? "xml" : format;
                          if (format.equals("pdf")) {
                            body =
                                Buffer.buffer(
                                    ReportPdf.pdf(
                                        r.bodyAsJsonObject(),
                                        scope.zone(),
                                        hash,
                                        Forms.orEmpty(r.getHeader("X-PeerWatt-Anchor-Txid")),
                                        portal.clock().instant()));
                            type = "application/pdf";
                          }
                          ctx.response()
                              .putHeader(
                                  "content-type", type == null ? "application/octet-stream" : type)
                              .putHeader("X-PeerWatt-Report-Sha256", hash)
                              .putHeader(
                                  "content-disposition",
                                  "attachment; filename=\"" + stem + "." + ext + "\"")
                              .end(body);
                          return null;
                        }))
        .onFailure(ctx::fail);
  }
}
