package io.peerwatt.webui;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The operator's console: a monitor of the platform (health, chain, hub wallet, settlement passes,
 * anchors, errors), and the forms that run it: zones with their market settings and tariffs,
 * accounts and metering points, enrolment codes, gateways and their revocation.
 */
final class OperatorPages {
  private final Portal portal;
  private final ApiClient api;

  OperatorPages(Portal portal, ApiClient api) {
    this.portal = portal;
    this.api = api;
  }

  void mount(Router router) {
    router.get("/operator").handler(this::monitor);
    router.get("/operator/zones").handler(ctx -> zones(ctx, 200, null, Map.of(), Map.of()));
    router.post("/operator/zones").handler(this::saveZone);
    router.get("/operator/accounts").handler(ctx -> accounts(ctx, 200, Map.of(), Map.of(), null));
    router.post("/operator/accounts").handler(this::createAccount);
    router.post("/operator/metering-points").handler(this::createMeteringPoint);
    router.post("/operator/enrolment-codes").handler(this::createCode);
    router.get("/operator/devices").handler(ctx -> devices(ctx, 200, null));
    router.post("/operator/devices/:id/revoke").handler(this::revoke);
  }

  /** The time zone operator pages show times in: the first zone's, UTC without zones. */
  private static ZoneView firstZone(ApiClient.Answer zones) {
    JsonArray list = zones.object().getJsonArray("zones", new JsonArray());
    return ZoneView.of(list.isEmpty() ? new JsonObject() : list.getJsonObject(0));
  }

  // ---- monitor

  private void monitor(RoutingContext ctx) {
    Viewer viewer = Portal.viewer(ctx);
    Future<ApiClient.Answer> health = api.health();
    Future<ApiClient.Answer> monitor = api.get("/monitor", viewer);
    Future<ApiClient.Answer> zones = api.get("/zones", viewer);
    Future<ApiClient.Answer> channels = api.get("/channels", viewer);
    portal.render(
        ctx,
        200,
        "operator.jte",
        Future.join(health, monitor, zones, channels)
            .map(
                x -> {
                  Map<String, Object> p = new HashMap<>();
                  p.put("health", health.succeeded() ? health.result().object() : new JsonObject());
                  p.put(
                      "monitor",
                      monitor.succeeded() && monitor.result().ok()
                          ? monitor.result().object()
                          : new JsonObject());
                  p.put(
                      "zones",
                      zones.succeeded()
                          ? zones.result().object().getJsonArray("zones", new JsonArray())
                          : new JsonArray());
                  p.put(
                      "zone",
                      zones.succeeded()
                          ? firstZone(zones.result())
                          : ZoneView.of(new JsonObject()));
                  long open = 0;
                  long paid = 0;
                  if (channels.succeeded()) {
                    for (Object o :
                        channels.result().object().getJsonArray("channels", new JsonArray())) {
                      JsonObject c = (JsonObject) o;
                      if ("open".equals(c.getString("state"))) {
                        open++;
                      }
                      paid += c.getLong("paidSats", 0L);
                    }
                  }
                  p.put("openChannels", open);
                  p.put("paidSats", paid);
                  return p;
                }));
  }

  // ---- zones

  private static final String[] ZONE_FIELDS = {
    "code",
    "name",
    "currency",
    "clearingMode",
    "gateMinutes",
    "gridFeeCt",
    "imbalanceCt",
    "retailCt",
    "feedInCt",
    "negative",
    "timeZone",
    "minKwh",
    "maxKwh",
    "minPriceCt",
    "maxPriceCt"
  };

  private void zones(
      RoutingContext ctx,
      int status,
      String notice,
      Map<String, String> form,
      Map<String, String> errors) {
    Viewer viewer = Portal.viewer(ctx);
    portal.render(
        ctx,
        status,
        "operator-zones.jte",
        api.get("/zones", viewer)
            .map(
                zones -> {
                  JsonArray list = zones.object().getJsonArray("zones", new JsonArray());
                  Map<String, String> values = new HashMap<>(form);
                  String edit = ctx.request().getParam("edit");
                  if (values.isEmpty() && edit != null) {
                    for (Object o : list) {
                      JsonObject z = (JsonObject) o;
                      if (z.getString("code").equals(edit)) {
                        values.putAll(zoneForm(z));
                      }
                    }
                  }
                  Map<String, Object> p = new HashMap<>();
                  p.put("zones", list);
                  p.put("form", values);
                  p.put("errors", errors);
                  p.put("notice", notice == null ? "" : notice);
                  p.put(
                      "editing",
                      values.containsKey("code")
                          && !values.getOrDefault("code", "").isEmpty()
                          && errors.isEmpty()
                          && edit != null);
                  return p;
                }));
  }

