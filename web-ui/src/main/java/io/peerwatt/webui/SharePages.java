package io.peerwatt.webui;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * "Share my data": the offers third parties make for a household's meter data, the household's
 * grants with what each third party fetched and paid (its "data income"), and accepting an offer or
 * revoking a grant at once.
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
  }

  private void show(RoutingContext ctx, int status, String error) {
    Viewer viewer = Portal.viewer(ctx);
    Future<ApiClient.Answer> offers = api.get("/data/offers", viewer);
    Future<GrantAccesses> grants = GrantAccesses.fetch(api, viewer);
    Future<ApiClient.Answer> income = api.get("/data/income", viewer);
    Future.join(offers, grants, income)
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
    api.post(path.apply(id), Portal.viewer(ctx), new JsonObject())
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
}
