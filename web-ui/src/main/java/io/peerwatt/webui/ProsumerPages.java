package io.peerwatt.webui;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The prosumer's pages: the home dashboard, channels and devices; market and statement pages mount
 * beside them.
 */
final class ProsumerPages {
  private final Portal portal;
  private final ApiClient api;

  ProsumerPages(Portal portal, ApiClient api) {
    this.portal = portal;
    this.api = api;
  }

  void mount(Router router) {
    router.get("/dashboard").handler(new HomePage(portal, api)::show);
    router.get("/channels").handler(this::channels);
    router.get("/devices").handler(this::devices);
    router.post("/devices/codes").handler(this::createCode);
    new MarketPages(portal, api).mount(router);
    new StatementPages(portal, api).mount(router);
    new SharePages(portal, api).mount(router);
  }

  // ---- channels

  private void channels(RoutingContext ctx) {
    Viewer viewer = Portal.viewer(ctx);
    Future<ZoneView> zone = portal.zone(viewer, viewer.zone());
    Future<ApiClient.Answer> channels = api.get("/channels", viewer);
    Future<ApiClient.Answer> latest = api.get("/statements?limit=1", viewer);
    Future<ApiClient.Answer> health = api.health();
    Future.join(zone, channels, latest, health)
        .map(
            x -> {
              Map<String, Object> p = new HashMap<>();
              p.put("zone", zone.result());
              p.put(
                  "channels", channels.result().object().getJsonArray("channels", new JsonArray()));
              p.put(
                  "rate",
                  Rate.of(
                      latest.succeeded()
                          ? latest.result().object().getJsonArray("statements", new JsonArray())
                          : new JsonArray()));
              p.put(
                  "height",
                  health.succeeded()
                      ? health
                          .result()
                          .object()
                          .getJsonObject("chain", new JsonObject())
                          .getLong("height", -1L)
                      : -1L);
              return p;
            })
        .onSuccess(p -> portal.render(ctx, 200, "channels.jte", p))
        .onFailure(ctx::fail);
  }

  // ---- devices

  private void devices(RoutingContext ctx) {
    renderDevices(ctx, 200, null, null);
  }

  private void renderDevices(RoutingContext ctx, int status, JsonObject code, String error) {
    Viewer viewer = Portal.viewer(ctx);
    Instant now = portal.clock().instant();
    Future<ZoneView> zone = portal.zone(viewer, viewer.zone());
    Future<ApiClient.Answer> mps = api.get("/metering-points", viewer);
    Future<ApiClient.Answer> devices = api.get("/devices", viewer);
    Future.all(zone, mps, devices)
        .compose(
            x -> {
              JsonArray points =
                  mps.result().object().getJsonArray("meteringPoints", new JsonArray());
              List<Future<ApiClient.Answer>> recent = new ArrayList<>();
              for (Object o : points) {
                recent.add(
                    api.get(
                        "/readings?meteringPoint="
                            + ((JsonObject) o).getLong("id")
                            + "&from="
                            + Forms.urlEncode(now.minus(Duration.ofHours(1)).toString())
                            + "&to="
                            + Forms.urlEncode(now.plus(Duration.ofMinutes(1)).toString())
                            + "&limit=10000",
                        viewer));
              }
              return Future.all(recent)
                  .map(
                      y -> {
                        List<JsonObject> rows = new ArrayList<>();
                        for (Future<ApiClient.Answer> f : recent) {
                          for (Object o :
                              f.result().object().getJsonArray("readings", new JsonArray())) {
                            rows.add((JsonObject) o);
                          }
                        }
                        rows.sort(
                            (a, b) ->
                                b.getJsonObject("reading")
                                    .getString("takenAt")
                                    .compareTo(a.getJsonObject("reading").getString("takenAt")));
                        Map<String, Object> p = new HashMap<>();
                        p.put("zone", zone.result());
                        p.put("meteringPoints", points);
                        p.put(
                            "devices",
                            devices.result().object().getJsonArray("devices", new JsonArray()));
                        p.put("readings", latestAndPerQuarterHour(rows));
                        p.put("code", code == null ? new JsonObject() : code);
                        p.put("error", error == null ? "" : error);
                        return p;
                      });
            })
        .onSuccess(p -> portal.render(ctx, status, "devices.jte", p))
        .onFailure(ctx::fail);
  }

  /**
   * The newest readings, then the last one of each earlier quarter-hour: recent ones show what the
   * meter does, older ones are anchored already and can be checked.
   *
   * @param newestFirst readings, newest first
   */
  static JsonArray latestAndPerQuarterHour(List<JsonObject> newestFirst) {
    JsonArray out = new JsonArray();
    long quarter = Long.MIN_VALUE;
    for (int i = 0; i < newestFirst.size() && out.size() < 12; i++) {
      JsonObject row = newestFirst.get(i);
      long q =
          Math.floorDiv(
              Instant.parse(row.getJsonObject("reading").getString("takenAt")).getEpochSecond(),
              900);
      if (i < 4 || q != quarter) {
        out.add(row);
      }
      quarter = q;
    }
    return out;
  }

  private void createCode(RoutingContext ctx) {
    Viewer viewer = Portal.viewer(ctx);
    Long mp = Forms.whole(ctx.request().getFormAttribute("meteringPointId"));
    if (mp == null) {
      renderDevices(ctx, 400, null, "Choose a metering point.");
      return;
    }
    api.post("/metering-points/" + mp + "/enrolment-codes", viewer, new JsonObject())
        .onSuccess(
            answer -> {
              if (answer.ok()) {
                renderDevices(ctx, 200, answer.object(), null);
              } else if (answer.status() == 403 || answer.status() == 404) {
                portal.error(
                    ctx, 403, "Not yours", "That metering point belongs to another account.");
              } else {
                renderDevices(ctx, answer.status(), null, answer.message());
              }
            })
        .onFailure(ctx::fail);
  }
}