  /** A zone's settings as the form shows them: ct/kWh, kWh and minutes with their decimals. */
  private static Map<String, String> zoneForm(JsonObject z) {
    Map<String, String> f = new HashMap<>();
    f.put("code", z.getString("code"));
    f.put("name", z.getString("name", ""));
    f.put("currency", z.getString("currency", "EUR"));
    f.put("clearingMode", z.getString("clearingMode", "CALL_AUCTION"));
    f.put("gateMinutes", Long.toString(z.getLong("gateClosureLeadSeconds", 900L) / 60));
    f.put("gridFeeCt", Forms.milliToText(z.getLong("gridFeePerKwh", 0L)));
    f.put("imbalanceCt", Forms.milliToText(z.getLong("imbalancePricePerKwh", 0L)));
    f.put("retailCt", Forms.milliToText(z.getLong("retailPricePerKwh", 0L)));
    f.put("feedInCt", Forms.milliToText(z.getLong("feedInTariffPerKwh", 0L)));
    f.put("negative", z.getBoolean("negativePricesAllowed", false) ? "on" : "");
    f.put("timeZone", z.getString("localTimeZone", "Europe/Berlin"));
    f.put("minKwh", Forms.milliToText(z.getLong("minQuantityWh", 100L)));
    f.put("maxKwh", Forms.milliToText(z.getLong("maxQuantityWh", 1_000_000L)));
    f.put("minPriceCt", Forms.milliToText(z.getLong("minPricePerKwh", 0L)));
    f.put("maxPriceCt", Forms.milliToText(z.getLong("maxPricePerKwh", 100_000L)));
    return f;
  }

  private void saveZone(RoutingContext ctx) {
    Map<String, String> form = Forms.of(ctx, ZONE_FIELDS);
    Map<String, String> errors = new LinkedHashMap<>();
    String code = form.getOrDefault("code", "").strip().toUpperCase(java.util.Locale.ROOT);
    if (!code.matches("[A-Z0-9][A-Z0-9-]{0,31}")) {
      errors.put("code", "Letters, digits and dashes, at most 32, e.g. DE-BERLIN-1.");
    }
    if (form.getOrDefault("name", "").isBlank()) {
      errors.put("name", "Give the zone a name people recognise.");
    }
    Long gate = Forms.whole(form.get("gateMinutes"));
    if (gate == null || gate < 0 || gate > 1440) {
      errors.put("gateMinutes", "Whole minutes, 0 to 1440.");
    }
    Map<String, Long> prices = new HashMap<>();
    for (String f :
        new String[] {
          "gridFeeCt", "imbalanceCt", "retailCt", "feedInCt", "minPriceCt", "maxPriceCt"
        }) {
      Long v = Forms.ctToMilliCt(form.get(f));
      if (v == null) {
        errors.put(f, "A price in ct/kWh with at most 3 decimals.");
      } else if (v < 0 && !f.equals("minPriceCt") && !f.equals("imbalanceCt")) {
        errors.put(f, "Not below 0.");
      }
      prices.put(f, v);
    }
    Long minWh = Forms.kwhToWh(form.get("minKwh"));
    Long maxWh = Forms.kwhToWh(form.get("maxKwh"));
    if (minWh == null || minWh < 1) {
      errors.put("minKwh", "At least 0.001 kWh (1 Wh).");
    }
    if (maxWh == null || minWh != null && maxWh < minWh) {
      errors.put("maxKwh", "At least the smallest order.");
    }
    if (!errors.isEmpty()) {
      zones(ctx, 400, null, form, errors);
      return;
    }
    JsonObject body =
        new JsonObject()
            .put("name", form.get("name").strip())
            .put(
                "currency",
                form.getOrDefault("currency", "EUR").strip().toUpperCase(java.util.Locale.ROOT))
            .put("priceUnit", "MILLI_CT_PER_KWH")
            .put("clearingMode", form.getOrDefault("clearingMode", "CALL_AUCTION"))
            .put("gateClosureLeadSeconds", gate * 60)
            .put("gridFeePerKwh", prices.get("gridFeeCt"))
            .put("imbalancePricePerKwh", prices.get("imbalanceCt"))
            .put("retailPricePerKwh", prices.get("retailCt"))
            .put("feedInTariffPerKwh", prices.get("feedInCt"))
            .put("negativePricesAllowed", "on".equals(form.get("negative")))
            .put("localTimeZone", form.getOrDefault("timeZone", "").strip())
            .put("minQuantityWh", minWh)
            .put("maxQuantityWh", maxWh)
            .put("minPricePerKwh", prices.get("minPriceCt"))
            .put("maxPricePerKwh", prices.get("maxPriceCt"));
    api.send(HttpMethod.PUT, "/zones/" + Forms.urlEncode(code), Portal.viewer(ctx), body)
        .onSuccess(
            answer -> {
              if (answer.ok()) {
                zones(ctx, 200, "Zone " + code + " saved.", Map.of(), Map.of());
              } else {
                Map<String, String> apiErrors = new LinkedHashMap<>();
                apiErrors.put(
                    "form",
                    "The platform refused the zone: "
                        + answer
                            .message()
                            .replace("unknown time zone", "there is no time zone called"));
                zones(ctx, answer.status(), null, form, apiErrors);
              }
            })
        .onFailure(ctx::fail);
  }

