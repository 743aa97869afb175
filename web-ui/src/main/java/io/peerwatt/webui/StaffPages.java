package io.peerwatt.webui;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The operator console and the utility's report view. */
final class StaffPages {
  private static final Set<String> FORMATS = Set.of("csv", "json", "espi");
  private final Portal portal;
  private final ApiClient api;

  StaffPages(Portal portal, ApiClient api) {
    this.portal = portal;
    this.api = api;
  }

  void mount(Router router) {
    router.get("/operator").handler(this::operator);
    router.get("/operator/devices").handler(this::operatorDevices);
    router.get("/utility").handler(this::utility);
    router.get("/utility/report").handler(this::download);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  // ---- operator

  private void operator(RoutingContext ctx) {
    Viewer viewer = Portal.viewer(ctx);
    Future<ApiClient.Answer> zones = api.get("/zones", viewer);
    Future<ApiClient.Answer> health = api.health();
    Future<ApiClient.Answer> channels = api.get("/channels", viewer);
    Future.all(zones, health, channels)
        .compose(
            x -> {
              JsonArray zoneList = zones.result().object().getJsonArray("zones", new JsonArray());
              List<Future<ApiClient.Answer>> slotCalls = new ArrayList<>();
              for (Object o : zoneList) {
                slotCalls.add(
                    api.get(
                        "/market/" + enc(((JsonObject) o).getString("code")) + "/slots", viewer));
              }
              return Future.all(slotCalls)
                  .map(
                      y -> {
                        JsonObject slotsByZone = new JsonObject();
                        for (int i = 0; i < zoneList.size(); i++) {
                          JsonArray slots =
                              slotCalls
                                  .get(i)
                                  .result()
                                  .object()
                                  .getJsonArray("slots", new JsonArray());
                          slotsByZone.put(
                              zoneList.getJsonObject(i).getString("code"),
                              new JsonArray(slots.getList().subList(0, Math.min(slots.size(), 6))));
                        }
                        long openChannels = 0;
                        long paidSats = 0;
                        for (Object o :
                            channels.result().object().getJsonArray("channels", new JsonArray())) {
                          JsonObject c = (JsonObject) o;
                          if ("open".equals(c.getString("state"))) {
                            openChannels++;
                          }
                          paidSats += c.getLong("paidSats", 0L);
                        }
                        Map<String, Object> p = new HashMap<>();
                        p.put("zones", zoneList);
                        p.put("slotsByZone", slotsByZone);
                        p.put("health", health.result().object());
                        p.put("openChannels", openChannels);
                        p.put("paidSats", paidSats);
                        return p;
                      });
            })
        .onSuccess(p -> portal.render(ctx, 200, "operator.jte", p))
        .onFailure(ctx::fail);
  }

  private void operatorDevices(RoutingContext ctx) {
    api.get("/devices", Portal.viewer(ctx))
        .map(
            a ->
                Map.<String, Object>of(
                    "devices", a.object().getJsonArray("devices", new JsonArray())))
        .onSuccess(p -> portal.render(ctx, 200, "operator-devices.jte", p))
        .onFailure(ctx::fail);
  }

  // ---- utility

  private void utility(RoutingContext ctx) {
    Viewer viewer = Portal.viewer(ctx);
    Instant now = Instant.now().truncatedTo(ChronoUnit.HOURS);
    String zone = ctx.request().getParam("zone", viewer.zone() == null ? "" : viewer.zone());
    String from = ctx.request().getParam("from", now.minus(1, ChronoUnit.DAYS).toString());
    String to = ctx.request().getParam("to", now.plus(1, ChronoUnit.HOURS).toString());
    String query = "?zone=" + enc(zone) + "&from=" + enc(from) + "&to=" + enc(to);
    Future<ApiClient.Answer> report = api.get("/reports" + query + "&format=json", viewer);
    Future<ApiClient.Answer> statements =
        api.get("/statements?from=" + enc(from) + "&to=" + enc(to), viewer);
    Future.join(report, statements)
        .map(
            x -> {
              Map<String, Object> p = new HashMap<>();
              p.put("zone", zone);
              p.put("from", from);
              p.put("to", to);
              p.put("query", query);
              boolean ok = report.succeeded() && report.result().ok();
              p.put("report", ok ? report.result().object() : new JsonObject());
              p.put(
                  "reportError",
                  ok
                      ? ""
                      : report.succeeded()
                          ? report.result().message()
                          : "the report service did not answer");
              p.put(
                  "statements",
                  statements.succeeded()
                      ? statements.result().object().getJsonArray("statements", new JsonArray())
                      : new JsonArray());
              return p;
            })
        .onSuccess(p -> portal.render(ctx, 200, "utility.jte", p))
        .onFailure(ctx::fail);
  }

  /** Streams the API's report in the chosen format as a download. */
  private void download(RoutingContext ctx) {
    Viewer viewer = Portal.viewer(ctx);
    String format = ctx.request().getParam("format", "csv");
    if (!FORMATS.contains(format)) {
      portal.error(ctx, 400, "Unknown format", "Reports come as csv, json or espi.");
      return;
    }
    String query =
        "?zone="
            + enc(ctx.request().getParam("zone", ""))
            + "&from="
            + enc(ctx.request().getParam("from", ""))
            + "&to="
            + enc(ctx.request().getParam("to", ""))
            + "&format="
            + format;
    api.download("/reports" + query, viewer)
        .onSuccess(
            (HttpResponse<Buffer> r) -> {
              if (r.statusCode() != 200) {
                portal.error(ctx, r.statusCode() == 403 ? 403 : 400, "No report", r.bodyAsString());
                return;
              }
              String ext = format.equals("espi") ? "xml" : format;
              ctx.response()
                  .putHeader(
                      "content-type",
                      r.getHeader("content-type") == null
                          ? "application/octet-stream"
                          : r.getHeader("content-type"))
                  .putHeader(
                      "content-disposition", "attachment; filename=\"peerwatt-report." + ext + "\"")
                  .end(r.body());
            })
        .onFailure(ctx::fail);
  }
}
