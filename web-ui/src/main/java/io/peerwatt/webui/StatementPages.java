package io.peerwatt.webui;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The money and data pages: monthly statements (HTML, PDF, CSV), trades, and downloads of my data.
 */
final class StatementPages {
  private final Portal portal;
  private final ApiClient api;

  StatementPages(Portal portal, ApiClient api) {
    this.portal = portal;
    this.api = api;
  }

  void mount(Router router) {
    router.get("/statements/monthly.pdf").handler(this::monthlyPdf);
    router.get("/statements/monthly.csv").handler(this::monthlyCsv);
    router.get("/data").handler(this::data);
    router.get("/data/download").handler(this::download);
    router.get("/statements").handler(this::statements);
  }

  /** Rows per page of the statement and trade tables. */
  private static final int PAGE_ROWS = 48;

  /** The local month {@code month=YYYY-MM} names, or the current one. */
  private YearMonth month(RoutingContext ctx, ZoneView zone) {
    YearMonth current = YearMonth.from(portal.clock().instant().atZone(zone.timeZone()));
    String param = ctx.request().getParam("month");
    try {
      return param == null ? current : YearMonth.parse(param);
    } catch (DateTimeParseException e) {
      return current;
    }
  }

  /** The API's period ({@code from=...&to=...}) of the local days {@code first} to {@code last}. */
  private static String days(LocalDate first, LocalDate last, ZoneView zone) {
    return "from="
        + Forms.urlEncode(first.atStartOfDay(zone.timeZone()).toInstant().toString())
        + "&to="
        + Forms.urlEncode(last.plusDays(1).atStartOfDay(zone.timeZone()).toInstant().toString());
  }

  private Future<ApiClient.Answer> monthStatements(Viewer viewer, YearMonth month, ZoneView zone) {
    return api.get(
        "/statements?" + days(month.atDay(1), month.atEndOfMonth(), zone) + "&limit=5000", viewer);
  }

  private static int page(RoutingContext ctx, String name) {
    Long p = Forms.whole(ctx.request().getParam(name));
    return p == null || p < 1 || p > 10_000 ? 1 : p.intValue();
  }

  private void statements(RoutingContext ctx) {
    Viewer viewer = Portal.viewer(ctx);
    portal
        .zone(viewer, viewer.zone())
        .compose(
            zone -> {
              YearMonth month = month(ctx, zone);
              Future<ApiClient.Answer> statements = monthStatements(viewer, month, zone);
              Future<ApiClient.Answer> trades = api.get("/trades", viewer);
              Future<ApiClient.Answer> payments = api.get("/payments", viewer);
              return Future.all(statements, trades, payments)
                  .map(
                      x -> {
                        JsonArray st = statements.result().object().getJsonArray("statements");
                        JsonArray tr = trades.result().object().getJsonArray("trades");
                        Map<String, Object> p = new HashMap<>();
                        p.put("zone", zone);
                        p.put("month", month.toString());
                        p.put(
                            "monthName",
                            month.format(DateTimeFormatter.ofPattern("MMMM yyyy", Locale.ENGLISH)));
                        p.put("previousMonth", month.minusMonths(1).toString());
                        p.put("nextMonth", month.plusMonths(1).toString());
                        p.put("lines", HomeMoney.lines(st));
                        p.put("net", HomeMoney.net(st));
                        p.put("statementCount", st.size());
                        int sp = page(ctx, "page");
                        p.put("statements", slice(st, sp));
                        p.put("page", sp);
                        p.put("pages", pages(st.size()));
                        int tp = page(ctx, "tpage");
                        p.put("trades", slice(tr, tp));
                        p.put("tradePage", tp);
                        p.put("tradePages", pages(tr.size()));
                        p.put(
                            "payments",
                            new JsonArray(
                                payments
                                    .result()
                                    .object()
                                    .getJsonArray("payments")
                                    .getList()
                                    .subList(
                                        0,
                                        Math.min(
                                            PAGE_ROWS,
                                            payments
                                                .result()
                                                .object()
                                                .getJsonArray("payments")
                                                .size()))));
                        p.put("rate", Rate.of(st));
                        return p;
                      });
            })
        .onSuccess(p -> portal.render(ctx, 200, "statements.jte", p))
        .onFailure(ctx::fail);
  }

  private static JsonArray slice(JsonArray all, int page) {
    int from = Math.min(all.size(), (page - 1) * PAGE_ROWS);
    return new JsonArray(all.getList().subList(from, Math.min(all.size(), from + PAGE_ROWS)));
  }

  private static int pages(int rows) {
    return Math.max(1, (rows + PAGE_ROWS - 1) / PAGE_ROWS);
  }

