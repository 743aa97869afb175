package io.peerwatt.trading;

import io.peerwatt.protocol.keys.PublicKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.openapi.contract.OpenAPIContract;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import javax.sql.DataSource;
import org.jooq.DSLContext;

/**
 * The trading HTTP API: a {@link Router} for {@code /api/v1} with request size limits, bearer-token
 * authentication and OpenAPI validation in front of accounts, zones, metering points, devices, readings
 * and every {@link ApiRoutes} found on the class path (the market). Mount it with
 * {@code mainRouter.route("/api/v1/*").subRouter(api.router())}.
 */
public final class TradingApi {
  /** Where the API lives; the OpenAPI document's server URL. */
  public static final String BASE_PATH = "/api/v1";
  /** Class-path location of the OpenAPI document. */
  public static final String OPENAPI_RESOURCE = "openapi/peerwatt-api.yaml";

  private final Router router;
  private final ApiContext context;
  private final PlatformKeys keys;
  private final WorkerExecutor workers;
  private final List<ApiRoutes> contributed;
  private final long partitionTimer;

  private TradingApi(Router router, ApiContext context, PlatformKeys keys, WorkerExecutor workers,
      List<ApiRoutes> contributed, long partitionTimer) {
    this.router = router;
    this.context = context;
    this.keys = keys;
    this.workers = workers;
    this.contributed = contributed;
    this.partitionTimer = partitionTimer;
  }

  /**
   * Builds the API: loads (or on first start creates) the platform keys in the data dir, reads the
   * OpenAPI document and creates the reading partitions for the coming months.
   */
  public static Future<TradingApi> create(Vertx vertx, DSLContext dsl, DataSource dataSource,
      TradingSettings settings, Clock clock) {
    WorkerExecutor workers = vertx.createSharedWorkerExecutor("peerwatt-api-db", settings.workerPoolSize());
    ApiContext context = new ApiContext(vertx, dsl, dataSource, clock, settings, workers);
    SecureRandom random = new SecureRandom();
    String yaml = readOpenApiText();
    PasswordHasher hasher = new PasswordHasher(random);
    return context.blocking(() -> {
          PlatformKeys keys = PlatformKeys.loadOrCreate(settings, random);
          ReadingPartitions.ensureAround(dsl, clock.instant());
          // verified against when a username is unknown, so a failed login takes the same time either way
          String decoyHash = hasher.hash(Long.toHexString(random.nextLong()));
          return new Startup(keys, decoyHash);
        })
        .compose(startup -> OpenAPIContract.from(vertx, OPENAPI_RESOURCE)
            .map(contract -> build(vertx, context, startup, contract, yaml, hasher, random, workers)))
        .onFailure(e -> workers.close());
  }

  /** What start-up prepares on a worker thread. */
  private record Startup(PlatformKeys keys, String decoyHash) {}

  private static TradingApi build(Vertx vertx, ApiContext context, Startup startup, OpenAPIContract contract,
      String yaml, PasswordHasher hasher, SecureRandom random, WorkerExecutor workers) {
    TradingSettings settings = context.settings();
    PlatformKeys keys = startup.keys();
    ApiSecurity security = new ApiSecurity(vertx, contract, keys.jwtSecret(), settings.tokenLifetime());
    Router api = Router.router(vertx);
    api.route().handler(BodyHandler.create(false).setBodyLimit(settings.bodyLimitBytes()));
    api.get("/openapi.yaml").handler(ctx -> ctx.response()
        .putHeader("content-type", "application/yaml; charset=utf-8").end(yaml));
    api.route().handler(security::handle);
    new AccountRoutes(context, security, hasher, startup.decoyHash(), new LoginLimiter(settings.loginFailuresPerMinute(),
        settings.loginFailuresPerAddressPerMinute(), context.clock()))
        .addTo(api);
    new ZoneRoutes(context).addTo(api);
    new MeteringPointRoutes(context).addTo(api);
    new DeviceRoutes(context, keys.signingKey(), random).addTo(api);
    new ReadingRoutes(context).addTo(api);
    List<ApiRoutes> contributed = new ArrayList<>();
    for (ApiRoutes routes : ServiceLoader.load(ApiRoutes.class, TradingApi.class.getClassLoader())) {
      routes.addTo(api, context);
      contributed.add(routes);
    }
    api.route().failureHandler(ApiSecurity::renderFailure);
    // new months get their reading partition well before their first reading; old nonces go
    long timer = vertx.setPeriodic(java.time.Duration.ofHours(6).toMillis(),
        id -> context.blocking(() -> {
          ReadingPartitions.ensureAround(context.dsl(), context.clock().instant());
          return ReadingIngest.forgetOldNonces(context.dsl(), context.clock().instant());
        }));
    return new TradingApi(api, context, keys, workers, contributed, timer);
  }

  private static String readOpenApiText() {
    try (InputStream in = TradingApi.class.getClassLoader().getResourceAsStream(OPENAPI_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(OPENAPI_RESOURCE + " is missing from the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The {@code /api/v1} router. */
  public Router router() {
    return router;
  }

  public ApiContext context() {
    return context;
  }

  /** The public key that signs device certificates (what verifiers must trust). */
  public PublicKey platformKey() {
    return keys.signingKey().publicKey();
  }

  /** Stops timers and the worker pool. */
  public void close() {
    context.vertx().cancelTimer(partitionTimer);
    contributed.forEach(ApiRoutes::close);
    workers.close();
  }
}
