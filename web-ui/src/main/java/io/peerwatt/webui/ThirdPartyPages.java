package io.peerwatt.webui;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The third party's console: its applications (register one; an operator approves it), its offers
 * (publish one through an approved application), the grants households made from them with what was
 * fetched under each (the access log) and what that comes to at the offer's price.
 */
final class ThirdPartyPages {
  static final String PATH = "/third-party";

  private static final String[] APPLICATION_FIELDS = {
    "appName", "appPurpose", "redirectUris", "contact"
  };

  private static final String[] OFFER_FIELDS = {
    "applicationId",
    "resolution",
    "importData",
    "exportData",
    "statements",
    "firstDay",
    "lastDay",
    "accessDays",
    "priceEuros",
    "offerPurpose"
  };

  private final Portal portal;
  private final ApiClient api;

  ThirdPartyPages(Portal portal, ApiClient api) {
    this.portal = portal;
    this.api = api;
  }

  void mount(Router router) {
    router.get(PATH).handler(ctx -> show(ctx, 200, notice(ctx), Map.of(), Map.of()));
    router.post(PATH + "/applications").handler(this::register);
    router.post(PATH + "/offers").handler(this::publish);
  }

  /** The notice of a form's success, named by the redirect's query (whole numbers only). */
  private static String notice(RoutingContext ctx) {
    Long registered = Forms.whole(ctx.request().getParam("registered"));
    if (registered != null) {
      return "Application "
          + registered
          + " registered. An operator approves it before you can publish offers.";
    }
    Long published = Forms.whole(ctx.request().getParam("published"));
    if (published != null) {
      return "Offer " + published + " published: households see it on their Share my data page.";
    }
    return "";
  }

  private void show(
      RoutingContext ctx,
      int status,
      String notice,
      Map<String, String> form,
      Map<String, String> errors) {
    Viewer viewer = Portal.viewer(ctx);
    Future<ApiClient.Answer> applications = api.get("/data/applications", viewer);
    Future<ApiClient.Answer> offers = api.get("/data/offers", viewer);
    Future<GrantAccesses> grants = GrantAccesses.fetch(api, viewer);
    portal.render(
        ctx,
        status,
        "third-party.jte",
        Future.all(applications, offers, grants)
            .map(
                x -> {
                  JsonArray grantList = grants.result().grants();
                  List<GrantUsage> usage = new ArrayList<>();
                  for (int i = 0; i < grantList.size(); i++) {
                    usage.add(
                        GrantUsage.of(
                            grantList.getJsonObject(i), grants.result().accesses().get(i)));
                  }
                  Map<String, Object> p = new HashMap<>();
                  p.put(
                      "applications",
                      applications.result().object().getJsonArray("applications", new JsonArray()));
                  p.put("offers", offers.result().object().getJsonArray("offers", new JsonArray()));
                  p.put("grants", usage);
                  p.put("form", form);
                  p.put("errors", errors);
                  p.put("notice", notice);
                  return p;
                }));
  }

  private void register(RoutingContext ctx) {
    Map<String, String> form = Forms.of(ctx, APPLICATION_FIELDS);
    Map<String, String> errors = new LinkedHashMap<>();
    String name = form.getOrDefault("appName", "").strip();
    if (name.isEmpty() || name.length() > 100) {
      errors.put("appName", "A name of 1 to 100 characters that households recognise.");
    }
    String purpose = form.getOrDefault("appPurpose", "").strip();
    if (purpose.isEmpty() || purpose.length() > 1000) {
      errors.put("appPurpose", "What the data is for, in 1 to 1000 characters.");
    }
    JsonArray redirectUris = new JsonArray();
    for (String line : form.getOrDefault("redirectUris", "").split("\\R")) {
      if (!line.isBlank()) {
        redirectUris.add(line.strip());
      }
    }
    if (redirectUris.isEmpty()
        || redirectUris.size() > 10
        || redirectUris.stream().anyMatch(u -> u.toString().length() > 500)) {
      errors.put("redirectUris", "1 to 10 addresses, one per line, each at most 500 characters.");
    }
    String contact = form.getOrDefault("contact", "").strip();
    if (contact.isEmpty() || contact.length() > 200) {
      errors.put("contact", "An address households and operators can reach you at.");
    }
    if (!errors.isEmpty()) {
      show(ctx, 400, "", form, errors);
      return;
    }
    JsonObject body =
        new JsonObject()
            .put("name", name)
            .put("purpose", purpose)
            .put("redirectUris", redirectUris)
            .put("contact", contact);
    api.post("/data/applications", Portal.viewer(ctx), body)
        .onSuccess(
            answer -> {
              if (answer.ok()) {
                Forms.seeOther(ctx, PATH + "?registered=" + answer.object().getLong("id"));
              } else {
                show(ctx, answer.status(), "", form, apiError(answer, "application"));
              }
            })
        .onFailure(ctx::fail);
  }

