package io.peerwatt.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.openapi.contract.OpenAPIContract;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract-driven gate on its own: public operations, bearer tokens, and tokens in the query.
 */
class ApiGateTest {
  private Vertx vertx;
  private WebClient client;
  private int port;
  private BearerTokens tokens;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    JsonObject ok = new JsonObject().put("200", new JsonObject().put("description", "ok"));
    JsonObject doc =
        new JsonObject()
            .put("openapi", "3.1.0")
            .put("info", new JsonObject().put("title", "t").put("version", "1"))
            .put(
                "servers",
                new JsonArray().add(new JsonObject().put("url", "http://localhost/api/v1")))
            .put(
                "security",
                new JsonArray().add(new JsonObject().put("bearerAuth", new JsonArray())))
            .put(
                "components",
                new JsonObject()
                    .put(
                        "securitySchemes",
                        new JsonObject()
                            .put(
                                "bearerAuth",
                                new JsonObject().put("type", "http").put("scheme", "bearer"))))
            .put(
                "paths",
                new JsonObject()
                    .put(
                        "/open",
                        new JsonObject()
                            .put(
                                "get",
                                new JsonObject()
                                    .put("operationId", "open")
                                    .put("security", new JsonArray())
                                    .put("responses", ok)))
                    .put(
                        "/closed",
                        new JsonObject()
                            .put(
                                "get",
                                new JsonObject().put("operationId", "closed").put("responses", ok)))
                    .put(
                        "/stream",
                        new JsonObject()
                            .put(
                                "get",
                                new JsonObject()
                                    .put("operationId", "stream")
                                    .put(ApiGate.TOKEN_IN_QUERY, true)
                                    .put("responses", ok))));
    OpenAPIContract contract = await(OpenAPIContract.from(vertx, doc));
    tokens = new BearerTokens(vertx, new byte[32], Duration.ofMinutes(5));
    ApiResource names =
        api ->
            api.get("/:name")
                .handler(
                    ctx ->
                        ctx.end(
                            ctx.get(ApiRequests.CALLER_KEY) == null
                                ? "anonymous"
                                : ApiRequests.caller(ctx).username()));
    Router root = Router.router(vertx);
    root.route(ApiRouter.BASE_PATH + "/*")
        .subRouter(
            ApiRouter.create(
                vertx, new ApiDocument(contract, doc.encode()), tokens, 1 << 20, List.of(names)));
    HttpServer server = await(vertx.createHttpServer().requestHandler(root).listen(0, "127.0.0.1"));
    port = server.actualPort();
    client = WebClient.create(vertx);
  }

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  private String get(String path, String bearer) {
    var req = client.get(port, "127.0.0.1", "/api/v1" + path);
    if (bearer != null) {
      req.bearerTokenAuthentication(bearer);
    }
    var r = await(req.send());
    return r.statusCode() + " " + r.bodyAsString();
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void publicOperationsNeedNoTokenAndOthersDo() {
    String token = tokens.issue(new Caller(7, "ann", Role.PROSUMER, "Z1"));
    assertThat(get("/open", null)).isEqualTo("200 anonymous");
    assertThat(get("/closed", null)).startsWith("401 ");
    assertThat(get("/closed", token)).isEqualTo("200 ann");
    assertThat(get("/closed?access_token=" + token, null)).startsWith("401 ");
  }

  @Test
  void markedOperationsAlsoTakeTheTokenInTheQuery() {
    String token = tokens.issue(new Caller(7, "ann", Role.PROSUMER, "Z1"));
    assertThat(get("/stream?access_token=" + token, null)).isEqualTo("200 ann");
    assertThat(get("/stream?access_token=garbage", null)).startsWith("401 ");
    assertThat(get("/stream", null)).startsWith("401 ");
  }

  @Test
  void tokensOfAnotherSecretAreRefused() {
    BearerTokens other =
        new BearerTokens(
            vertx,
            new byte[] {
              1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
              25, 26, 27, 28, 29, 30, 31, 32
            },
            Duration.ofMinutes(5));
    assertThat(get("/closed", other.issue(new Caller(1, "eve", Role.OPERATOR, null))))
        .startsWith("401 ");
  }
}
