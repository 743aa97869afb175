package io.peerwatt.deploy;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.peerwatt.cluster.ClusterSettings;
import io.peerwatt.db.Database;
import io.peerwatt.http.ApiResource;
import io.peerwatt.http.ApiRouter;
import io.peerwatt.http.Blocking;
import io.peerwatt.http.ClientAddress;
import io.peerwatt.http.ConnectionGuard;
import io.peerwatt.settlement.SettlementPolicy;
import io.peerwatt.settlement.SettlementViews;
import io.peerwatt.settlement.analytics.DiscreteLaplace;
import io.peerwatt.settlement.analytics.JdbcAnalyticsStore;
import io.peerwatt.settlement.anchor.ItemOwners;
import io.peerwatt.settlement.anchor.JdbcAnchorStore;
import io.peerwatt.settlement.api.AnalyticsRoutes;
import io.peerwatt.settlement.api.DataPaymentRoutes;
import io.peerwatt.settlement.api.EnergyRoutes;
import io.peerwatt.settlement.api.GatewayRoutes;
import io.peerwatt.settlement.api.MonitorRoutes;
import io.peerwatt.settlement.api.ProofRoutes;
import io.peerwatt.settlement.api.ReportRoutes;
import io.peerwatt.settlement.api.SettlementRoutes;
import io.peerwatt.settlement.api.SharedDataRoutes;
import io.peerwatt.settlement.report.JdbcReportSource;
import io.peerwatt.settlement.share.DataPayments;
import io.peerwatt.settlement.share.GrantedData;
import io.peerwatt.settlement.usage.JdbcUsageSource;
import io.peerwatt.trading.PlatformKeys;
import io.peerwatt.trading.TradingApi;
import io.peerwatt.trading.ingest.ReadingIntake;
import io.peerwatt.trading.market.Market;
import io.peerwatt.trading.openadr.VtnContract;
import io.peerwatt.webui.Portal;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jooq.DSLContext;

/**
 * The platform's HTTP server: operational endpoints here, the API and portal mounted beside them.
 * The API's resources are trading-core's and settlement's, each built with its services.
 */
final class HttpVerticle extends VerticleBase {
  private final PlatformSettings settings;
  private final Database database;
  private final PrometheusMeterRegistry registry;
  private HttpServer server;
  private final Clock clock;
  private final SettlementRuntime settlement;
  private final PlatformKeys keys;
  private final ReadingIntake clusterUploads;
  private final Function<DSLContext, Market> markets;
  private Blocking blocking;
  private TradingApi tradingApi;
  private ConnectionGuard connections;

  /**
   * Proves to the API that a forwarded browser address comes from this process's own portal; new at
   * each start and never leaves the process.
   */
  private final String portalKey = newPortalKey();

  /**
   * @param clusterUploads where reading uploads go on an ingest node of a cluster (the readings
   *     log); null: stored in this process
   * @param markets builds the market over the database (a node of a cluster: the cluster's books)
   */
  HttpVerticle(
      PlatformSettings settings,
      Database database,
      PrometheusMeterRegistry registry,
      Clock clock,
      SettlementRuntime settlement,
      PlatformKeys keys,
      ReadingIntake clusterUploads,
      Function<DSLContext, Market> markets) {
    this.settings = settings;
    this.markets = markets;
    this.clusterUploads = clusterUploads;
    this.database = database;
    this.registry = registry;
    this.clock = clock;
    this.settlement = settlement;
    this.keys = keys;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    // first: every handler below counts and logs the real client, never a proxy's address
    router.route().handler(ClientAddress.resolver(settings.trustedProxies(), portalKey));
    router.get("/health").handler(this::health);
    router.get("/metrics").handler(this::metrics);
    servedRoles(router);
    blocking = Blocking.create(vertx, "peerwatt-api-db", settings.trading().workerPoolSize());
    return TradingApi.start(
            vertx,
            database.dsl(),
            settings.trading(),
            keys,
            clock,
            Clock.systemUTC(),
            blocking,
            ingest -> clusterUploads == null ? ingest : clusterUploads,
            markets)
        .compose(
            api -> {
              tradingApi = api;
              return api.router(settlementResources(api));
            })
        .compose(
            api -> {
              router.route(ApiRouter.BASE_PATH + "/*").subRouter(api);
              router.route(VtnContract.BASE_PATH + "/*").subRouter(tradingApi.vtn().router());
              // data sharing's OAuth 2 endpoints; the household consents in its portal session
              router
                  .route("/*")
                  .subRouter(
                      tradingApi
                          .authorizationServer(Portal.SESSION_COOKIE, HttpVerticle::baseUrl)
                          .router(vertx));
              // the portal last: it answers every path nothing above claimed
              router
                  .route("/*")
                  .subRouter(
                      Portal.router(
                          vertx,
                          this::apiBase,
                          clock,
                          this::portalForwarding,
                          new Portal.Sessions(
                              settings.secureCookie(),
                              ClientAddress::secure,
                              token ->
                                  tradingApi.tokens().authenticate(token).map(caller -> true))));
              // /health answers beyond the connection limit on the same port, so the probes and
              // load balancers that already watch it see the platform up while it refuses the rest
              connections =
                  new ConnectionGuard(vertx, settings.connectionLimits(), Set.of("/health"));
              HttpServer http = vertx.createHttpServer(connections.apply(new HttpServerOptions()));
              return connections
                  .install(http, router)
                  .listen(settings.httpPort(), settings.httpHost());
            })
        .onSuccess(s -> server = s)
        .onFailure(e -> blocking.close());
  }

