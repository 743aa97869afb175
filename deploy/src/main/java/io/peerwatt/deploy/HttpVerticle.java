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
import io.peerwatt.webui.Portal;
import java.net.URI;
import java.time.Clock;

/** The platform's HTTP server: operational endpoints here, the API and portal mounted beside them. */
final class HttpVerticle extends VerticleBase {
  private final PlatformSettings settings;
  private final Database database;
  private final PrometheusMeterRegistry registry;
  private HttpServer server;
  private final Clock clock;
  private final SettlementRuntime settlement;
  private TradingApi tradingApi;

  HttpVerticle(PlatformSettings settings, Database database, PrometheusMeterRegistry registry, Clock clock,
      SettlementRuntime settlement) {
    this.settings = settings;
    this.database = database;
    this.registry = registry;
    this.clock = clock;
    this.settlement = settlement;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/health").handler(this::health);
    router.get("/metrics").handler(this::metrics);
    return TradingApi.create(vertx, database.dsl(), database.dataSource(), settings.trading(), clock)
        .compose(api -> {
          tradingApi = api;
          router.route(TradingApi.BASE_PATH + "/*").subRouter(api.router());
          // the portal last: it answers every path nothing above claimed
          router.route("/*").subRouter(Portal.router(vertx, this::apiBase));
          return vertx.createHttpServer()
              .requestHandler(router)
              .listen(settings.httpPort(), settings.httpHost());
        })
        .onSuccess(s -> server = s);
  }

  /** The API as the portal calls it: over loopback, on the port actually bound. */
  private URI apiBase() {
    String host = settings.httpHost().equals("0.0.0.0") ? "127.0.0.1" : settings.httpHost();
    return URI.create("http://" + host + ":" + server.actualPort() + "/api/v1");
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
                  .put("location", database.description()))
              .put("chain", new JsonObject(settlement.health()))
              .put("time", clock.instant().toString());
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
