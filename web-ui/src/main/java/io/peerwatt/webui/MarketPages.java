package io.peerwatt.webui;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** The market pages: zone slots and price history, orders, standing rules. */
final class MarketPages {
  private final Portal portal;
  private final ApiClient api;

  MarketPages(Portal portal, ApiClient api) {
    this.portal = portal;
    this.api = api;
  }

  void mount(Router router) {
    router.get("/market").handler(this::market);
    router.post("/market/orders").handler(this::placeOrder);
    router.post("/market/orders/:id/cancel").handler(this::cancelOrder);
    router.post("/market/rules").handler(this::createRule);
    router.post("/market/rules/:id/:action").handler(this::changeRule);
  }

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
    String zoneCode = Forms.orEmpty(viewer.zone());
    Instant now = portal.clock().instant();
    Future<ZoneView> zoneInfo = portal.zone(viewer, zoneCode);
    Future<ApiClient.Answer> slots =
        api.get("/market/" + Forms.urlEncode(zoneCode) + "/slots", viewer);
    Future<ApiClient.Answer> orders = api.get("/orders", viewer);
    Future<ApiClient.Answer> rules = api.get("/rules", viewer);
    Future<ApiClient.Answer> mps = api.get("/metering-points", viewer);
    Future<ApiClient.Answer> history =
        api.get(
            "/market/"
                + Forms.urlEncode(zoneCode)
                + "/history?from="
                + Forms.urlEncode(now.minus(Duration.ofHours(24)).toString())
                + "&to="
                + Forms.urlEncode(now.toString()),
            viewer);
    Future.all(zoneInfo, slots, orders, rules, mps)
        .compose(
            all -> {
              // the next three hours are what people act on; later slots stay reachable by link
              JsonArray allSlots = slots.result().object().getJsonArray("slots", new JsonArray());
              JsonArray slotList =
                  new JsonArray(allSlots.getList().subList(0, Math.min(allSlots.size(), 14)));
              String slot = chosenSlot;
              String nextTradable = nextTradable(allSlots);
              if (slot == null || slot.isBlank()) {
                slot = nextTradable;
              }
              String selected = slot;
              Future<ApiClient.Answer> book = slotAnswer(zoneCode, selected, "book", viewer);
              Future<ApiClient.Answer> result = slotAnswer(zoneCode, selected, "result", viewer);
              return Future.join(book, result, history)
                  .map(
                      x -> {
                        Map<String, Object> p = new HashMap<>();
                        ZoneView zone = zoneInfo.result();
                        p.put("zone", zone);
                        p.put("slots", slotList);
                        p.put("orderSlots", openSlots(allSlots));
                        p.put("selectedSlot", selected == null ? "" : selected);
                        p.put("nextTradable", nextTradable == null ? "" : nextTradable);
                        p.put("book", book.succeeded() ? book.result().object() : new JsonObject());
                        p.put(
                            "result",
                            result.succeeded() ? result.result().object() : new JsonObject());
                        JsonArray traded =
                            history.succeeded() && history.result().ok()
                                ? history.result().object().getJsonArray("slots", new JsonArray())
                                : new JsonArray();
                        p.put("history", traded);
                        p.put("historyChart", Charts.prices(traded).encode());
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

  /** The API's {@code what} (book or result) of a zone's slot; 404 when no slot is chosen. */
  private Future<ApiClient.Answer> slotAnswer(
      String zoneCode, String slot, String what, Viewer viewer) {
    if (slot == null) {
      return Future.succeededFuture(new ApiClient.Answer(404, null, ""));
    }
    return api.get(
        "/market/" + Forms.urlEncode(zoneCode) + "/" + Forms.urlEncode(slot) + "/" + what, viewer);
  }

  /**
   * Time a person needs between choosing a slot and its gate closing: the order form offers the
   * first open slot whose gate is at least this far off (platform time).
   */
  static final long SECONDS_TO_TRADE = 300;

  /** The first open slot whose gate closes at least {@link #SECONDS_TO_TRADE} from now, or null. */
  static String nextTradable(JsonArray slots) {
    for (Object o : slots) {
      JsonObject s = (JsonObject) o;
      if ("OPEN".equals(s.getString("state"))
          && s.getLong("secondsToGateClosure", 0L) >= SECONDS_TO_TRADE) {
        return s.getString("slot");
      }
    }
    return null;
  }

  /** The open slots the order form offers, the next three hours of them. */
  private static JsonArray openSlots(JsonArray slots) {
    JsonArray out = new JsonArray();
    for (Object o : slots) {
      JsonObject s = (JsonObject) o;
      if ("OPEN".equals(s.getString("state")) && out.size() < 12) {
        out.add(s);
      }
    }
    return out;
  }

  private void placeOrder(RoutingContext ctx) {
    Viewer viewer = Portal.viewer(ctx);
    Map<String, String> form =
        Forms.of(ctx, "slot", "side", "quantityKwh", "priceCt", "type", "green");
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
                Forms.seeOther(ctx, "/market?slot=" + Forms.urlEncode(form.get("slot")));
              } else {
                refused(ctx, viewer, answer, form);
              }
            })
        .onFailure(ctx::fail);
  }

  /** Shows a refused order's form again with the refusal in plain words next to its field. */
  private void refused(
      RoutingContext ctx, Viewer viewer, ApiClient.Answer answer, Map<String, String> form) {
    String slot = form.get("slot");
    Future.join(
            portal.zone(viewer, viewer.zone()),
            api.get("/market/" + Forms.urlEncode(Forms.orEmpty(viewer.zone())) + "/slots", viewer))
        .onComplete(
            x -> {
              ZoneView zone =
                  x.succeeded() ? x.result().resultAt(0) : ZoneView.of(new JsonObject());
              String gate = null;
              if (x.succeeded()) {
                ApiClient.Answer slots = x.result().resultAt(1);
                for (Object o : slots.object().getJsonArray("slots", new JsonArray())) {
                  if (((JsonObject) o).getString("slot").equals(slot)) {
                    gate = ((JsonObject) o).getString("gateClosure");
                  }
                }
                if (gate == null && slot != null && zone.gateClosureLeadSeconds() >= 0) {
                  try {
                    gate =
                        Format.slotStart(slot)
                            .minusSeconds(zone.gateClosureLeadSeconds())
                            .toString();
                  } catch (RuntimeException notASlot) {
                    gate = null;
                  }
                }
              }
              Map<String, String> errors = new LinkedHashMap<>();
              errors.put(formField(answer.field()), OrderWords.refusal(answer, zone, slot, gate));
              renderMarket(ctx, answer.status(), null, form, errors, null);
            });
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
    api.send(HttpMethod.DELETE, "/orders/" + Forms.urlEncode(ctx.pathParam("id")), viewer, null)
        .onSuccess(
            answer -> {
              if (answer.status() == 403 || answer.status() == 404) {
                portal.error(
                    ctx,
                    403,
                    "Not yours",
                    "That order belongs to another account or does not exist.");
              } else {
                Forms.seeOther(
                    ctx, "/market" + (slot == null ? "" : "?slot=" + Forms.urlEncode(slot)));
              }
            })
        .onFailure(ctx::fail);
  }

  private void createRule(RoutingContext ctx) {
    Viewer viewer = Portal.viewer(ctx);
    Map<String, String> form =
        Forms.of(
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
                Forms.seeOther(ctx, "/market");
              } else {
                renderMarket(
                    ctx,
                    answer.status(),
                    null,
                    Map.of(),
                    Map.of("rule", ruleRefusal(answer)),
                    null);
              }
            })
        .onFailure(ctx::fail);
  }

  /** A refused rule in words: the field's label, not its API name. */
  static String ruleRefusal(ApiClient.Answer answer) {
    String label =
        switch (answer.field() == null ? "" : answer.field()) {
          case "horizonMinutes" -> "Horizon (minutes)";
          case "dailyCapWh" -> "Daily cap";
          case "reserveWh" -> "Reserve";
          case "lookbackDays" -> "Days to look back";
          case "limitPriceMilliCtPerKwh", "limitPriceSatPerKwh" -> "Price limit";
          case "meteringPointId" -> "Metering point";
          default -> "";
        };
    String message = answer.message();
    if (answer.field() != null && message.startsWith(answer.field() + ": ")) {
      message = message.substring(answer.field().length() + 2);
    }
    return label.isEmpty()
        ? "The rule was refused: " + message + "."
        : label + ": " + message.replace("..", " to ") + ".";
  }

  private void changeRule(RoutingContext ctx) {
    Viewer viewer = Portal.viewer(ctx);
    String id = Forms.urlEncode(ctx.pathParam("id"));
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
                Forms.seeOther(ctx, "/market");
              } else {
                portal.error(
                    ctx, answer.status() == 404 ? 404 : 403, "Rule not changed", answer.message());
              }
            })
        .onFailure(ctx::fail);
  }
}