  /**
   * A node without the api role answers only reading uploads (with ingest) and the operational
   * endpoints; one without ingest refuses reading uploads. Both with 503, so a load balancer that
   * sent the request to the wrong node is told to send it elsewhere.
   */
  private void servedRoles(Router router) {
    ClusterSettings cluster = settings.cluster();
    String uploads = ApiRouter.BASE_PATH + "/readings";
    if (!cluster.runs(ClusterSettings.Role.API)) {
      router
          .route()
          .handler(
              ctx -> {
                boolean upload =
                    ctx.request().method() == HttpMethod.POST
                        && ctx.request().path().equals(uploads);
                if (upload && cluster.runs(ClusterSettings.Role.INGEST)) {
                  ctx.next();
                } else {
                  notServed(ctx, upload ? "ingest" : "api");
                }
              });
    } else if (!cluster.runs(ClusterSettings.Role.INGEST)) {
      router.post(uploads).handler(ctx -> notServed(ctx, "ingest"));
    }
  }

  private void notServed(RoutingContext ctx, String role) {
    ctx.response()
        .setStatusCode(503)
        .putHeader("content-type", "application/json")
        .end(
            new JsonObject()
                .put("error", "ROLE_NOT_SERVED")
                .put(
                    "message",
                    "node "
                        + settings.cluster().nodeId()
                        + " does not run the "
                        + role
                        + " role; send this to a node that does")
                .encode());
  }

  /**
   * The platform's base URL as {@code ctx} reached it: https when the browser came over TLS (itself
   * or through a trusted proxy), with the host it addressed.
   */
  private static String baseUrl(RoutingContext ctx) {
    HostAndPort host = ctx.request().authority();
    String scheme = ClientAddress.secure(ctx) ? "https" : "http";
    return host == null
        ? scheme + "://localhost"
        : scheme + "://" + host.host() + (host.port() < 0 ? "" : ":" + host.port());
  }

  /**
   * Settlement's resources: statements and payments, energy and zone analytics, proofs and the
   * chain, reports, the gateways' API, and the data third parties get under their grants.
   */
  private List<ApiResource> settlementResources(TradingApi trading) {
    var dsl = database.dsl();
    JdbcUsageSource usage =
        new JdbcUsageSource(dsl, SettlementPolicy.defaults().estimateThreshold());
    return List.of(
        new SettlementRoutes(new SettlementViews(dsl), blocking, clock),
        new EnergyRoutes(usage, new SettlementViews(dsl), blocking),
        new AnalyticsRoutes(
            new JdbcAnalyticsStore(dsl, usage),
            usage,
            new DiscreteLaplace(new SecureRandom()),
            blocking,
            clock),
        new ProofRoutes(
            new ItemOwners(dsl),
            new JdbcAnchorStore(dsl),
            settlement.proofs(),
            settlement.chain(),
            keys.signingKey().publicKey(),
            trading.deviceRequests(),
            blocking),
        new ReportRoutes(new JdbcReportSource(dsl), settlement.anchoring(), blocking, clock),
        new GatewayRoutes(settlement.gateways(), trading.deviceRequests(), blocking),
        new MonitorRoutes(settlement.settlement(), settlement.scheduler(), dsl, blocking, clock),
        new SharedDataRoutes(
            trading.dataGrantTokens(),
            new GrantedData(dsl, usage, new SettlementViews(dsl)),
            settlement.proofs(),
            blocking,
            clock),
        new DataPaymentRoutes(
            new DataPayments(dsl, settlement.settlement().statements()), blocking));
  }

  /** The headers with which the portal names its browser to the API (see {@link ClientAddress}). */
  private Map<String, String> portalForwarding(RoutingContext ctx) {
    return Map.of(
        ClientAddress.PORTAL_HEADER,
        portalKey,
        "X-Forwarded-For",
        ClientAddress.of(ctx),
        "X-Forwarded-Proto",
        ClientAddress.secure(ctx) ? "https" : "http");
  }

  private static String newPortalKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return HexFormat.of().formatHex(key);
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
    blocking.close();
    return Future.succeededFuture();
  }

  HttpServer server() {
    return server;
  }

  /** UP when the database answers; the JDBC check runs on a worker thread, never the event loop. */
  private void health(RoutingContext ctx) {
    vertx
        .executeBlocking(
            () -> {
              boolean reachable = database.isReachable();
              return new JsonObject()
                  .put("status", reachable ? "UP" : "DOWN")
                  .put(
                      "database",
                      new JsonObject()
                          .put("reachable", reachable)
                          .put("schemaVersion", reachable ? database.schemaVersion() : null)
                          .put("location", database.description()))
                  .put("chain", new JsonObject(settlement.health()))
                  .put(
                      "http",
                      new JsonObject()
                          .put("openConnections", connections.openConnections())
                          .put("maxConnections", settings.connectionLimits().maxConnections()))
                  .put("time", clock.instant().toString());
            },
            false)
        .onSuccess(
            body ->
                ctx.response()
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