  // ---- accounts, metering points, enrolment codes

  private static final String[] ACCOUNT_FIELDS = {
    "username", "password", "role", "zone", "displayName", "paymentMode"
  };

  private void accounts(
      RoutingContext ctx,
      int status,
      Map<String, String> form,
      Map<String, String> errors,
      String notice) {
    Viewer viewer = Portal.viewer(ctx);
    Future<ApiClient.Answer> accounts = api.get("/accounts", viewer);
    Future<ApiClient.Answer> zones = api.get("/zones", viewer);
    Future<ApiClient.Answer> points = api.get("/metering-points", viewer);
    portal.render(
        ctx,
        status,
        "operator-accounts.jte",
        Future.all(accounts, zones, points)
            .map(
                x -> {
                  Map<String, Object> p = new HashMap<>();
                  p.put(
                      "accounts",
                      accounts.result().object().getJsonArray("accounts", new JsonArray()));
                  p.put("zones", zones.result().object().getJsonArray("zones", new JsonArray()));
                  p.put(
                      "meteringPoints",
                      points.result().object().getJsonArray("meteringPoints", new JsonArray()));
                  p.put("form", form);
                  p.put("errors", errors);
                  p.put("notice", notice == null ? "" : notice);
                  p.put("zone", firstZone(zones.result()));
                  return p;
                }));
  }

  /** The accounts page with an empty form, saying what was just saved. */
  private void accountsSaved(RoutingContext ctx, String notice) {
    accounts(ctx, 200, Map.of(), Map.of(), notice);
  }

  private void createAccount(RoutingContext ctx) {
    Map<String, String> form = Forms.of(ctx, ACCOUNT_FIELDS);
    Map<String, String> errors = new LinkedHashMap<>();
    String username = form.getOrDefault("username", "").strip();
    if (!username.matches("[a-z0-9._-]{3,64}")) {
      errors.put("username", "3 to 64 small letters, digits, dots, dashes or underscores.");
    }
    if (form.getOrDefault("password", "").length() < 12) {
      errors.put("password", "At least 12 characters.");
    }
    String role = form.getOrDefault("role", "prosumer");
    if (!role.equals("operator") && form.getOrDefault("zone", "").isBlank()) {
      errors.put("zone", "Households and utilities belong to a zone.");
    }
    if (!errors.isEmpty()) {
      accounts(ctx, 400, form, errors, null);
      return;
    }
    JsonObject body =
        new JsonObject()
            .put("username", username)
            .put("password", form.get("password"))
            .put("role", role);
    if (!role.equals("operator")) {
      body.put("zone", form.get("zone"));
    }
    if (!form.getOrDefault("displayName", "").isBlank()) {
      body.put("displayName", form.get("displayName").strip());
    }
    if (role.equals("prosumer")) {
      body.put("paymentMode", form.getOrDefault("paymentMode", "custodial"));
    }
    api.post("/accounts", Portal.viewer(ctx), body)
        .onSuccess(
            answer -> {
              if (answer.ok()) {
                accountsSaved(
                    ctx,
                    "Account "
                        + username
                        + " created (number "
                        + answer.object().getLong("id")
                        + ").");
              } else {
                Map<String, String> apiErrors = new LinkedHashMap<>();
                apiErrors.put(
                    answer.status() == 409 ? "username" : "form",
                    answer.status() == 409
                        ? "That username is taken."
                        : "The platform refused the account: " + answer.message());
                accounts(ctx, answer.status(), form, apiErrors, null);
              }
            })
        .onFailure(ctx::fail);
  }