  private void publish(RoutingContext ctx) {
    Map<String, String> form = Forms.of(ctx, OFFER_FIELDS);
    Map<String, String> errors = new LinkedHashMap<>();
    Long applicationId = Forms.whole(form.get("applicationId"));
    if (applicationId == null || applicationId < 1) {
      errors.put("applicationId", "Choose one of your approved applications.");
    }
    String resolution = form.getOrDefault("resolution", "");
    if (!List.of("15min", "hourly", "daily").contains(resolution)) {
      errors.put("resolution", "15 minutes, hourly or daily.");
    }
    boolean importData = "on".equals(form.get("importData"));
    boolean exportData = "on".equals(form.get("exportData"));
    if (!importData && !exportData) {
      errors.put("importData", "Ask for import, export or both.");
    }
    LocalDate first = day(form.get("firstDay"));
    LocalDate last = day(form.get("lastDay"));
    if (first == null) {
      errors.put("firstDay", "A day as YYYY-MM-DD.");
    }
    if (last == null || first != null && last.isBefore(first)) {
      errors.put("lastDay", "A day as YYYY-MM-DD, not before the first day.");
    }
    Long accessDays = Forms.whole(form.get("accessDays"));
    if (accessDays == null || accessDays < 1 || accessDays > 3660) {
      errors.put("accessDays", "Whole days, 1 to 3660.");
    }
    Long price = Forms.eurosToMilliCt(form.get("priceEuros"));
    if (price == null || price < 0 || price > 1_000_000_000_000L) {
      errors.put("priceEuros", "Euros with at most 5 decimals, not below 0.");
    }
    String purpose = form.getOrDefault("offerPurpose", "").strip();
    if (purpose.isEmpty() || purpose.length() > 1000) {
      errors.put("offerPurpose", "What the data is for, in 1 to 1000 characters.");
    }
    if (!errors.isEmpty()) {
      show(ctx, 400, "", form, errors);
      return;
    }
    JsonObject body =
        new JsonObject()
            .put("applicationId", applicationId)
            .put("resolution", resolution)
            .put("importData", importData)
            .put("exportData", exportData)
            .put("statements", "on".equals(form.get("statements")))
            .put("periodFrom", first.atStartOfDay(ZoneOffset.UTC).toInstant().toString())
            .put("periodTo", last.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toString())
            .put("accessDays", accessDays.intValue())
            .put("priceMilliCtPerHomeDay", price)
            .put("purpose", purpose);
    api.post("/data/offers", Portal.viewer(ctx), body)
        .onSuccess(
            answer -> {
              if (answer.ok()) {
                Forms.seeOther(ctx, PATH + "?published=" + answer.object().getLong("id"));
              } else {
                show(ctx, answer.status(), "", form, apiError(answer, "offer"));
              }
            })
        .onFailure(ctx::fail);
  }

  /**
   * What the platform refused about the {@code what} form: next to the redirect URIs when it names
   * them (the one field the API checks beyond the form), else above the form.
   */
  private static Map<String, String> apiError(ApiClient.Answer answer, String what) {
    Map<String, String> errors = new LinkedHashMap<>();
    String key =
        "redirectUris".equals(answer.object().getString("field")) ? "redirectUris" : what + "Form";
    errors.put(key, "The platform refused the " + what + ": " + answer.message());
    return errors;
  }

  private static LocalDate day(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return LocalDate.parse(text.strip());
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
