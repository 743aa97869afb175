package io.peerwatt.webui;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A household's home page: what its meter does now, today's energy, energy per interval of a day,
 * week or month with what was traded peer-to-peer, and the money of that period line by line with
 * what the grid tariffs would have made of the same energy.
 */
final class HomePage {
  private final Portal portal;
  private final ApiClient api;

  HomePage(Portal portal, ApiClient api) {
    this.portal = portal;
    this.api = api;
  }

  private Future<ApiClient.Answer> energy(Viewer viewer, Instant from, Instant to, String res) {
    return api.get(
        "/energy?from="
            + Forms.urlEncode(from.toString())
            + "&to="
            + Forms.urlEncode(to.toString())
            + "&resolution="
            + res,
        viewer);
  }

  void show(RoutingContext ctx) {
    Viewer viewer = Portal.viewer(ctx);
    Instant now = portal.clock().instant();
    portal
        .zone(viewer, viewer.zone())
        .compose(
            zone -> {
              LocalDate today = now.atZone(zone.timeZone()).toLocalDate();
              Period period =
                  Period.of(
                      ctx.request().getParam("view"),
                      ctx.request().getParam("date"),
                      today,
                      zone.timeZone());
              Future<ApiClient.Answer> points = api.get("/metering-points", viewer);
              Future<ApiClient.Answer> chart =
                  energy(viewer, period.from(), period.to(), period.resolution());
              Future<ApiClient.Answer> quarterHours =
                  period.view().equals("day")
                      ? chart
                      : energy(viewer, period.from(), period.to(), "PT15M");
              Instant todayStart = today.atStartOfDay(zone.timeZone()).toInstant();
              Future<ApiClient.Answer> todays =
                  energy(
                      viewer,
                      todayStart,
                      today.plusDays(1).atStartOfDay(zone.timeZone()).toInstant(),
                      "P1D");
              Future<ApiClient.Answer> statements =
                  api.get(
                      "/statements?from="
                          + Forms.urlEncode(period.from().toString())
                          + "&to="
                          + Forms.urlEncode(period.to().toString())
                          + "&limit=5000",
                      viewer);
              Future<List<JsonObject>> live = points.compose(p -> live(viewer, p, now));
              return Future.join(points, chart, quarterHours, todays, statements, live)
                  .map(
                      x -> {
                        Map<String, Object> p = new HashMap<>();
                        p.put("zone", zone);
                        p.put("period", period);
                        p.put("today", today.toString());
                        p.put(
                            "meteringPoints",
                            ok(points)
                                ? points.result().object().getJsonArray("meteringPoints")
                                : new JsonArray());
                        JsonObject chartBody = ok(chart) ? chart.result().object() : null;
                        p.put("energyError", chartBody == null ? message(chart) : "");
                        JsonArray intervals =
                            chartBody == null
                                ? new JsonArray()
                                : chartBody.getJsonArray("intervals", new JsonArray());
                        p.put("intervals", intervals);
                        p.put(
                            "totals",
                            chartBody == null
                                ? new JsonObject()
                                : chartBody.getJsonObject("totals", new JsonObject()));
                        p.put("chart", Charts.householdEnergy(intervals).encode());
                        p.put(
                            "todayTotals",
                            ok(todays)
                                ? todays.result().object().getJsonObject("totals", new JsonObject())
                                : new JsonObject());
                        JsonArray st =
                            ok(statements)
                                ? statements.result().object().getJsonArray("statements")
                                : new JsonArray();
                        p.put("statementCount", st.size());
                        p.put("lines", HomeMoney.lines(st));
                        long net = HomeMoney.net(st);
                        p.put("net", net);
                        p.put(
                            "comparison",
                            ok(quarterHours)
                                ? HomeMoney.compare(
                                    quarterHours
                                        .result()
                                        .object()
                                        .getJsonArray("intervals", new JsonArray()),
                                    net,
                                    zone.retailPricePerKwh(),
                                    zone.feedInTariffPerKwh())
                                : null);
                        List<JsonObject> readings = live.succeeded() ? live.result() : List.of();
                        p.put("live", readings);
                        return p;
                      });
            })
        .onSuccess(p -> portal.render(ctx, 200, "dashboard.jte", p))
        .onFailure(ctx::fail);
  }

  /**
   * The newest reading of each metering point from the last quarter-hour (a gateway reads at least
   * every minute), with its point's label.
   */
  private Future<List<JsonObject>> live(Viewer viewer, ApiClient.Answer points, Instant now) {
    List<Future<ApiClient.Answer>> calls = new ArrayList<>();
    JsonArray list = points.object().getJsonArray("meteringPoints", new JsonArray());
    for (Object o : list) {
      calls.add(
          api.get(
              "/readings?meteringPoint="
                  + ((JsonObject) o).getLong("id")
                  + "&from="
                  + Forms.urlEncode(now.minus(Duration.ofMinutes(15)).toString())
                  + "&to="
                  + Forms.urlEncode(now.plus(Duration.ofMinutes(1)).toString())
                  + "&limit=10000",
              viewer));
    }
    return Future.join(calls)
        .map(
            x -> {
              List<JsonObject> out = new ArrayList<>();
              for (int i = 0; i < calls.size(); i++) {
                JsonObject newest = null;
                if (ok(calls.get(i))) {
                  for (Object r :
                      calls.get(i).result().object().getJsonArray("readings", new JsonArray())) {
                    JsonObject reading = ((JsonObject) r).getJsonObject("reading");
                    if (newest == null
                        || Instant.parse(reading.getString("takenAt"))
                            .isAfter(Instant.parse(newest.getString("takenAt")))) {
                      newest = reading.copy().put("deviceId", ((JsonObject) r).getLong("deviceId"));
                    }
                  }
                }
                if (newest != null) {
                  out.add(newest.put("label", list.getJsonObject(i).getString("label", "")));
                }
              }
              return out;
            });
  }

  private static boolean ok(Future<ApiClient.Answer> f) {
    return f.succeeded() && f.result().ok();
  }

  private static String message(Future<ApiClient.Answer> f) {
    return f.succeeded() ? f.result().message() : "the platform did not answer";
  }
}