  private void createMeteringPoint(RoutingContext ctx) {
    Map<String, String> form = Forms.of(ctx, "accountId", "label", "maxPowerKw");
    Long account = Forms.whole(form.get("accountId"));
    Long maxW = Forms.kwhToWh(form.get("maxPowerKw"));
    Map<String, String> errors = new LinkedHashMap<>();
    if (account == null) {
      errors.put("accountId", "Choose a household.");
    }
    if (form.getOrDefault("label", "").isBlank()) {
      errors.put("label", "Name it, e.g. the street address.");
    }
    if (maxW == null || maxW < 1) {
      errors.put("maxPowerKw", "The connection's power in kW, e.g. 11.");
    }
    if (!errors.isEmpty()) {
      accounts(ctx, 400, form, errors, null);
      return;
    }
    api.post(
            "/metering-points",
            Portal.viewer(ctx),
            new JsonObject()
                .put("accountId", account)
                .put("label", form.get("label").strip())
                .put("maxPowerW", maxW))
        .onSuccess(
            answer -> {
              if (answer.ok()) {
                accountsSaved(ctx, "Metering point " + answer.object().getLong("id") + " added.");
              } else {
                accounts(
                    ctx,
                    answer.status(),
                    form,
                    Map.of("point", "The platform refused the metering point: " + answer.message()),
                    null);
              }
            })
        .onFailure(ctx::fail);
  }

  private void createCode(RoutingContext ctx) {
    Long mp = Forms.whole(ctx.request().getFormAttribute("meteringPointId"));
    if (mp == null) {
      accounts(ctx, 400, Map.of(), Map.of("code", "Choose a metering point."), null);
      return;
    }
    api.post("/metering-points/" + mp + "/enrolment-codes", Portal.viewer(ctx), new JsonObject())
        .onSuccess(
            answer -> {
              if (answer.ok()) {
                accounts(
                    ctx,
                    200,
                    Map.of(
                        "enrolmentCode",
                        answer.object().getString("code"),
                        "codeFor",
                        Long.toString(mp),
                        "codeUntil",
                        answer.object().getString("expiresAt", "")),
                    Map.of(),
                    null);
              } else {
                accounts(
                    ctx,
                    answer.status(),
                    Map.of(),
                    Map.of("code", "No code: " + answer.message()),
                    null);
              }
            })
        .onFailure(ctx::fail);
  }

  // ---- gateways

  private void devices(RoutingContext ctx, int status, String notice) {
    Viewer viewer = Portal.viewer(ctx);
    Future<ApiClient.Answer> devices = api.get("/devices", viewer);
    Future<ApiClient.Answer> zones = api.get("/zones", viewer);
    portal.render(
        ctx,
        status,
        "operator-devices.jte",
        Future.all(devices, zones)
            .map(
                x ->
                    Map.<String, Object>of(
                        "devices",
                            devices.result().object().getJsonArray("devices", new JsonArray()),
                        "zone", firstZone(zones.result()),
                        "notice", notice == null ? "" : notice)));
  }

  private void revoke(RoutingContext ctx) {
    Long id = Forms.whole(ctx.pathParam("id"));
    if (id == null) {
      devices(ctx, 400, "No such gateway.");
      return;
    }
    api.post("/devices/" + id + "/revoke", Portal.viewer(ctx), new JsonObject())
        .onSuccess(
            answer ->
                devices(
                    ctx,
                    answer.ok() ? 200 : answer.status(),
                    answer.ok()
                        ? "Gateway "
                            + id
                            + " is revoked: the platform refuses its readings from now on."
                        : "Gateway " + id + " was not revoked: " + answer.message()))
        .onFailure(ctx::fail);
  }
}
