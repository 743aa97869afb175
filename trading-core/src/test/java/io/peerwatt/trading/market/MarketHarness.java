package io.peerwatt.trading.market;

import io.peerwatt.db.testing.TestDatabase;
import io.peerwatt.http.ApiRouter;
import io.peerwatt.http.Blocking;
import io.peerwatt.trading.AccountAdmin;
import io.peerwatt.trading.PlatformKeys;
import io.peerwatt.trading.TradingApi;
import io.peerwatt.trading.TradingSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** The whole trading API (accounts and market) on a real HTTP server over a fixture database, with a clock tests move. */
final class MarketHarness implements AutoCloseable {
  final Vertx vertx;
  final TradingApi api;
  final Blocking blocking;
  final HttpServer server;
  final WebClient client;
  final MovableClock clock;
  final TestDatabase db;

  private MarketHarness(Vertx vertx, TradingApi api, Blocking blocking, HttpServer server, WebClient client, MovableClock clock, TestDatabase db) {
    this.vertx = vertx;
    this.api = api;
    this.blocking = blocking;
    this.server = server;
    this.client = client;
    this.clock = clock;
    this.db = db;
  }

  /** Starts the API over {@code db} with the clock at {@code now}. */
  static MarketHarness start(TestDatabase db, Path dataDir, Instant now) {
    return start(db, dataDir, new MovableClock(now));
  }

  /** Starts the API over {@code db} with {@code clock} (a restart keeps the clock). */
  static MarketHarness start(TestDatabase db, Path dataDir, MovableClock clock) {
    Vertx vertx = Vertx.vertx();
    TradingSettings settings = TradingSettings.defaults(dataDir);
    Blocking blocking = Blocking.create(vertx, "test-api", settings.workerPoolSize());
    TradingApi api = await(TradingApi.start(vertx, db.dsl(), settings,
        PlatformKeys.loadOrCreate(settings, new SecureRandom()), clock, blocking));
    Router root = Router.router(vertx);
    root.route(ApiRouter.BASE_PATH + "/*").subRouter(await(api.router(List.of())));
    HttpServer server = await(vertx.createHttpServer().requestHandler(root).listen(0, "127.0.0.1"));
    return new MarketHarness(vertx, api, blocking, server, WebClient.create(vertx), clock, db);
  }

  HttpResponse<Buffer> call(HttpMethod method, String path, String token, JsonObject body) {
    HttpRequest<Buffer> req = client.request(method, server.actualPort(), "127.0.0.1", ApiRouter.BASE_PATH + path);
    if (token != null) {
      req.bearerTokenAuthentication(token);
    }
    return await(body == null ? req.send() : req.sendJsonObject(body));
  }

  HttpResponse<Buffer> get(String path, String token) {
    return call(HttpMethod.GET, path, token, null);
  }

  HttpResponse<Buffer> post(String path, String token, JsonObject body) {
    return call(HttpMethod.POST, path, token, body);
  }

  HttpResponse<Buffer> patch(String path, String token, JsonObject body) {
    return call(HttpMethod.PATCH, path, token, body);
  }

  HttpResponse<Buffer> delete(String path, String token) {
    return call(HttpMethod.DELETE, path, token, null);
  }

  String operator(String username) {
    AccountAdmin.createOperator(db.dsl(), username, "operator-password-1");
    return login(username, "operator-password-1");
  }

  String login(String username, String password) {
    HttpResponse<Buffer> r = post("/auth/login", null, new JsonObject().put("username", username).put("password", password));
    check(r, 200);
    return r.bodyAsJsonObject().getString("token");
  }

  /** Creates (or changes) a zone with a call auction or continuous market, 0.1 ct/kWh grid fee. */
  void zone(String operator, String code, String clearingMode) {
    check(call(HttpMethod.PUT, "/zones/" + code, operator, new JsonObject().put("name", "Zone " + code)
        .put("currency", "EUR").put("priceUnit", "MILLI_CT_PER_KWH").put("clearingMode", clearingMode)
        .put("gateClosureLeadSeconds", 900).put("gridFeePerKwh", 100).put("imbalancePricePerKwh", 40000)
        .put("negativePricesAllowed", false).put("localTimeZone", "Europe/Berlin").put("minQuantityWh", 10)
        .put("maxQuantityWh", 1_000_000).put("minPricePerKwh", 0).put("maxPricePerKwh", 1_000_000)), 200);
  }

  /** Creates a prosumer in {@code zone}; returns {id, token}. */
  Account prosumer(String operator, String username, String zone) {
    HttpResponse<Buffer> r = post("/accounts", operator, new JsonObject().put("username", username)
        .put("password", username + "-password").put("role", "prosumer").put("zone", zone));
    check(r, 201);
    return new Account(r.bodyAsJsonObject().getLong("id"), login(username, username + "-password"));
  }

  record Account(long id, String token) {}

  long meteringPoint(String token) {
    HttpResponse<Buffer> r = post("/metering-points", token, new JsonObject().put("label", "home").put("maxPowerW", 30_000));
    check(r, 201);
    return r.bodyAsJsonObject().getLong("id");
  }

  static HttpResponse<Buffer> check(HttpResponse<Buffer> r, int status) {
    if (r.statusCode() != status) {
      throw new AssertionError("expected " + status + " but got " + r.statusCode() + ": " + r.bodyAsString());
    }
    return r;
  }

  /** Waits (real time, up to 15 s) until {@code condition} holds; the scheduler ticks every second. */
  static void eventually(BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 15 s");
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }

  @Override
  public void close() {
    api.close();
    blocking.close();
    await(vertx.close());
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A clock tests move by hand. */
  static final class MovableClock extends Clock {
    private volatile Instant now;

    MovableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    void set(Instant instant) {
      now = instant;
    }

    @Override
    public ZoneId getZone() {
      return ZoneId.of("UTC");
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
