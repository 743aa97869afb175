package io.peerwatt.trading;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.RequestUtils;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's gatekeepers, driven by the OpenAPI document: the operation a request addresses decides
 * whether a bearer token is needed (operations with {@code security: []} are public), and the request is
 * validated against the operation's parameters and body before any handler runs. Also issues tokens and
 * renders every failure as the JSON error body.
 */
final class ApiSecurity {
  private static final Logger log = LoggerFactory.getLogger(ApiSecurity.class);
  private static final String ISSUER = "peerwatt";
  /** Operation extension allowing the token as the {@code access_token} query parameter. */
  static final String TOKEN_IN_QUERY = "x-token-in-query";

  private final OpenAPIContract contract;
  private final RequestValidator validator;
  private final JWTAuth jwt;
  private final Duration tokenLifetime;

  ApiSecurity(Vertx vertx, OpenAPIContract contract, byte[] jwtSecret, Duration tokenLifetime) {
    this.contract = contract;
    this.validator = RequestValidator.create(vertx, new ValidatorCachingContract(contract));
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(Buffer.buffer(jwtSecret)))
        .setJWTOptions(new JWTOptions().setAlgorithm("HS256").setIssuer(ISSUER)));
    this.tokenLifetime = tokenLifetime;
  }

  /** A signed token for {@code caller}, valid for the configured lifetime. */
  String issueToken(Caller caller) {
    JsonObject claims = new JsonObject()
        .put("sub", Long.toString(caller.accountId()))
        .put("username", caller.username())
        .put("role", caller.role().code())
        .put("zone", caller.zoneCode());
    return jwt.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setIssuer(ISSUER)
        .setExpiresInSeconds((int) tokenLifetime.toSeconds()));
  }

  Duration tokenLifetime() {
    return tokenLifetime;
  }

  /** Finds the operation, checks the bearer token when the operation needs one, then validates. */
  void handle(RoutingContext ctx) {
    String path = ctx.request().path();
    Operation operation = contract.findOperation(path, ctx.request().method());
    if (operation == null) {
      ctx.fail(contract.findPath(path) == null
          ? ApiError.notFound("no API operation at " + path + ";")
          : new ApiError(405, "METHOD_NOT_ALLOWED", ctx.request().method() + " is not allowed on " + path, null));
      return;
    }
    // "security: []" on an operation makes it public; every other operation needs a bearer token
    var security = operation.getOpenAPIModel().getValue("security");
    boolean isPublic = security instanceof io.vertx.core.json.JsonArray a && a.isEmpty();
    Future<Void> authenticated = isPublic ? Future.succeededFuture() : authenticate(ctx, operation);
    authenticated
        .compose(v -> RequestUtils.extract(ctx.request(), operation,
            () -> Future.succeededFuture(ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer())))
        .compose(request -> validator.validate(request, operation.getOperationId()))
        .onSuccess(validated -> {
          ctx.put(ApiContext.VALIDATED_KEY, validated);
          ctx.next();
        })
        .onFailure(e -> ctx.fail(e instanceof ValidatorException ve ? invalid(ve) : e));
  }

  /**
   * Checks the bearer token. Operations marked {@code x-token-in-query: true} in the document (event
   * streams, which browsers open without headers) also take it as the {@code access_token} parameter.
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
      return Future.failedFuture(ApiError.unauthenticated("log in first: send Authorization: Bearer <token>"));
    }
    return jwt.authenticate(new TokenCredentials(token))
        .recover(e -> Future.failedFuture(ApiError.unauthenticated("the token is invalid or expired")))
        .compose(user -> {
          Caller caller = toCaller(user);
          if (caller == null) {
            return Future.failedFuture(ApiError.unauthenticated("the token is invalid"));
          }
          ctx.put(ApiContext.CALLER_KEY, caller);
          return Future.succeededFuture();
        });
  }

  private static Caller toCaller(User user) {
    JsonObject p = user.principal();
    Role role = Role.ofCode(p.getString("role", ""));
    String sub = p.getString("sub");
    if (role == null || sub == null || !ISSUER.equals(p.getString("iss"))) {
      return null;
    }
    try {
      return new Caller(Long.parseLong(sub), p.getString("username"), role, p.getString("zone"));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static ApiError invalid(ValidatorException e) {
    String field = null;
    if (e instanceof SchemaValidationException sve && sve.getOutputUnit() != null) {
      field = fieldOf(sve.getOutputUnit().getErrors() == null || sve.getOutputUnit().getErrors().isEmpty()
          ? sve.getOutputUnit().getInstanceLocation()
          : sve.getOutputUnit().getErrors().get(sve.getOutputUnit().getErrors().size() - 1).getInstanceLocation());
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

  /** The failure handler: known refusals as their JSON error, everything else as a bare 500. */
  static void renderFailure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    ApiError error;
    if (failure instanceof ApiError e) {
      error = e;
    } else if (failure == null && ctx.statusCode() == 413) {
      error = new ApiError(413, "BODY_TOO_LARGE", "the request body is larger than allowed", null);
    } else if (failure == null && ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      error = new ApiError(ctx.statusCode(), "BAD_REQUEST", "the request cannot be processed", null);
    } else {
      log.error("API request {} {} failed", ctx.request().method(), ctx.request().path(), failure);
      error = new ApiError(500, "INTERNAL", "internal error; the platform log has the details", null);
    }
    if (ctx.response().ended()) {
      return;
    }
    JsonObject body = new JsonObject().put("error", error.code()).put("message", error.getMessage())
        .put("field", error.field());
    ctx.response().setStatusCode(error.status()).putHeader("content-type", "application/json");
    if (error.status() == 401) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
    }
    if (error.retryAfterSeconds() > 0) {
      ctx.response().putHeader("Retry-After", Long.toString(error.retryAfterSeconds()));
    }
    ctx.response().end(body.encode());
  }
}
