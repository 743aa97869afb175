package io.peerwatt.webui;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Grid flexibility in the portal. The grid operator's page ({@code /utility/flexibility}, utilities
 * and operators): create an event for a zone, and per event what was needed, accepted and delivered
 * per slot. The household's page ({@code /flex}): the zone's open requests with what they would
 * earn, accepting one, its acceptances with what its battery did and earned, and its controllable
 * device with its standing rule.
 */
final class FlexPages {
  /** The most slots an event has (a day), as the API takes them. */
  static final int MAX_SLOTS = 96;

  private final Portal portal;
  private final ApiClient api;

  FlexPages(Portal portal, ApiClient api) {
    this.portal = portal;
    this.api = api;
  }

  void mountHousehold(Router router) {
    router.get("/flex").handler(ctx -> household(ctx, 200, Map.of(), Map.of()));
    router.post("/flex/requests/:id/accept").handler(this::accept);
    router.post("/flex/devices/:id").handler(this::setDevice);
    router.post("/flex/devices/:id/rule").handler(this::setRule);
    router.post("/flex/devices/:id/rule/remove").handler(this::removeRule);
  }

  void mountGrid(Router router) {
    router.get("/utility/flexibility").handler(ctx -> grid(ctx, 200, Map.of(), Map.of()));
    router.post("/utility/flexibility").handler(this::createEvent);
  }

  // ---- the grid operator's page

  /**
   * The page for the zone asked (an operator's choice, a utility's own), with {@code form} and
   * {@code errors} of a creation that was refused.
   */
  private void grid(
      RoutingContext ctx, int status, Map<String, String> form, Map<String, String> errors) {
    Viewer viewer = Portal.viewer(ctx);
    Future<ApiClient.Answer> zones =
        viewer.isOperator()
            ? api.get("/zones", viewer)
            : Future.succeededFuture(new ApiClient.Answer(200, new JsonObject(), ""));
    zones
        .compose(
            z -> {
              JsonArray list = z.object().getJsonArray("zones", new JsonArray());
              String asked =
                  Forms.orDefault(
                      form.get("zone"),
                      Forms.orDefault(ctx.request().getParam("zone"), viewer.zone()));
              String code =
                  asked != null
                      ? asked
                      : list.isEmpty() ? "" : list.getJsonObject(0).getString("code");
              Future<ZoneView> zone = portal.zone(viewer, code);
              Future<ApiClient.Answer> events =
                  api.get("/flex/events?zone=" + Forms.urlEncode(code), viewer);
              return Future.all(zone, events)
                  .map(
                      x -> {
                        Map<String, Object> p = new HashMap<>();
                        JsonArray eventList =
                            events.result().object().getJsonArray("events", new JsonArray());
                        Map<Long, String> charts = new HashMap<>();
                        for (Object o : eventList) {
                          JsonObject e = (JsonObject) o;
                          charts.put(
                              e.getLong("id"),
                              Charts.flexibility(e.getJsonArray("slots")).encode());
                        }
                        p.put("zone", zone.result());
                        p.put("zones", list);
                        p.put("events", eventList);
                        p.put("charts", charts);
                        p.put("listError", events.result().ok() ? "" : events.result().message());
                        p.put("form", form);
                        p.put("errors", errors);
                        return p;
                      });
            })
        .onSuccess(p -> portal.render(ctx, status, "flex-grid.jte", p))
        .onFailure(ctx::fail);
  }

  private void createEvent(RoutingContext ctx) {
    Viewer viewer = Portal.viewer(ctx);
    Map<String, String> form =
        Forms.of(ctx, "zone", "direction", "start", "slots", "limitKw", "priceEur");
    String zone = Forms.orDefault(form.get("zone"), viewer.zone());
    if (zone == null) {
      grid(ctx, 400, form, Map.of("form", "Choose the zone."));
      return;
    }
    portal
        .zone(viewer, zone)
        .onSuccess(
            z -> {
              Map<String, String> errors = new LinkedHashMap<>();
              JsonObject body = eventBody(z, form, errors);
              if (!errors.isEmpty()) {
                grid(ctx, 400, form, errors);
                return;
              }
              api.post("/flex/events", viewer, body)
                  .onSuccess(
                      answer -> {
                        if (answer.ok()) {
                          Forms.seeOther(
                              ctx,
                              "/utility/flexibility?zone="
                                  + Forms.urlEncode(zone)
                                  + "#event-"
                                  + answer.object().getLong("id"));
                        } else {
                          grid(ctx, answer.status(), form, Map.of("form", answer.message()));
                        }
                      })
                  .onFailure(ctx::fail);
            })
        .onFailure(ctx::fail);
  }

