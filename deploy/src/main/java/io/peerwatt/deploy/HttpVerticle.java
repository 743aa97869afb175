package io.peerwatt.deploy;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.peerwatt.db.Database;
import io.peerwatt.trading.TradingApi;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;

/** The platform's HTTP server: operational endpoints here, the API and portal mounted beside them. */
final class HttpVerticle extends VerticleBase {
  private final PlatformSettings settings;
  private final Database database;
  private final PrometheusMeterRegistry registry;
  private HttpServer server;
  private TradingApi tradingApi;

  HttpVerticle(PlatformSettings settings, Database database, PrometheusMeterRegistry registry) {
    this.settings = settings;
    this.database = database;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/health").handler(this::health);
    router.get("/metrics").handler(this::metrics);
    return TradingApi.create(vertx, database.dsl(), database.dataSource(), settings.trading(), Clock.systemUTC())
        .compose(api -> {
          tradingApi = api;
          router.route(TradingApi.BASE_PATH + "/*").subRouter(api.router());
          return vertx.createHttpServer()
              .requestHandler(router)
              .listen(settings.httpPort(), settings.httpHost());
        })
        .onSuccess(s -> server = s);
  }

  @Override
  public Future<?> stop() {
    if (tradingApi != null) {
      tradingApi.close();
    }
    return Future.succeededFuture();
  }

  HttpServer server() {
    return server;
  }

  /** UP when the database answers; the JDBC check runs on a worker thread, never the event loop. */
  private void health(RoutingContext ctx) {
    vertx.executeBlocking(() -> {
          boolean reachable = database.isReachable();
          return new JsonObject()
              .put("status", reachable ? "UP" : "DOWN")
              .put("database", new JsonObject()
                  .put("reachable", reachable)
                  .put("schemaVersion", reachable ? database.schemaVersion() : null)
                  .put("location", database.description()));
        }, false)
        .onSuccess(body -> ctx.response()
            .setStatusCode("UP".equals(body.getString("status")) ? 200 : 503)
            .putHeader("content-type", "application/json")
            .end(body.encode()))
        .onFailure(ctx::fail);
  }

  private void metrics(RoutingContext ctx) {
    ctx.response()
        .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
        .end(registry.scrape());
  }
}
