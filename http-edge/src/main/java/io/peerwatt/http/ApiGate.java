package io.peerwatt.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.RequestUtils;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.ValidatorException;

/**
 * The API's gatekeeper, driven by the OpenAPI document: the operation a request addresses decides
 * whether a bearer token is needed (operations with {@code security: []} are public), and the
 * request is validated against the operation's parameters and body before any handler runs.
 * Handlers then find the {@link Caller} and the validated request through {@link ApiRequests}.
 */
public final class ApiGate implements Handler<RoutingContext> {
  /** Operation extension allowing the token as the {@code access_token} query parameter. */
  public static final String TOKEN_IN_QUERY = "x-token-in-query";

  /**
   * Operation extension for a body that its handler parses and checks field by field with its own
   * specific errors (device-signed reading batches, the busiest path): the gate then authenticates
   * but neither parses the body a second time nor checks it against the schema. Such an operation
   * takes no parameters (checked when the gate is made).
   */
  public static final String BODY_CHECKED_BY_HANDLER = "x-body-checked-by-handler";

  private final OpenAPIContract contract;
  private final RequestValidator validator;
  private final BearerTokens tokens;

  public ApiGate(Vertx vertx, OpenAPIContract contract, BearerTokens tokens) {
    this.contract = contract;
    for (Operation operation : contract.operations()) {
      if (bodyCheckedByHandler(operation) && !operation.getParameters().isEmpty()) {
        throw new IllegalArgumentException(
            operation.getOperationId()
                + ": "
                + BODY_CHECKED_BY_HANDLER
                + " is for operations without parameters");
      }
    }
    this.validator = RequestValidator.create(vertx, new ValidatorCachingContract(contract));
    this.tokens = tokens;
  }

  /** Finds the operation, checks the bearer token when the operation needs one, then validates. */
  @Override
  public void handle(RoutingContext ctx) {
    Operation operation =
        addressedOperation(
            ctx, contract, ApiError.notFound("no API operation at " + ctx.request().path() + ";"));
    if (operation == null) {
      return;
    }
    // "security: []" on an operation makes it public; every other operation needs a bearer token
    var security = operation.getOpenAPIModel().getValue("security");
    boolean isPublic = security instanceof JsonArray a && a.isEmpty();
    Future<Void> authenticated = isPublic ? Future.succeededFuture() : authenticate(ctx, operation);
    if (bodyCheckedByHandler(operation)) {
      authenticated.onSuccess(v -> ctx.next()).onFailure(ctx::fail);
      return;
    }
    authenticated
        .compose(v -> extract(ctx, operation))
        .compose(request -> validator.validate(request, operation.getOperationId()))
        .onSuccess(
            validated -> {
              ApiError badText = TextInput.firstProblem(validated);
              if (badText != null) {
                ctx.fail(badText);
                return;
              }
              ctx.put(ApiRequests.VALIDATED_KEY, validated);
              ctx.next();
            })
        .onFailure(e -> ctx.fail(e instanceof ValidatorException ve ? invalid(ve) : e));
  }

  private static boolean bodyCheckedByHandler(Operation operation) {
    return Boolean.TRUE.equals(operation.getOpenAPIModel().getValue(BODY_CHECKED_BY_HANDLER));
  }

  /**
   * The operation the request addresses; none (after failing the request with {@code notFound}, or
   * 405 when the path is known but not the method) answers null.
   */
  public static Operation addressedOperation(
      RoutingContext ctx, OpenAPIContract contract, ApiError notFound) {
    String path = ctx.request().path();
    Operation operation = contract.findOperation(path, ctx.request().method());
    if (operation == null) {
      ctx.fail(
          contract.findPath(path) == null
              ? notFound
              : new ApiError(
                  405,
                  "METHOD_NOT_ALLOWED",
                  ctx.request().method() + " is not allowed on " + path,
                  null));
    }
    return operation;
  }

  /** The request's parameters and body (empty when none came) as {@code operation} reads them. */
  public static Future<ValidatableRequest> extract(RoutingContext ctx, Operation operation) {
    return RequestUtils.extract(
        ctx.request(),
        operation,
        () ->
            Future.succeededFuture(
                ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer()));
  }

  /**
   * Checks the bearer token. Operations marked {@code x-token-in-query: true} in the document
   * (event streams, which browsers open without headers) also take it as the {@code access_token}
   * parameter.
   */
  private Future<Void> authenticate(RoutingContext ctx, Operation operation) {
    String header = ctx.request().getHeader("Authorization");
    String token;
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      token = header.substring(7).trim();
    } else if (Boolean.TRUE.equals(operation.getOpenAPIModel().getValue(TOKEN_IN_QUERY))
        && ctx.request().getParam("access_token") != null) {
      token = ctx.request().getParam("access_token");
    } else {
      return Future.failedFuture(
          ApiError.unauthenticated("log in first: send Authorization: Bearer <token>"));
    }
    return tokens
        .authenticate(token)
        .map(
            caller -> {
              ctx.put(ApiRequests.CALLER_KEY, caller);
              ctx.put(ApiRequests.TOKEN_KEY, token);
              return null;
            });
  }

  private static ApiError invalid(ValidatorException e) {
    String field = null;
    if (e instanceof SchemaValidationException sve && sve.getOutputUnit() != null) {
      field =
          fieldOf(
              sve.getOutputUnit().getErrors() == null || sve.getOutputUnit().getErrors().isEmpty()
                  ? sve.getOutputUnit().getInstanceLocation()
                  : sve.getOutputUnit()
                      .getErrors()
                      .get(sve.getOutputUnit().getErrors().size() - 1)
                      .getInstanceLocation());
    }
    return ApiError.badRequest("INVALID_REQUEST", e.getMessage(), field);
  }

  /** {@code #/readings/3/sequence} -> {@code readings[3].sequence}; null for the whole body. */
  static String fieldOf(String instanceLocation) {
    if (instanceLocation == null) {
      return null;
    }
    String s = instanceLocation.replaceFirst("^#?/?", "");
    if (s.isEmpty()) {
      return null;
    }
    StringBuilder out = new StringBuilder();
    for (String part : s.split("/")) {
      if (part.matches("\\d+")) {
        out.append('[').append(part).append(']');
      } else {
        out.append(out.length() == 0 ? "" : ".").append(part);
      }
    }
    return out.toString();
  }
}
