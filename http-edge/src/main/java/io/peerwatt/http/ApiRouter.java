package io.peerwatt.http;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;

/**
 * The {@code /api/v1} router: the request size limit, the document itself at {@code /openapi.yaml},
 * the {@link ApiGate} (authentication and validation), the resources, and the JSON error body for
 * every failure. Mount it with {@code mainRouter.route(BASE_PATH + "/*").subRouter(api)}.
 */
public final class ApiRouter {
  /** Where the API lives; the OpenAPI document's server URL. */
  public static final String BASE_PATH = "/api/v1";

  private ApiRouter() {}

  public static Router create(
      Vertx vertx,
      ApiDocument document,
      BearerTokens tokens,
      int bodyLimitBytes,
      List<? extends ApiResource> resources) {
    Router api = Router.router(vertx);
    api.route().handler(BodyHandler.create(false).setBodyLimit(bodyLimitBytes));
    api.get("/openapi.yaml")
        .handler(
            ctx ->
                ctx.response()
                    .putHeader("content-type", "application/yaml; charset=utf-8")
                    .end(document.text()));
    api.route().handler(new ApiGate(vertx, document.contract(), tokens));
    resources.forEach(resource -> resource.addTo(api));
    api.route().failureHandler(ApiResponses::renderFailure);
    return api;
  }
}
