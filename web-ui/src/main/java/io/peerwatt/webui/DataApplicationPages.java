package io.peerwatt.webui;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.Map;

/**
 * The operator's review of third parties' data-sharing applications: every application with its
 * purpose, redirect URIs and contact, and approving or refusing a pending one.
 */
final class DataApplicationPages {
  static final String PATH = "/operator/data-applications";

  private final Portal portal;
  private final ApiClient api;

  DataApplicationPages(Portal portal, ApiClient api) {
    this.portal = portal;
    this.api = api;
  }

  void mount(Router router) {
    router.get(PATH).handler(ctx -> show(ctx, 200, ""));
    router.post(PATH + "/:id/decision").handler(this::decide);
  }

  private void show(RoutingContext ctx, int status, String error) {
    api.get("/data/applications", Portal.viewer(ctx))
        .map(
            answer -> {
              Map<String, Object> p = new HashMap<>();
              p.put("applications", answer.object().getJsonArray("applications", new JsonArray()));
              p.put("error", error);
              return p;
            })
        .onSuccess(p -> portal.render(ctx, status, "operator-data-applications.jte", p))
        .onFailure(ctx::fail);
  }

  private void decide(RoutingContext ctx) {
    Long id = Forms.whole(ctx.pathParam("id"));
    String decision = ctx.request().getFormAttribute("decision");
    if (id == null || !("APPROVED".equals(decision) || "REFUSED".equals(decision))) {
      show(ctx, 400, "Approve or refuse one of the applications listed.");
      return;
    }
    api.post(
            "/data/applications/" + id + "/decision",
            Portal.viewer(ctx),
            new JsonObject().put("decision", decision))
        .onSuccess(
            answer -> {
              if (answer.ok()) {
                Forms.seeOther(ctx, PATH);
              } else {
                show(ctx, answer.status(), "The platform refused: " + answer.message());
              }
            })
        .onFailure(ctx::fail);
  }
}
