package io.peerwatt.trading;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.openapi.contract.OpenAPIContract;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The contract-driven gate on its own: public operations, bearer tokens, and tokens in the query. */
class ApiSecurityTest {
  private Vertx vertx;
  private WebClient client;
  private int port;
  private ApiSecurity security;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    JsonObject ok = new JsonObject().put("200", new JsonObject().put("description", "ok"));
    JsonObject doc = new JsonObject()
        .put("openapi", "3.1.0")
        .put("info", new JsonObject().put("title", "t").put("version", "1"))
        .put("servers", new JsonArray().add(new JsonObject().put("url", "http://localhost/api/v1")))
        .put("security", new JsonArray().add(new JsonObject().put("bearerAuth", new JsonArray())))
        .put("components", new JsonObject().put("securitySchemes", new JsonObject().put("bearerAuth",
            new JsonObject().put("type", "http").put("scheme", "bearer"))))
        .put("paths", new JsonObject()
            .put("/open", new JsonObject().put("get", new JsonObject().put("operationId", "open")
                .put("security", new JsonArray()).put("responses", ok)))
            .put("/closed", new JsonObject().put("get", new JsonObject().put("operationId", "closed").put("responses", ok)))
            .put("/stream", new JsonObject().put("get", new JsonObject().put("operationId", "stream")
                .put(ApiSecurity.TOKEN_IN_QUERY, true).put("responses", ok))));
    OpenAPIContract contract = ApiHarness.await(OpenAPIContract.from(vertx, doc));
    security = new ApiSecurity(vertx, contract, new byte[32], Duration.ofMinutes(5));
    Router api = Router.router(vertx);
    api.route().handler(BodyHandler.create(false));
    api.route().handler(security::handle);
    api.get("/:name").handler(ctx -> ctx.end(ctx.get(ApiContext.CALLER_KEY) == null ? "anonymous"
        : ((Caller) ctx.get(ApiContext.CALLER_KEY)).username()));
    api.route().failureHandler(ApiSecurity::renderFailure);
    Router root = Router.router(vertx);
    root.route("/api/v1/*").subRouter(api);
    HttpServer server = ApiHarness.await(vertx.createHttpServer().requestHandler(root).listen(0, "127.0.0.1"));
    port = server.actualPort();
    client = WebClient.create(vertx);
  }

  @AfterEach
  void stop() {
    ApiHarness.await(vertx.close());
  }

  private String get(String path, String bearer) {
    var req = client.get(port, "127.0.0.1", "/api/v1" + path);
    if (bearer != null) {
      req.bearerTokenAuthentication(bearer);
    }
    var r = ApiHarness.await(req.send());
    return r.statusCode() + " " + r.bodyAsString();
  }

  @Test
  void publicOperationsNeedNoTokenAndOthersDo() {
    String token = security.issueToken(new Caller(7, "ann", Role.PROSUMER, "Z1"));
    assertThat(get("/open", null)).isEqualTo("200 anonymous");
    assertThat(get("/closed", null)).startsWith("401 ");
    assertThat(get("/closed", token)).isEqualTo("200 ann");
    assertThat(get("/closed?access_token=" + token, null)).startsWith("401 ");
  }

  @Test
  void markedOperationsAlsoTakeTheTokenInTheQuery() {
    String token = security.issueToken(new Caller(7, "ann", Role.PROSUMER, "Z1"));
    assertThat(get("/stream?access_token=" + token, null)).isEqualTo("200 ann");
    assertThat(get("/stream?access_token=garbage", null)).startsWith("401 ");
    assertThat(get("/stream", null)).startsWith("401 ");
  }

  @Test
  void tokensOfAnotherSecretAreRefused() {
    ApiSecurity other = new ApiSecurity(vertx, ApiHarness.await(OpenAPIContract.from(vertx,
        new JsonObject().put("openapi", "3.1.0").put("info", new JsonObject().put("title", "t").put("version", "1"))
            .put("paths", new JsonObject()))), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17,
        18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32}, Duration.ofMinutes(5));
    assertThat(get("/closed", other.issueToken(new Caller(1, "eve", Role.OPERATOR, null)))).startsWith("401 ");
  }
}