  /**
   * The API's body of the event the form describes, times read in the zone's local time; what is
   * wrong goes into {@code errors}, by field, in words.
   */
  static JsonObject eventBody(ZoneView zone, Map<String, String> form, Map<String, String> errors) {
    String direction = form.getOrDefault("direction", "");
    if (!direction.equals("REDUCE_IMPORT") && !direction.equals("REDUCE_EXPORT")) {
      errors.put("direction", "Choose whether the zone should import less or export less.");
    }
    Instant start = null;
    try {
      LocalDateTime local = LocalDateTime.parse(form.getOrDefault("start", "").strip());
      if (local.getMinute() % 15 != 0 || local.getSecond() != 0 || local.getNano() != 0) {
        errors.put("start", "Start on a quarter-hour (:00, :15, :30 or :45).");
      } else {
        start = local.atZone(zone.timeZone()).toInstant();
      }
    } catch (DateTimeParseException e) {
      errors.put("start", "Enter the day and time of the first slot.");
    }
    Long slots = Forms.whole(form.get("slots"));
    if (slots == null || slots < 1 || slots > MAX_SLOTS) {
      errors.put("slots", "Enter a number of quarter-hours from 1 to " + MAX_SLOTS + ".");
      slots = null;
    }
    JsonArray limitsW = new JsonArray();
    String limits = form.getOrDefault("limitKw", "").strip();
    String[] parts = limits.isEmpty() ? new String[0] : limits.split("[\\s;]+");
    for (String part : parts) {
      Long w = Forms.kwhToWh(part);
      if (w == null || w < 0) {
        errors.put(
            "limitKw", "\"" + part + "\" is not a limit in kW (at most 3 decimals, not negative).");
        break;
      }
      limitsW.add(w);
    }
    if (!errors.containsKey("limitKw")) {
      if (limitsW.isEmpty()) {
        errors.put("limitKw", "Enter the zone's limit in kW.");
      } else if (slots != null && limitsW.size() == 1) {
        long w = limitsW.getLong(0);
        for (int i = 1; i < slots; i++) {
          limitsW.add(w);
        }
      } else if (slots != null && limitsW.size() != slots) {
        errors.put(
            "limitKw",
            "Enter one limit for every slot, or one per slot: "
                + limitsW.size()
                + " limits for "
                + slots
                + " slots.");
      }
    }
    Long price = eurToMilliCt(form.get("priceEur"));
    if (price == null || price < 0) {
      errors.put("priceEur", "Enter the price in euros per kWh, e.g. 0.25 (at most 5 decimals).");
    }
    return new JsonObject()
        .put("zone", zone.code())
        .put("direction", direction)
        .put("start", start == null ? "" : start.toString())
        .put("limitsW", limitsW)
        .put("pricePerKwh", price);
  }

