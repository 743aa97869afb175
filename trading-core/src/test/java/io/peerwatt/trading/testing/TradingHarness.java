package io.peerwatt.trading.testing;

import io.peerwatt.db.testing.TestDatabase;
import io.peerwatt.http.ApiRouter;
import io.peerwatt.http.Blocking;
import io.peerwatt.protocol.testing.MutableClock;
import io.peerwatt.trading.PlatformKeys;
import io.peerwatt.trading.TradingApi;
import io.peerwatt.trading.TradingSettings;
import io.peerwatt.trading.market.Market;
import io.peerwatt.trading.openadr.VtnContract;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.function.Function;
import org.jooq.DSLContext;

/**
 * The trading API (accounts, devices, readings and the market) on a real HTTP server (port 0) over
 * a fixture database, on a clock tests move, with its {@link ApiClient}: wired as the platform
 * wires it, without settlement.
 */
public final class TradingHarness extends ApiClient {
  /** The session cookie the authorization server reads: the portal's, holding a login token. */
  public static final String SESSION_COOKIE = "pw_session";

  public final Vertx vertx;
  public final TradingApi api;
  public final MutableClock clock;
  public final TestDatabase db;
  public final PlatformKeys keys;
  private final Blocking blocking;

  private TradingHarness(
      int port,
      Vertx vertx,
      TradingApi api,
      MutableClock clock,
      TestDatabase db,
      PlatformKeys keys,
      Blocking blocking) {
    super(port);
    this.vertx = vertx;
    this.api = api;
    this.clock = clock;
    this.db = db;
    this.keys = keys;
    this.blocking = blocking;
  }

  /**
   * Starts the API over {@code db} with {@code clock} (a restart keeps the clock) and {@code
   * settings}.
   */
  public static TradingHarness start(
      TestDatabase db, TradingSettings settings, MutableClock clock) {
    return start(db, settings, clock, Market::new);
  }

  /** The same with the market {@code markets} builds (e.g. over other books). */
  public static TradingHarness start(
      TestDatabase db,
      TradingSettings settings,
      MutableClock clock,
      Function<DSLContext, Market> markets) {
    Vertx vertx = Vertx.vertx();
    Blocking blocking = Blocking.create(vertx, "test-api", settings.workerPoolSize());
    PlatformKeys keys = PlatformKeys.loadOrCreate(settings, new SecureRandom());
    TradingApi api =
        await(
            TradingApi.start(
                vertx,
                db.dsl(),
                settings,
                keys,
                clock,
                clock,
                blocking,
                ingest -> ingest,
                markets));
    Router root = Router.router(vertx);
    root.route(ApiRouter.BASE_PATH + "/*").subRouter(await(api.router(List.of())));
    root.route(VtnContract.BASE_PATH + "/*").subRouter(api.vtn().router());
    root.route("/*")
        .subRouter(
            api.authorizationServer(
                    SESSION_COOKIE,
                    ctx ->
                        "http://"
                            + ctx.request().authority().host()
                            + ":"
                            + ctx.request().authority().port())
                .router(vertx));
    HttpServer server = await(vertx.createHttpServer().requestHandler(root).listen(0, "127.0.0.1"));
    return new TradingHarness(server.actualPort(), vertx, api, clock, db, keys, blocking);
  }

  /** Starts the API over {@code db} with default settings for {@code dataDir} and {@code clock}. */
  public static TradingHarness start(TestDatabase db, Path dataDir, MutableClock clock) {
    return start(db, TradingSettings.defaults(dataDir), clock);
  }

  /**
   * Creates an operator in the fixture database and logs it in (password {@code
   * operator-password-1}).
   */
  public String operator(String username) {
    return operator(db.dsl(), username, "operator-password-1");
  }

  @Override
  public void close() {
    api.close();
    blocking.close();
    await(vertx.close());
    super.close();
  }
}
