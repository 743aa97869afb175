package io.peerwatt.webui;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * "Share my data": the offers third parties make for a household's meter data, the household's
 * grants with what each third party fetched and paid (its "data income"), accepting an offer or
 * revoking a grant at once, and the household's standing policy that accepts the offers it matches.
 */
final class SharePages {
  private final Portal portal;
  private final ApiClient api;

  SharePages(Portal portal, ApiClient api) {
    this.portal = portal;
    this.api = api;
  }

  void mount(Router router) {
    router.get("/share").handler(ctx -> show(ctx, 200, ""));
    router.post("/share/offers/:id/accept").handler(this::accept);
    router.post("/share/grants/:id/revoke").handler(this::revoke);
    router.post("/share/policy").handler(this::setPolicy);
    router.post("/share/policy/remove").handler(this::removePolicy);
  }

  private void show(RoutingContext ctx, int status, String error) {
    Viewer viewer = Portal.viewer(ctx);
    Future<ApiClient.Answer> offers = api.get("/data/offers", viewer);
    Future<GrantAccesses> grants = GrantAccesses.fetch(api, viewer);
    Future<ApiClient.Answer> income = api.get("/data/income", viewer);
    Future<ApiClient.Answer> policy = api.get("/data/policy", viewer);
    Future.join(offers, grants, income, policy)
        .map(
            x -> {
              JsonArray grantList = grants.result().grants();
              Map<Long, JsonArray> byGrant = new HashMap<>();
              for (int i = 0; i < grantList.size(); i++) {
                byGrant.put(
                    grantList.getJsonObject(i).getLong("id"), grants.result().accesses().get(i));
              }
              Map<String, Object> p = new HashMap<>();
              p.put("offers", offers.result().object().getJsonArray("offers", new JsonArray()));
              p.put("grants", grantList);
              p.put("accesses", byGrant);
              JsonObject earned = income.result().object();
              Map<Long, JsonObject> incomeByGrant = new HashMap<>();
              for (Object g : earned.getJsonArray("grants", new JsonArray())) {
                incomeByGrant.put(((JsonObject) g).getLong("grantId"), (JsonObject) g);
              }
              p.put("income", incomeByGrant);
              p.put("incomeTotals", earned.getJsonObject("totals", new JsonObject()));
              // 404: the household has set no policy
              p.put("policy", policy.result().ok() ? policy.result().object() : new JsonObject());
              p.put("error", error);
              return p;
            })
        .onSuccess(p -> portal.render(ctx, status, "share.jte", p))
        .onFailure(ctx::fail);
  }

  private void accept(RoutingContext ctx) {
    postAndReturn(ctx, "No such offer.", id -> "/data/offers/" + id + "/accept");
  }

  private void revoke(RoutingContext ctx) {
    postAndReturn(ctx, "No such grant.", id -> "/data/grants/" + id + "/revoke");
  }

  private void setPolicy(RoutingContext ctx) {
    Map<String, String> form = Forms.of(ctx, "finestResolution", "statements", "minPriceEur");
    String finest = form.get("finestResolution");
    Long minPrice = Forms.eurosToMilliCt(form.get("minPriceEur"));
    if (!List.of("15min", "hourly", "daily").contains(Forms.orEmpty(finest))) {
      show(ctx, 400, "Choose the finest detail you share: 15-minute, hourly or daily readings.");
      return;
    }
    if (minPrice == null || minPrice < 0) {
      show(
          ctx,
          400,
          "Enter the lowest price you accept per day of data in EUR, e.g. 0.02 (at most 5"
              + " decimals).");
      return;
    }
    sendAndReturn(
        ctx,
        HttpMethod.PUT,
        "/data/policy",
        new JsonObject()
            .put("finestResolution", finest)
            .put("statements", form.containsKey("statements"))
            .put("minPriceMilliCtPerHomeDay", minPrice));
  }

  private void removePolicy(RoutingContext ctx) {
    sendAndReturn(ctx, HttpMethod.DELETE, "/data/policy", null);
  }

  /**
   * Sends {@code body} to the API and returns to the share page, or shows the page with what the
   * API refused.
   */
  private void sendAndReturn(RoutingContext ctx, HttpMethod method, String path, JsonObject body) {
    api.send(method, path, Portal.viewer(ctx), body)
        .onSuccess(
            answer -> {
              if (answer.ok()) {
                Forms.seeOther(ctx, "/share");
              } else {
                show(ctx, answer.status(), answer.message());
              }
            })
        .onFailure(ctx::fail);
  }

  /**
   * Posts to the API path {@code path} makes of the page's {@code id} and returns to the share
   * page, or shows the page with what the API refused ({@code noSuchId} for an id that is no
   * number).
   */
  private void postAndReturn(RoutingContext ctx, String noSuchId, LongFunction<String> path) {
    Long id = Forms.whole(ctx.pathParam("id"));
    if (id == null) {
      show(ctx, 400, noSuchId);
      return;
    }
    sendAndReturn(ctx, HttpMethod.POST, path.apply(id), new JsonObject());
  }
}