  /** {@code "0.25"} EUR -> 25000 milli-ct; null when not a number with at most 5 decimals. */
  static Long eurToMilliCt(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      BigDecimal v = new BigDecimal(text.strip().replace(',', '.')).movePointRight(5);
      return v.stripTrailingZeros().scale() > 0 ? null : v.longValueExact();
    } catch (NumberFormatException | ArithmeticException e) {
      return null;
    }
  }

  // ---- the household's page

  /**
   * The household's page, with {@code form} and {@code errors} of a form that was refused: errors
   * are keyed by the form ({@code accept-<request>}, {@code device-<id>}, {@code rule-<id>}).
   */
  private void household(
      RoutingContext ctx, int status, Map<String, String> form, Map<String, String> errors) {
    Viewer viewer = Portal.viewer(ctx);
    Future<ZoneView> zone = portal.zone(viewer, viewer.zone());
    Future<ApiClient.Answer> requests = api.get("/flex/requests", viewer);
    Future<ApiClient.Answer> devices = api.get("/devices", viewer);
    Future.all(zone, requests, devices)
        .compose(
            x -> {
              List<JsonObject> active = new ArrayList<>();
              for (Object o : devices.result().object().getJsonArray("devices", new JsonArray())) {
                JsonObject d = (JsonObject) o;
                if ("active".equals(d.getString("status"))) {
                  active.add(d);
                }
              }
              List<Future<ApiClient.Answer>> settings = new ArrayList<>();
              for (JsonObject d : active) {
                settings.add(api.get("/devices/" + d.getLong("id") + "/flexibility", viewer));
              }
              JsonArray listed =
                  requests.result().object().getJsonArray("requests", new JsonArray());
              Future<ApiClient.Answer> statements = statementsOver(listed, viewer);
              return Future.all(Future.all(settings), statements)
                  .map(
                      y -> {
                        Map<Long, JsonObject> controllable = new LinkedHashMap<>();
                        for (int i = 0; i < active.size(); i++) {
                          ApiClient.Answer a = settings.get(i).result();
                          controllable.put(active.get(i).getLong("id"), a.ok() ? a.object() : null);
                        }
                        Map<String, Object> p = new HashMap<>();
                        p.put("zone", zone.result());
                        p.put("requests", listed);
                        p.put("devices", controllable);
                        p.put("earned", FlexView.earned(listed));
                        p.put("deliveredWh", FlexView.deliveredWh(listed));
                        Map<Long, FlexView.Paid> paid =
                            FlexView.paidByAcceptance(
                                statements
                                    .result()
                                    .object()
                                    .getJsonArray("statements", new JsonArray()));
                        p.put("paid", paid);
                        p.put("paidTotal", FlexView.total(paid.values()));
                        p.put("clientKey", UUID.randomUUID().toString());
                        p.put("form", form);
                        p.put("errors", errors);
                        return p;
                      });
            })
        .onSuccess(p -> portal.render(ctx, status, "flex.jte", p))
        .onFailure(ctx::fail);
  }

  /**
   * The household's statements over the slots of the requests it accepted (none asked when it
   * accepted none): their flexibility delivery lines say what it was paid.
   */
  private Future<ApiClient.Answer> statementsOver(JsonArray requests, Viewer viewer) {
    Instant from = null;
    Instant to = null;
    for (Object o : requests) {
      JsonObject r = (JsonObject) o;
      if (r.getJsonArray("myAcceptances", new JsonArray()).isEmpty()) {
        continue;
      }
      Instant start = Instant.parse(r.getString("start"));
      Instant end = Instant.parse(r.getString("end"));
      from = from == null || start.isBefore(from) ? start : from;
      to = to == null || end.isAfter(to) ? end : to;
    }
    if (from == null) {
      return Future.succeededFuture(new ApiClient.Answer(200, new JsonObject(), ""));
    }
    return api.get(
        "/statements?from="
            + Forms.urlEncode(from.toString())
            + "&to="
            + Forms.urlEncode(to.toString())
            + "&limit=5000",
        viewer);
  }

  private void accept(RoutingContext ctx) {
    Long requestId = Forms.whole(ctx.pathParam("id"));
    Map<String, String> form = Forms.of(ctx, "deviceId", "watts", "clientKey");
    String key = "accept-" + ctx.pathParam("id");
    Long deviceId = Forms.whole(form.get("deviceId"));
    Long watts = Forms.whole(form.get("watts"));
    String clientKey = form.getOrDefault("clientKey", "");
    if (requestId == null || deviceId == null || !clientKey.matches("[A-Za-z0-9_-]{1,64}")) {
      household(ctx, 400, form, Map.of(key, "This request cannot be accepted from this form."));
      return;
    }
    if (watts == null || watts < 1) {
      household(ctx, 400, form, Map.of(key, "Enter the power to offer in whole watts, e.g. 1000."));
      return;
    }
    JsonObject body =
        new JsonObject().put("deviceId", deviceId).put("watts", watts).put("clientKey", clientKey);
    api.post("/flex/requests/" + requestId + "/acceptances", Portal.viewer(ctx), body)
        .onSuccess(
            answer -> {
              if (answer.ok()) {
                Forms.seeOther(ctx, "/flex#acceptances");
              } else {
                household(ctx, answer.status(), form, Map.of(key, answer.message()));
              }
            })
        .onFailure(ctx::fail);
  }

  private void setDevice(RoutingContext ctx) {
    Long deviceId = Forms.whole(ctx.pathParam("id"));
    Map<String, String> form = Forms.of(ctx, "kind", "maxPowerW");
    String key = "device-" + ctx.pathParam("id");
    String kind = form.getOrDefault("kind", "");
    Long maxPowerW = Forms.whole(form.get("maxPowerW"));
    if (deviceId == null) {
      household(ctx, 400, form, Map.of(key, "No such device."));
      return;
    }
    if (!kind.equals("battery") && !kind.equals("inverter")) {
      household(ctx, 400, form, Map.of(key, "Choose a battery or an inverter."));
      return;
    }
    if (maxPowerW == null || maxPowerW < 1 || maxPowerW > 1_000_000) {
      household(
          ctx, 400, form, Map.of(key, "Enter the most power it can move in watts, 1 to 1000000."));
      return;
    }
    sendAndReturn(
        ctx,
        HttpMethod.PUT,
        "/devices/" + deviceId + "/flexibility",
        new JsonObject().put("kind", kind).put("maxPowerW", maxPowerW),
        form,
        key);
  }

  private void setRule(RoutingContext ctx) {
    Long deviceId = Forms.whole(ctx.pathParam("id"));
    Map<String, String> form =
        Forms.of(ctx, "minPriceCt", "maxWatts", "reduceImport", "reduceExport");
    String key = "rule-" + ctx.pathParam("id");
    if (deviceId == null) {
      household(ctx, 400, form, Map.of(key, "No such device."));
      return;
    }
    Long minPrice = Forms.ctToMilliCt(form.get("minPriceCt"));
    Long maxWatts = Forms.whole(form.get("maxWatts"));
    JsonArray directions = new JsonArray();
    if (form.containsKey("reduceImport")) {
      directions.add("REDUCE_IMPORT");
    }
    if (form.containsKey("reduceExport")) {
      directions.add("REDUCE_EXPORT");
    }
    String error =
        minPrice == null || minPrice < 0
            ? "Enter the lowest price you accept in ct/kWh, e.g. 20 (at most 3 decimals)."
            : maxWatts == null || maxWatts < 1
                ? "Enter the most power to offer in whole watts, e.g. 1000."
                : directions.isEmpty()
                    ? "Choose at least one kind of request: import less or export less."
                    : null;
    if (error != null) {
      household(ctx, 400, form, Map.of(key, error));
      return;
    }
    sendAndReturn(
        ctx,
        HttpMethod.PUT,
        "/devices/" + deviceId + "/flexibility/rule",
        new JsonObject()
            .put("minPricePerKwh", minPrice)
            .put("maxWatts", maxWatts)
            .put("directions", directions),
        form,
        key);
  }

  private void removeRule(RoutingContext ctx) {
    Long deviceId = Forms.whole(ctx.pathParam("id"));
    String key = "rule-" + ctx.pathParam("id");
    if (deviceId == null) {
      household(ctx, 400, Map.of(), Map.of(key, "No such device."));
      return;
    }
    sendAndReturn(
        ctx, HttpMethod.DELETE, "/devices/" + deviceId + "/flexibility/rule", null, Map.of(), key);
  }

  /**
   * Sends {@code body} to the API and returns to the household's page, or shows the page with what
   * the API refused next to the form {@code key}.
   */
  private void sendAndReturn(
      RoutingContext ctx,
      HttpMethod method,
      String path,
      JsonObject body,
      Map<String, String> form,
      String key) {
    api.send(method, path, Portal.viewer(ctx), body)
        .onSuccess(
            answer -> {
              if (answer.ok()) {
                Forms.seeOther(ctx, "/flex#devices");
              } else {
                household(ctx, answer.status(), form, Map.of(key, answer.message()));
              }
            })
        .onFailure(ctx::fail);
  }
}
