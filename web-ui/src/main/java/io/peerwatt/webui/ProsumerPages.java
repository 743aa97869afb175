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
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
    router.get("/dashboard").handler(new HomePage(portal, api)::show);
    router.get("/statements/monthly.pdf").handler(this::monthlyPdf);
    router.get("/statements/monthly.csv").handler(this::monthlyCsv);
    router.get("/data").handler(this::data);
    router.get("/data/download").handler(this::download);
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
    String zoneCode = nz(viewer.zone());
    Instant now = portal.clock().instant();
    Future<ZoneView> zoneInfo = portal.zone(viewer, zoneCode);
    Future<ApiClient.Answer> slots = api.get("/market/" + enc(zoneCode) + "/slots", viewer);
    Future<ApiClient.Answer> orders = api.get("/orders", viewer);
    Future<ApiClient.Answer> rules = api.get("/rules", viewer);
    Future<ApiClient.Answer> mps = api.get("/metering-points", viewer);
    Future<ApiClient.Answer> history =
        api.get(
            "/market/"
                + enc(zoneCode)
                + "/history?from="
                + enc(now.minus(Duration.ofHours(24)).toString())
                + "&to="
                + enc(now.toString()),
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
              Future<ApiClient.Answer> book =
                  selected == null
                      ? Future.succeededFuture(new ApiClient.Answer(404, null, ""))
                      : api.get("/market/" + enc(zoneCode) + "/" + enc(selected) + "/book", viewer);
              Future<ApiClient.Answer> result =
                  selected == null
                      ? Future.succeededFuture(new ApiClient.Answer(404, null, ""))
                      : api.get(
                          "/market/" + enc(zoneCode) + "/" + enc(selected) + "/result", viewer);
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
                        p.put("historyChart", historyChart(traded).encode());
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

  /** Price (ct/kWh) and volume (kWh) per traded slot, for drawing only. */
  private static JsonObject historyChart(JsonArray traded) {
    JsonArray x = new JsonArray();
    JsonArray volume = new JsonArray();
    JsonArray price = new JsonArray();
    for (Object o : traded) {
      JsonObject s = (JsonObject) o;
      x.add(Format.slotStart(s.getString("slot")).getEpochSecond());
      volume.add(s.getLong("volumeWh") / 1000.0);
      price.add(s.getLong("averagePricePerKwh") / 1000.0);
    }
    return new JsonObject().put("x", x).put("volume", volume).put("price", price);
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
            api.get("/market/" + enc(nz(viewer.zone())) + "/slots", viewer))
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

  // ---- money: statements, payments, trades

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

  private static Instant monthStart(YearMonth month, ZoneView zone) {
    return month.atDay(1).atStartOfDay(zone.timeZone()).toInstant();
  }

  private Future<ApiClient.Answer> monthStatements(Viewer viewer, YearMonth month, ZoneView zone) {
    return api.get(
        "/statements?from="
            + enc(monthStart(month, zone).toString())
            + "&to="
            + enc(monthStart(month.plusMonths(1), zone).toString())
            + "&limit=5000",
        viewer);
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
    Viewer viewer = Portal.viewer(ctx);
    portal
        .zone(viewer, viewer.zone())
        .compose(
            zone -> {
              YearMonth month = month(ctx, zone);
              return monthStatements(viewer, month, zone)
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
                              .end(io.vertx.core.buffer.Buffer.buffer(pdf)));
            })
        .onFailure(ctx::fail);
  }

  private void monthlyCsv(RoutingContext ctx) {
    Viewer viewer = Portal.viewer(ctx);
    portal
        .zone(viewer, viewer.zone())
        .onSuccess(
            zone -> {
              YearMonth month = month(ctx, zone);
              passOn(
                  ctx,
                  "/statements?format=csv&from="
                      + enc(monthStart(month, zone).toString())
                      + "&to="
                      + enc(monthStart(month.plusMonths(1), zone).toString()),
                  "peerwatt-statement-" + month + ".csv");
            })
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
              p.put("from", nz(ctx.request().getParam("from"), today.withDayOfMonth(1).toString()));
              p.put("to", nz(ctx.request().getParam("to"), today.toString()));
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
    Viewer viewer = Portal.viewer(ctx);
    portal
        .zone(viewer, viewer.zone())
        .onSuccess(
            zone -> {
              LocalDate from;
              LocalDate to;
              try {
                from = LocalDate.parse(nz(ctx.request().getParam("from"), ""));
                to = LocalDate.parse(nz(ctx.request().getParam("to"), ""));
              } catch (DateTimeParseException e) {
                portal.error(ctx, 400, "Which days?", "Give the first and last day as dates.");
                return;
              }
              if (to.isBefore(from)) {
                portal.error(ctx, 400, "Which days?", "The last day is before the first.");
                return;
              }
              String range =
                  "from="
                      + enc(from.atStartOfDay(zone.timeZone()).toInstant().toString())
                      + "&to="
                      + enc(to.plusDays(1).atStartOfDay(zone.timeZone()).toInstant().toString());
              String name = "peerwatt-" + viewer.username() + "-" + from + "-to-" + to;
              switch (nz(ctx.request().getParam("what"), "")) {
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
                        ctx,
                        400,
                        "Which file?",
                        "Choose Green Button XML, statements or readings.");
              }
            })
        .onFailure(ctx::fail);
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
                            + enc(now.minus(Duration.ofHours(1)).toString())
                            + "&to="
                            + enc(now.plus(Duration.ofMinutes(1)).toString())
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

  private static String nz(String s, String fallback) {
    return s == null || s.isBlank() ? fallback : s;
  }
}
