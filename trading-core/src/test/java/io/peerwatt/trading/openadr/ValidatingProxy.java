package io.peerwatt.trading.openadr;

import static io.peerwatt.trading.testing.ApiClient.await;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback relay between the generated client and the VTN that checks every answer against the
 * OpenADR 3.1.0 document: the operation's declared response schema for its status, or the {@code
 * problem} schema for an error status the operation does not declare (409 on {@code POST /vens},
 * 404 on a path the document lacks). What fails is collected in {@link #violations}, and every
 * (operation, status) seen in {@link #seen}.
 *
 * <p>The one exception, a defect of the document: {@code ven} is {@code allOf(objectMetadata,
 * BlVenRequest)}, whose {@code objectType} enums are disjoint ({@code VEN} against {@code
 * BL_VEN_REQUEST}), so no ven can validate; likewise {@code resource}. For these two checks only,
 * BlVenRequest's enum also admits {@code VEN} and BlResourceRequest's {@code RESOURCE} (the
 * objectMetadata meaning the VTN answers with); everything else of their shape is checked.
 */
final class ValidatingProxy implements AutoCloseable {
  final List<String> violations = new CopyOnWriteArrayList<>();
  final Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private final OpenAPIContract contract;
  private final ResponseValidator responses;
  private final Validator problem;
  private final HttpClient client;
  private final HttpServer server;
  private final int target;

  ValidatingProxy(Vertx vertx, int targetPort) {
    JsonObject doc = VtnContract.forValidation();
    JsonObject schemas = doc.getJsonObject("components").getJsonObject("schemas");
    allow(schemas, "BlVenRequest", "VEN");
    allow(schemas, "BlResourceRequest", "RESOURCE");
    this.contract = await(OpenAPIContract.from(vertx, doc));
    this.responses = ResponseValidator.create(vertx, contract);
    this.problem =
        Validator.create(
            JsonSchema.of(schemas.getJsonObject("problem")),
            new JsonSchemaOptions().setDraft(Draft.DRAFT4).setBaseUri("https://vtn.test/"));
    this.client = vertx.createHttpClient();
    this.target = targetPort;
    this.server =
        await(vertx.createHttpServer().requestHandler(this::relay).listen(0, "127.0.0.1"));
  }

  int port() {
    return server.actualPort();
  }

  private static void allow(JsonObject schemas, String schema, String value) {
    schemas
        .getJsonObject(schema)
        .getJsonObject("properties")
        .getJsonObject("objectType")
        .getJsonArray("enum")
        .add(value);
  }

  private void relay(HttpServerRequest in) {
    in.pause();
    RequestOptions options =
        new RequestOptions()
            .setMethod(in.method())
            .setHost("127.0.0.1")
            .setPort(target)
            .setURI(in.uri());
    in.headers()
        .forEach(
            h -> {
              if (!h.getKey().equalsIgnoreCase("host")) {
                options.addHeader(h.getKey(), h.getValue());
              }
            });
    in.body()
        .compose(
            body ->
                client
                    .request(options)
                    .compose(req -> req.send(body))
                    .compose(res -> res.body().map(b -> new Answer(res, b))))
        .compose(
            answer ->
                check(in.method().name(), in.path(), answer.response.statusCode(), answer.body)
                    .map(answer))
        .onSuccess(
            answer -> {
              // the client sees the answer only once it is checked: its assertions run after
              in.response().setStatusCode(answer.response.statusCode());
              answer
                  .response
                  .headers()
                  .forEach(h -> in.response().putHeader(h.getKey(), h.getValue()));
              in.response().end(answer.body);
            })
        .onFailure(
            e -> {
              violations.add("relay failed: " + e);
              in.response().setStatusCode(502).end();
            });
    in.resume();
  }

  private record Answer(HttpClientResponse response, Buffer body) {}

  /** Records what is wrong with the answer; always succeeds. */
  private Future<Void> check(String method, String path, int status, Buffer body) {
    Operation operation =
        contract.findOperation(path, io.vertx.core.http.HttpMethod.valueOf(method));
    String name =
        (operation == null ? method + " " + path : operation.getOperationId()) + " " + status;
    seen.add(name);
    boolean declared =
        operation != null
            && operation
                .getOpenAPIModel()
                .getJsonObject("responses")
                .containsKey(Integer.toString(status));
    if (status >= 400 && !isProblemOf(body, status)) {
      violations.add(name + ": an error without a problem body naming its status: " + body);
    }
    if (declared) {
      return responses
          .validate(
              ValidatableResponse.create(status, body, "application/json"),
              operation.getOperationId())
          .<Void>mapEmpty()
          .recover(
              e -> {
                violations.add(name + ": " + e.getMessage() + " in " + body);
                return Future.succeededFuture();
              });
    }
    if (status < 400) {
      violations.add(name + ": a success the document does not declare");
      return Future.succeededFuture();
    }
    Object json;
    try {
      json = body.toJsonValue();
    } catch (RuntimeException e) {
      violations.add(name + ": not JSON: " + body);
      return Future.succeededFuture();
    }
    if (!(json instanceof JsonObject)) {
      violations.add(name + ": not a problem object: " + body);
      return Future.succeededFuture();
    }
    OutputUnit result = problem.validate(json);
    if (!result.getValid()) {
      violations.add(name + ": not a problem: " + result.getErrors() + " in " + body);
    }
    return Future.succeededFuture();
  }

  private static boolean isProblemOf(Buffer body, int status) {
    try {
      Object json = body.toJsonValue();
      return json instanceof JsonObject p
          && p.getInteger("status", -1) == status
          && p.getString("title") != null
          && p.getString("detail") != null;
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Override
  public void close() {
    await(server.close());
    await(client.close());
  }
}
