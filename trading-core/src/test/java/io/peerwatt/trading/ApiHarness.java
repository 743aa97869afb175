package io.peerwatt.trading;

import io.peerwatt.db.testing.TestDatabase;
import io.peerwatt.http.ApiRouter;
import io.peerwatt.http.Blocking;
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

/** The trading API on a real HTTP server (port 0) over a fixture database, with a blocking client. */
final class ApiHarness implements AutoCloseable {
  final Vertx vertx;
  final TradingApi api;
  final Blocking blocking;
  final PlatformKeys keys;
  final HttpServer server;
  final WebClient client;
  final TestClock clock;
  final TestDatabase db;

  private ApiHarness(Vertx vertx, TradingApi api, Blocking blocking, PlatformKeys keys, HttpServer server, WebClient client, TestClock clock, TestDatabase db) {
    this.vertx = vertx;
    this.api = api;
    this.blocking = blocking;
    this.keys = keys;
    this.server = server;
    this.client = client;
    this.clock = clock;
    this.db = db;
  }

  static ApiHarness start(TestDatabase db, Path dataDir, TradingSettings settings) {
    Vertx vertx = Vertx.vertx();
    TestClock clock = new TestClock(Instant.parse("2026-11-25T10:00:00Z"));
    Blocking blocking = Blocking.create(vertx, "test-api", settings.workerPoolSize());
    PlatformKeys keys = PlatformKeys.loadOrCreate(settings, new SecureRandom());
    TradingApi api = await(TradingApi.start(vertx, db.dsl(), settings, keys, clock, blocking));
    Router root = Router.router(vertx);
    root.route(ApiRouter.BASE_PATH + "/*").subRouter(await(api.router(List.of())));
    HttpServer server = await(vertx.createHttpServer().requestHandler(root).listen(0, "127.0.0.1"));
    return new ApiHarness(vertx, api, blocking, keys, server, WebClient.create(vertx), clock, db);
  }

  static ApiHarness start(TestDatabase db, Path dataDir) {
    return start(db, dataDir, TradingSettings.defaults(dataDir));
  }

  HttpResponse<Buffer> call(HttpMethod method, String path, String token, Object body) {
    HttpRequest<Buffer> req = client.request(method, server.actualPort(), "127.0.0.1", ApiRouter.BASE_PATH + path);
    if (token != null) {
      req.bearerTokenAuthentication(token);
    }
    if (body == null) {
      return await(req.send());
    }
    if (body instanceof Buffer b) {
      req.putHeader("content-type", "application/json");
      return await(req.sendBuffer(b));
    }
    return await(req.sendJsonObject((JsonObject) body));
  }

  HttpResponse<Buffer> get(String path, String token) {
    return call(HttpMethod.GET, path, token, null);
  }

  HttpResponse<Buffer> post(String path, String token, Object body) {
    return call(HttpMethod.POST, path, token, body);
  }

  HttpResponse<Buffer> put(String path, String token, JsonObject body) {
    return call(HttpMethod.PUT, path, token, body);
  }

  /** Creates an operator directly in the database and logs it in. */
  String operatorToken(String username) {
    AccountAdmin.createOperator(db.dsl(), username, "operator-password-1");
    return login(username, "operator-password-1");
  }

  String login(String username, String password) {
    HttpResponse<Buffer> r = post("/auth/login", null, new JsonObject().put("username", username).put("password", password));
    if (r.statusCode() != 200) {
      throw new AssertionError("login " + username + ": " + r.statusCode() + " " + r.bodyAsString());
    }
    return r.bodyAsJsonObject().getString("token");
  }

  /** PUTs a zone with default market settings. */
  void zone(String operatorToken, String code) {
    HttpResponse<Buffer> r = put("/zones/" + code, operatorToken, zoneBody("Zone " + code));
    if (r.statusCode() != 200) {
      throw new AssertionError("zone: " + r.bodyAsString());
    }
  }

  static JsonObject zoneBody(String name) {
    return new JsonObject().put("name", name).put("currency", "EUR").put("priceUnit", "MILLI_CT_PER_KWH")
        .put("clearingMode", "CALL_AUCTION").put("gateClosureLeadSeconds", 900).put("gridFeePerKwh", 5000)
        .put("imbalancePricePerKwh", 40000).put("negativePricesAllowed", false).put("localTimeZone", "Europe/Berlin")
        .put("minQuantityWh", 1).put("maxQuantityWh", 1_000_000).put("minPricePerKwh", 0).put("maxPricePerKwh", 1_000_000);
  }

  /** Creates a prosumer in {@code zone} through the API and returns its id. */
  long prosumer(String operatorToken, String username, String zone) {
    HttpResponse<Buffer> r = post("/accounts", operatorToken, new JsonObject().put("username", username)
        .put("password", username + "-password").put("role", "prosumer").put("zone", zone));
    if (r.statusCode() != 201) {
      throw new AssertionError("account: " + r.bodyAsString());
    }
    return r.bodyAsJsonObject().getLong("id");
  }

  long meteringPoint(String token, long maxPowerW) {
    HttpResponse<Buffer> r = post("/metering-points", token, new JsonObject().put("label", "home").put("maxPowerW", maxPowerW));
    if (r.statusCode() != 201) {
      throw new AssertionError("metering point: " + r.bodyAsString());
    }
    return r.bodyAsJsonObject().getLong("id");
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
  static final class TestClock extends Clock {
    private volatile Instant now;

    TestClock(Instant now) {
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
