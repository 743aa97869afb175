package io.peerwatt.webui;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The prosumer's pages: dashboard, market (orders and standing rules), trades, devices. */
final class ProsumerPages {
  private final Portal portal;
  private final ApiClient api;

  ProsumerPages(Portal portal, ApiClient api) {
    this.portal = portal;
    this.api = api;
  }

  void mount(Router router) {
    router.get("/dashboard").handler(this::dashboard);
    router.get("/market").handler(this::market);
    router.post("/market/orders").handler(this::placeOrder);
    router.post("/market/orders/:id/cancel").handler(this::cancelOrder);
    router.post("/market/rules").handler(this::createRule);
    router.post("/market/rules/:id/:action").handler(this::changeRule);
    router.get("/statements").handler(this::statements);
    router.get("/channels").handler(this::channels);
    router.get("/devices").handler(this::devices);
    router.post("/devices/codes").handler(this::createCode);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  // ---- dashboard

  private void dashboard(RoutingContext ctx) {
    Viewer viewer = Portal.viewer(ctx);
    Instant now = Instant.now();
    Instant dayStart = now.truncatedTo(ChronoUnit.DAYS);
    api.get("/metering-points", viewer)
        .compose(
            mps -> {
              JsonArray points = mps.object().getJsonArray("meteringPoints", new JsonArray());
              Future<ApiClient.Answer> readings =
                  points.isEmpty()
                      ? Future.succeededFuture(new ApiClient.Answer(200, new JsonObject(), ""))
                      : api.get(
                          "/readings?meteringPoint="
                              + points.getJsonObject(0).getLong("id")
                              + "&from="
                              + enc(now.minus(Duration.ofHours(24)).toString())
                              + "&to="
                              + enc(now.toString())
                              + "&limit=5000",
                          viewer);
              Future<ApiClient.Answer> trades = api.get("/trades", viewer);
              Future<ApiClient.Answer> zone = api.get("/zones/" + enc(nz(viewer.zone())), viewer);
              return Future.all(readings, trades, zone)
                  .map(
                      all -> {
                        Map<String, Object> p = new HashMap<>();
                        List<SlotEnergy.Point> pts = new ArrayList<>();
                        long livePowerW = 0;
                        String lastAt = null;
                        String proofRef = "";
                        String proofAt = null;
                        // readings are anchored once their slot's grace window closed: offer one
                        // from half an hour ago
                        String anchoredBefore = now.minus(Duration.ofMinutes(30)).toString();
                        for (Object o :
                            readings.result().object().getJsonArray("readings", new JsonArray())) {
                          JsonObject r = ((JsonObject) o).getJsonObject("reading");
                          pts.add(
                              new SlotEnergy.Point(
                                  Instant.parse(r.getString("takenAt")),
                                  r.getLong("importWh"),
                                  r.getLong("exportWh")));
                          if (lastAt == null || r.getString("takenAt").compareTo(lastAt) > 0) {
                            lastAt = r.getString("takenAt");
                            livePowerW = r.getLong("powerW");
                          }
                          if (r.getString("takenAt").compareTo(anchoredBefore) < 0
                              && (proofAt == null
                                  || r.getString("takenAt").compareTo(proofAt) > 0)) {
                            proofAt = r.getString("takenAt");
                            proofRef =
                                ((JsonObject) o).getLong("deviceId")
                                    + "/"
                                    + r.getLong("channel")
                                    + "/"
                                    + r.getLong("sequence");
                          }
                        }
                        List<SlotEnergy.Slot> slots = SlotEnergy.perSlot(pts);
                        JsonArray xs = new JsonArray();
                        JsonArray imports = new JsonArray();
                        JsonArray exports = new JsonArray();
                        long todayImportWh = 0;
                        long todayExportWh = 0;
                        for (SlotEnergy.Slot s : slots) {
                          xs.add(s.start().getEpochSecond());
                          imports.add(s.importWh() / 1000.0);
                          exports.add(s.exportWh() / 1000.0);
                          if (!s.start().isBefore(dayStart)) {
                            todayImportWh += s.importWh();
                            todayExportWh += s.exportWh();
                          }
                        }
                        long boughtWh = 0;
                        long soldWh = 0;
                        long paidMilliCt = 0;
                        long earnedMilliCt = 0;
                        for (Object o :
                            trades.result().object().getJsonArray("trades", new JsonArray())) {
                          JsonObject t = (JsonObject) o;
                          if (Format.slotStart(t.getString("slot")).isBefore(dayStart)) {
                            continue;
                          }
                          long value =
                              Math.multiplyExact(t.getLong("quantityWh"), t.getLong("pricePerKwh"))
                                  / 1000;
                          if ("BUY".equals(t.getString("side"))) {
                            boughtWh += t.getLong("quantityWh");
                            paidMilliCt +=
                                value
                                    + Math.multiplyExact(
                                            t.getLong("quantityWh"), t.getLong("gridFeePerKwh", 0L))
                                        / 1000;
                          } else {
                            soldWh += t.getLong("quantityWh");
                            earnedMilliCt += value;
                          }
                        }
                        p.put("meteringPoints", points);
                        p.put(
                            "chart",
                            new JsonObject()
                                .put("x", xs)
                                .put("import", imports)
                                .put("export", exports)
                                .encode());
                        p.put("hasReadings", !pts.isEmpty());
                        p.put("livePowerW", livePowerW);
                        p.put("lastReadingAt", lastAt == null ? "" : lastAt);
                        p.put("proofReadingRef", proofRef);
                        p.put("todayImportWh", todayImportWh);
                        p.put("todayExportWh", todayExportWh);
                        p.put("boughtWh", boughtWh);
                        p.put("soldWh", soldWh);
                        p.put("gridImportWh", Math.max(0, todayImportWh - boughtWh));
                        p.put("gridExportWh", Math.max(0, todayExportWh - soldWh));
                        p.put("paidMilliCt", paidMilliCt);
                        p.put("earnedMilliCt", earnedMilliCt);
                        p.put("currency", zone.result().object().getString("currency", "EUR"));
                        return p;
                      });
            })
        .onSuccess(p -> portal.render(ctx, 200, "dashboard.jte", p))
        .onFailure(ctx::fail);
  }

  // ---- market

  private void market(RoutingContext ctx) {
    renderMarket(ctx, 200, ctx.request().getParam("slot"), Map.of(), Map.of(), null);
  }

  /**
   * Renders the market page, optionally with the order form's values and the API's field errors.
   */
  private void renderMarket(
      RoutingContext ctx,
      int status,
      String chosenSlot,
      Map<String, String> form,
      Map<String, String> fieldErrors,
      String notice) {
    Viewer viewer = Portal.viewer(ctx);
    String zone = nz(viewer.zone());
    Future<ApiClient.Answer> slots = api.get("/market/" + enc(zone) + "/slots", viewer);
    Future<ApiClient.Answer> zoneInfo = api.get("/zones/" + enc(zone), viewer);
    Future<ApiClient.Answer> orders = api.get("/orders", viewer);
    Future<ApiClient.Answer> rules = api.get("/rules", viewer);
    Future<ApiClient.Answer> mps = api.get("/metering-points", viewer);
    Future.all(slots, zoneInfo, orders, rules, mps)
        .compose(
            all -> {
              // the next three hours are what people act on; older and later slots stay reachable
              // by link
              JsonArray allSlots = slots.result().object().getJsonArray("slots", new JsonArray());
              JsonArray slotList =
                  new JsonArray(allSlots.getList().subList(0, Math.min(allSlots.size(), 14)));
              String slot = chosenSlot;
              if (slot == null || slot.isBlank()) {
                for (Object o : slotList) {
                  if ("OPEN".equals(((JsonObject) o).getString("state"))) {
                    slot = ((JsonObject) o).getString("slot");
                    break;
                  }
                }
              }
              String selected = slot;
              Future<ApiClient.Answer> book =
                  selected == null
                      ? Future.succeededFuture(new ApiClient.Answer(404, null, ""))
                      : api.get("/market/" + enc(zone) + "/" + enc(selected) + "/book", viewer);
              Future<ApiClient.Answer> result =
                  selected == null
                      ? Future.succeededFuture(new ApiClient.Answer(404, null, ""))
                      : api.get("/market/" + enc(zone) + "/" + enc(selected) + "/result", viewer);
              return Future.all(book, result)
                  .map(
                      x -> {
                        Map<String, Object> p = new HashMap<>();
                        p.put("zone", zone);
                        p.put("zoneInfo", zoneInfo.result().object());
                        p.put("currency", zoneInfo.result().object().getString("currency", "EUR"));
                        p.put("slots", slotList);
                        p.put("selectedSlot", selected == null ? "" : selected);
                        p.put("book", book.result().object());
                        p.put("result", result.result().object());
                        p.put(
                            "orders",
                            orders.result().object().getJsonArray("orders", new JsonArray()));
                        p.put(
                            "rules",
                            rules.result().object().getJsonArray("rules", new JsonArray()));
                        p.put(
                            "meteringPoints",
                            mps.result().object().getJsonArray("meteringPoints", new JsonArray()));
                        p.put("form", form);
                        p.put("errors", fieldErrors);
                        p.put("notice", notice == null ? "" : notice);
                        return p;
                      });
            })
        .onSuccess(p -> portal.render(ctx, status, "market.jte", p))
        .onFailure(ctx::fail);
  }

  private void placeOrder(RoutingContext ctx) {
    Viewer viewer = Portal.viewer(ctx);
    Map<String, String> form =
        formOf(ctx, "slot", "side", "quantityKwh", "priceCt", "type", "green");
    Map<String, String> errors = new LinkedHashMap<>();
    Long quantityWh = Forms.kwhToWh(form.get("quantityKwh"));
    Long priceMilliCt = Forms.ctToMilliCt(form.get("priceCt"));
    if (quantityWh == null) {
      errors.put("quantityKwh", "Enter the energy in kWh, with at most 3 decimals (1 Wh).");
    }
    if (priceMilliCt == null) {
      errors.put("priceCt", "Enter the price in ct/kWh, with at most 3 decimals.");
    }
    if (!errors.isEmpty()) {
      renderMarket(ctx, 400, form.get("slot"), form, errors, null);
      return;
    }
    JsonObject body =
        new JsonObject()
            .put("zone", viewer.zone())
            .put("slot", form.get("slot"))
            .put("side", form.get("side"))
            .put("quantityWh", quantityWh)
            .put("limitPriceMilliCtPerKwh", priceMilliCt)
            .put("type", form.getOrDefault("type", "LIMIT"))
            .put("green", "on".equals(form.get("green")));
    api.post("/orders", viewer, body)
        .onSuccess(
            answer -> {
              if (answer.ok()) {
                redirect(ctx, "/market?slot=" + enc(form.get("slot")));
              } else {
                Map<String, String> apiErrors = new LinkedHashMap<>();
                apiErrors.put(formField(answer.field()), answer.message());
                renderMarket(ctx, answer.status(), form.get("slot"), form, apiErrors, null);
              }
            })
        .onFailure(ctx::fail);
  }

  /** Which input of the order form an API field error belongs next to. */
  static String formField(String apiField) {
    if (apiField == null) {
      return "form";
    }
    return switch (apiField) {
      case "quantityWh" -> "quantityKwh";
      case "limitPriceMilliCtPerKwh", "limitPriceSatPerKwh" -> "priceCt";
      case "slot", "side", "type" -> apiField;
      default -> "form";
    };
  }

  private void cancelOrder(RoutingContext ctx) {
    Viewer viewer = Portal.viewer(ctx);
    String slot = ctx.request().getFormAttribute("slot");
    api.send(HttpMethod.DELETE, "/orders/" + enc(ctx.pathParam("id")), viewer, null)
        .onSuccess(
            answer -> {
              if (answer.status() == 403 || answer.status() == 404) {
                portal.error(
                    ctx,
                    403,
                    "Not yours",
                    "That order belongs to another account or does not exist.");
              } else {
                redirect(ctx, "/market" + (slot == null ? "" : "?slot=" + enc(slot)));
              }
            })
        .onFailure(ctx::fail);
  }

  private void createRule(RoutingContext ctx) {
    Viewer viewer = Portal.viewer(ctx);
    Map<String, String> form =
        formOf(
            ctx,
            "meteringPointId",
            "side",
            "reserveKwh",
            "priceCt",
            "dailyCapKwh",
            "forecast",
            "horizonMinutes");
    Long mp = Forms.whole(form.get("meteringPointId"));
    Long reserve = Forms.kwhToWh(form.getOrDefault("reserveKwh", "0"));
    Long price = Forms.ctToMilliCt(form.get("priceCt"));
    Long cap = Forms.kwhToWh(form.get("dailyCapKwh"));
    Long horizon = Forms.whole(form.getOrDefault("horizonMinutes", "60"));
    if (mp == null || reserve == null || price == null || cap == null || horizon == null) {
      renderMarket(
          ctx,
          400,
          null,
          Map.of(),
          Map.of(
              "rule",
              "Fill in every field of the rule: energy in kWh, price in ct/kWh, horizon in whole minutes."),
          null);
      return;
    }
    JsonObject body =
        new JsonObject()
            .put("meteringPointId", mp)
            .put("side", form.get("side"))
            .put("reserveWh", reserve)
            .put("limitPriceMilliCtPerKwh", price)
            .put("dailyCapWh", cap)
            .put("lookbackDays", 7)
            .put("forecast", form.getOrDefault("forecast", "HISTORY"))
            .put("horizonMinutes", horizon);
    api.post("/rules", viewer, body)
        .onSuccess(
            answer -> {
              if (answer.ok()) {
                redirect(ctx, "/market");
              } else {
                renderMarket(
                    ctx, answer.status(), null, Map.of(), Map.of("rule", answer.message()), null);
              }
            })
        .onFailure(ctx::fail);
  }

  private void changeRule(RoutingContext ctx) {
    Viewer viewer = Portal.viewer(ctx);
    String id = enc(ctx.pathParam("id"));
    Future<ApiClient.Answer> done =
        switch (ctx.pathParam("action")) {
          case "pause" ->
              api.send(
                  HttpMethod.PATCH,
                  "/rules/" + id,
                  viewer,
                  new JsonObject().put("state", "PAUSED"));
          case "resume" ->
              api.send(
                  HttpMethod.PATCH,
                  "/rules/" + id,
                  viewer,
                  new JsonObject().put("state", "ACTIVE"));
          case "delete" -> api.send(HttpMethod.DELETE, "/rules/" + id, viewer, null);
          default -> Future.succeededFuture(new ApiClient.Answer(404, null, ""));
        };
    done.onSuccess(
            answer -> {
              if (answer.ok()) {
                redirect(ctx, "/market");
              } else {
                portal.error(
                    ctx, answer.status() == 404 ? 404 : 403, "Rule not changed", answer.message());
              }
            })
        .onFailure(ctx::fail);
  }

  // ---- trades and statements

  private void statements(RoutingContext ctx) {
    Viewer viewer = Portal.viewer(ctx);
    Future<ApiClient.Answer> trades = api.get("/trades", viewer);
    Future<ApiClient.Answer> statements = api.get("/statements", viewer);
    Future<ApiClient.Answer> payments = api.get("/payments", viewer);
    Future<ApiClient.Answer> zone = api.get("/zones/" + enc(nz(viewer.zone())), viewer);
    Future.all(trades, statements, payments, zone)
        .map(
            x ->
                Map.<String, Object>of(
                    "trades", trades.result().object().getJsonArray("trades", new JsonArray()),
                    "statements",
                        statements.result().object().getJsonArray("statements", new JsonArray()),
                    "payments",
                        payments.result().object().getJsonArray("payments", new JsonArray()),
                    "currency", zone.result().object().getString("currency", "EUR")))
        .onSuccess(p -> portal.render(ctx, 200, "statements.jte", p))
        .onFailure(ctx::fail);
  }

  private void channels(RoutingContext ctx) {
    api.get("/channels", Portal.viewer(ctx))
        .map(
            a ->
                Map.<String, Object>of(
                    "channels", a.object().getJsonArray("channels", new JsonArray())))
        .onSuccess(p -> portal.render(ctx, 200, "channels.jte", p))
        .onFailure(ctx::fail);
  }

  // ---- devices

  private void devices(RoutingContext ctx) {
    renderDevices(ctx, 200, null, null);
  }

  private void renderDevices(RoutingContext ctx, int status, JsonObject code, String error) {
    Viewer viewer = Portal.viewer(ctx);
    Instant now = Instant.now();
    Future<ApiClient.Answer> mps = api.get("/metering-points", viewer);
    Future<ApiClient.Answer> devices = api.get("/devices", viewer);
    Future.all(mps, devices)
        .compose(
            x -> {
              JsonArray points =
                  mps.result().object().getJsonArray("meteringPoints", new JsonArray());
              // a gateway reads at least every minute and at every quarter-hour: the last 15
              // minutes hold its newest reading
              List<Future<ApiClient.Answer>> recent = new ArrayList<>();
              for (Object o : points) {
                recent.add(
                    api.get(
                        "/readings?meteringPoint="
                            + ((JsonObject) o).getLong("id")
                            + "&from="
                            + enc(now.minus(Duration.ofMinutes(15)).toString())
                            + "&to="
                            + enc(now.plus(Duration.ofMinutes(5)).toString()),
                        viewer));
              }
              return Future.all(recent)
                  .map(
                      y -> {
                        JsonObject lastByDevice = new JsonObject();
                        for (Future<ApiClient.Answer> f : recent) {
                          for (Object o :
                              f.result().object().getJsonArray("readings", new JsonArray())) {
                            JsonObject row = (JsonObject) o;
                            String device = String.valueOf(row.getLong("deviceId"));
                            JsonObject r = row.getJsonObject("reading");
                            JsonObject seen = lastByDevice.getJsonObject(device);
                            if (seen == null
                                || r.getString("takenAt").compareTo(seen.getString("takenAt"))
                                    > 0) {
                              lastByDevice.put(device, r);
                            }
                          }
                        }
                        Map<String, Object> p = new HashMap<>();
                        p.put("meteringPoints", points);
                        p.put(
                            "devices",
                            devices.result().object().getJsonArray("devices", new JsonArray()));
                        p.put("lastReadings", lastByDevice);
                        p.put("code", code == null ? new JsonObject() : code);
                        p.put("error", error == null ? "" : error);
                        return p;
                      });
            })
        .onSuccess(p -> portal.render(ctx, status, "devices.jte", p))
        .onFailure(ctx::fail);
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

  private static Map<String, String> formOf(RoutingContext ctx, String... names) {
    Map<String, String> out = new HashMap<>();
    for (String n : names) {
      String v = ctx.request().getFormAttribute(n);
      if (v != null) {
        out.put(n, v);
      }
    }
    return out;
  }

  private static void redirect(RoutingContext ctx, String to) {
    ctx.response().setStatusCode(303).putHeader("location", to).end();
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