  private void monthlyPdf(RoutingContext ctx) {
    inOwnZone(
        ctx,
        (viewer, zone) -> {
          YearMonth month = month(ctx, zone);
          monthStatements(viewer, month, zone)
              .map(
                  a ->
                      MonthlyStatement.pdf(
                          viewer,
                          zone,
                          month,
                          a.object().getJsonArray("statements", new JsonArray()),
                          portal.clock().instant()))
              .map(
                  pdf ->
                      ctx.response()
                          .putHeader("content-type", "application/pdf")
                          .putHeader(
                              "content-disposition",
                              "attachment; filename=\"peerwatt-statement-" + month + ".pdf\"")
                          .end(io.vertx.core.buffer.Buffer.buffer(pdf)))
              .onFailure(ctx::fail);
        });
  }

  private void monthlyCsv(RoutingContext ctx) {
    inOwnZone(
        ctx,
        (viewer, zone) -> {
          YearMonth month = month(ctx, zone);
          passOn(
              ctx,
              "/statements?format=csv&" + days(month.atDay(1), month.atEndOfMonth(), zone),
              "peerwatt-statement-" + month + ".csv");
        });
  }

  /** Runs {@code page} with the viewer and its zone once the zone is read. */
  private void inOwnZone(RoutingContext ctx, BiConsumer<Viewer, ZoneView> page) {
    Viewer viewer = Portal.viewer(ctx);
    portal
        .zone(viewer, viewer.zone())
        .onSuccess(zone -> page.accept(viewer, zone))
        .onFailure(ctx::fail);
  }

  /** An API file handed to the browser as a download named {@code filename}. */
  private void passOn(RoutingContext ctx, String apiPath, String filename) {
    api.download(apiPath, Portal.viewer(ctx))
        .onSuccess(
            r -> {
              if (r.statusCode() != 200) {
                portal.error(
                    ctx,
                    r.statusCode() == 403 ? 403 : 400,
                    "Nothing to download",
                    new ApiClient.Answer(r.statusCode(), r.bodyAsJsonObject(), "").message());
                return;
              }
              ctx.response()
                  .putHeader(
                      "content-type",
                      r.getHeader("content-type") == null
                          ? "application/octet-stream"
                          : r.getHeader("content-type"))
                  .putHeader("content-disposition", "attachment; filename=\"" + filename + "\"")
                  .end(r.body());
            })
        .onFailure(ctx::fail);
  }

  // ---- my data

  private void data(RoutingContext ctx) {
    Viewer viewer = Portal.viewer(ctx);
    Future.all(portal.zone(viewer, viewer.zone()), api.get("/metering-points", viewer))
        .map(
            all -> {
              ZoneView zone = all.resultAt(0);
              ApiClient.Answer mps = all.resultAt(1);
              LocalDate today = portal.clock().instant().atZone(zone.timeZone()).toLocalDate();
              Map<String, Object> p = new HashMap<>();
              p.put("zone", zone);
              p.put(
                  "from",
                  Forms.orDefault(
                      ctx.request().getParam("from"), today.withDayOfMonth(1).toString()));
              p.put("to", Forms.orDefault(ctx.request().getParam("to"), today.toString()));
              p.put("meteringPoints", mps.object().getJsonArray("meteringPoints", new JsonArray()));
              p.put("error", "");
              return p;
            })
        .onSuccess(p -> portal.render(ctx, 200, "data.jte", p))
        .onFailure(ctx::fail);
  }

  /**
   * One of the household's own files for a period of local days: {@code what=espi} (Green Button
   * XML of its energy and statements), {@code statements} (CSV) or {@code readings} (CSV of every
   * signed reading of one metering point).
   */
  private void download(RoutingContext ctx) {
    inOwnZone(
        ctx,
        (viewer, zone) -> {
          LocalDate from;
          LocalDate to;
          try {
            from = LocalDate.parse(Forms.orEmpty(ctx.request().getParam("from")));
            to = LocalDate.parse(Forms.orEmpty(ctx.request().getParam("to")));
          } catch (DateTimeParseException e) {
            portal.error(ctx, 400, "Which days?", "Give the first and last day as dates.");
            return;
          }
          if (to.isBefore(from)) {
            portal.error(ctx, 400, "Which days?", "The last day is before the first.");
            return;
          }
          String range = days(from, to, zone);
          String name = "peerwatt-" + viewer.username() + "-" + from + "-to-" + to;
          switch (Forms.orEmpty(ctx.request().getParam("what"))) {
            case "espi" -> passOn(ctx, "/energy?format=espi&" + range, name + "-espi.xml");
            case "statements" ->
                passOn(ctx, "/statements?format=csv&" + range, name + "-statements.csv");
            case "readings" -> {
              Long mp = Forms.whole(ctx.request().getParam("meteringPoint"));
              if (mp == null) {
                portal.error(ctx, 400, "Which meter?", "Choose a metering point.");
                return;
              }
              passOn(
                  ctx,
                  "/readings?format=csv&meteringPoint=" + mp + "&" + range,
                  name + "-readings-" + mp + ".csv");
            }
            default ->
                portal.error(
                    ctx, 400, "Which file?", "Choose Green Button XML, statements or readings.");
          }
        });
  }
}
