package io.peerwatt.trading.testing;

import io.peerwatt.http.ApiRouter;
import io.peerwatt.trading.AccountAdmin;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jooq.DSLContext;

/**
 * The platform's API as tests speak to it, over real HTTP on loopback, blocking: requests with a
 * bearer token, and the set-up an operator does (operator, zones, prosumers, metering points). One
 * per server under test; it runs its own Vert.x, so it works beside any server's.
 */
public class ApiClient implements AutoCloseable {
  private final Vertx clientVertx;
  private final WebClient client;
  private final int port;

  /** A client of the API on {@code port} of 127.0.0.1. */
  public ApiClient(int port) {
    this.clientVertx = Vertx.vertx();
    this.client = WebClient.create(clientVertx);
    this.port = port;
  }

  /** A prosumer as set up: its account id and login token. */
  public record Account(long id, String token) {}

  public int port() {
    return port;
  }

  /**
   * {@code method} on {@code /api/v1} + {@code path}, with {@code token} as bearer when not null,
   * and {@code body} as JSON (a {@link JsonObject}, or raw bytes in a {@link Buffer}) when not
   * null.
   */
  public HttpResponse<Buffer> call(HttpMethod method, String path, String token, Object body) {
    HttpRequest<Buffer> req = client.request(method, port, "127.0.0.1", ApiRouter.BASE_PATH + path);
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

  /** GET of a path of the server outside the API, such as {@code /health} or {@code /metrics}. */
  public HttpResponse<Buffer> getPath(String path) {
    return await(client.get(port, "127.0.0.1", path).send());
  }

  public HttpResponse<Buffer> get(String path, String token) {
    return call(HttpMethod.GET, path, token, null);
  }

  public HttpResponse<Buffer> post(String path, String token, Object body) {
    return call(HttpMethod.POST, path, token, body);
  }

  public HttpResponse<Buffer> put(String path, String token, JsonObject body) {
    return call(HttpMethod.PUT, path, token, body);
  }

  public HttpResponse<Buffer> patch(String path, String token, JsonObject body) {
    return call(HttpMethod.PATCH, path, token, body);
  }

  public HttpResponse<Buffer> delete(String path, String token) {
    return call(HttpMethod.DELETE, path, token, null);
  }

  /** Logs in; the token. */
  public String login(String username, String password) {
    return check(
            post(
                "/auth/login",
                null,
                new JsonObject().put("username", username).put("password", password)),
            200)
        .bodyAsJsonObject()
        .getString("token");
  }

  /**
   * Creates an operator directly in {@code dsl}'s database (as {@code peerwatt admin} does) and
   * logs it in.
   */
  public String operator(DSLContext dsl, String username, String password) {
    AccountAdmin.createOperator(dsl, username, password);
    return login(username, password);
  }

  /** Creates or changes zone {@code code} with {@code body} (see {@link #zoneBody}). */
  public void zone(String operatorToken, String code, JsonObject body) {
    check(put("/zones/" + code, operatorToken, body), 200);
  }

  /**
   * A zone in EUR trading 15-minute slots of Berlin time, gate closure 15 minutes ahead, imbalance
   * 40 ct/kWh, no negative prices, orders up to 1 MWh at 0..1000 ct/kWh.
   */
  public static JsonObject zoneBody(
      String name, String clearingMode, long gridFeePerKwh, long minQuantityWh) {
    return new JsonObject()
        .put("name", name)
        .put("currency", "EUR")
        .put("priceUnit", "MILLI_CT_PER_KWH")
        .put("clearingMode", clearingMode)
        .put("gateClosureLeadSeconds", 900)
        .put("gridFeePerKwh", gridFeePerKwh)
        .put("imbalancePricePerKwh", 40000)
        .put("negativePricesAllowed", false)
        .put("localTimeZone", "Europe/Berlin")
        .put("minQuantityWh", minQuantityWh)
        .put("maxQuantityWh", 1_000_000)
        .put("minPricePerKwh", 0)
        .put("maxPricePerKwh", 1_000_000);
  }

  /**
   * Creates a prosumer of {@code zone} with password {@code <username>-password} and logs it in.
   */
  public Account prosumer(String operatorToken, String username, String zone) {
    HttpResponse<Buffer> r =
        check(
            post(
                "/accounts",
                operatorToken,
                new JsonObject()
                    .put("username", username)
                    .put("password", username + "-password")
                    .put("role", "prosumer")
                    .put("zone", zone)),
            201);
    return new Account(r.bodyAsJsonObject().getLong("id"), login(username, username + "-password"));
  }

  /** Creates a metering point of the caller ({@code token}'s prosumer); its id. */
  public long meteringPoint(String token, long maxPowerW) {
    return check(
            post(
                "/metering-points",
                token,
                new JsonObject().put("label", "home").put("maxPowerW", maxPowerW)),
            201)
        .bodyAsJsonObject()
        .getLong("id");
  }

  /** The JSON body of {@code r}, which must be a success (2xx). */
  public static JsonObject ok(HttpResponse<Buffer> r) {
    if (r.statusCode() < 200 || r.statusCode() > 299) {
      throw new AssertionError(
          "expected success but got " + r.statusCode() + ": " + r.bodyAsString());
    }
    return r.bodyAsJsonObject();
  }

  /** {@code r} when its status is {@code status}; else fails with the answer. */
  public static HttpResponse<Buffer> check(HttpResponse<Buffer> r, int status) {
    if (r.statusCode() != status) {
      throw new AssertionError(
          "expected " + status + " but got " + r.statusCode() + ": " + r.bodyAsString());
    }
    return r;
  }

  /** Waits (real time, up to 15 s) until {@code condition} holds. */
  public static void eventually(BooleanSupplier condition) {
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

  /** The future's result, waiting up to 30 s. */
  public static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    await(clientVertx.close());
  }
}
