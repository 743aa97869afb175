package io.peerwatt.trading.openadr;

import io.peerwatt.http.ApiError;
import io.peerwatt.http.ApiGate;
import io.peerwatt.http.ApiResponses;
import io.peerwatt.http.Blocking;
import io.peerwatt.http.ValidatorCachingContract;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.ValidatedRequest;
import io.vertx.openapi.validation.ValidatorException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenADR 3.1.0 VTN's HTTP side, mounted at {@link VtnContract#BASE_PATH}: {@code /auth/token}
 * (client credentials, form body or HTTP Basic) and {@code /auth/server}; then, for every other
 * operation of the document, the bearer token, the operation's scope and the request's validation
 * against the document before the handler; programs, events, reports, subscriptions, vens and
 * resources; {@code /notifiers} (webhooks only: the MQTT topic operations answer 404). Every error
 * is a {@code problem} body.
 */
public final class VtnRoutes {
  private static final Logger log = LoggerFactory.getLogger(VtnRoutes.class);
  private static final String CALLER_KEY = "peerwatt.vtn.caller";
  private static final String VALIDATED_KEY = "peerwatt.vtn.validated";

  /** The collections and their path parameter. */
  private static final Map<String, ObjectType> COLLECTIONS =
      Map.of(
          "programs", ObjectType.PROGRAM,
          "events", ObjectType.EVENT,
          "reports", ObjectType.REPORT,
          "subscriptions", ObjectType.SUBSCRIPTION,
          "vens", ObjectType.VEN,
          "resources", ObjectType.RESOURCE);

  private static final Map<ObjectType, String> ID_PARAMS =
      Map.of(
          ObjectType.PROGRAM, "programID",
          ObjectType.EVENT, "eventID",
          ObjectType.REPORT, "reportID",
          ObjectType.SUBSCRIPTION, "subscriptionID",
          ObjectType.VEN, "venID",
          ObjectType.RESOURCE, "resourceID");

  private final OpenAPIContract contract;
  private final RequestValidator validator;
  private final VtnTokens tokens;
  private final VtnClients clients;
  private final VtnObjects objects;
  private final Blocking blocking;

  public VtnRoutes(
      Vertx vertx,
      OpenAPIContract contract,
      VtnTokens tokens,
      VtnClients clients,
      VtnObjects objects,
      Blocking blocking) {
    this.contract = contract;
    this.validator = RequestValidator.create(vertx, new ValidatorCachingContract(contract));
    this.tokens = tokens;
    this.clients = clients;
    this.objects = objects;
    this.blocking = blocking;
  }

  /** The VTN's router; mount it with {@code root.route(BASE_PATH + "/*").subRouter(router)}. */
  public Router router(Vertx vertx, int bodyLimitBytes) {
    Router vtn = Router.router(vertx);
    vtn.route().handler(BodyHandler.create(false).setBodyLimit(bodyLimitBytes));
    vtn.post("/auth/token").handler(this::token);
    vtn.get("/auth/server").handler(this::authServer);
    vtn.route().handler(this::gate);
    for (Map.Entry<String, ObjectType> c : COLLECTIONS.entrySet()) {
      ObjectType type = c.getValue();
      String item = "/" + c.getKey() + "/:" + ID_PARAMS.get(type);
      vtn.get("/" + c.getKey()).handler(ctx -> search(ctx, type));
      vtn.post("/" + c.getKey()).handler(ctx -> create(ctx, type));
      vtn.get(item).handler(ctx -> find(ctx, type));
      vtn.put(item).handler(ctx -> update(ctx, type));
      vtn.delete(item).handler(ctx -> delete(ctx, type));
    }
    vtn.get("/notifiers").handler(ctx -> json(ctx, 200, new JsonObject().put("WEBHOOK", true)));
    vtn.get("/notifiers/mqtt/*")
        .handler(
            ctx ->
                ctx.fail(
                    new ApiError(
                        404,
                        "NOT_FOUND",
                        "this VTN notifies by webhook only: it has no MQTT broker",
                        null)));
    vtn.route().failureHandler(VtnRoutes::problem);
    return vtn;
  }

  /**
   * The operation the request addresses; its bearer token and scope; then the request validated
   * against the document.
   */
  private void gate(RoutingContext ctx) {
    Operation operation =
        ApiGate.addressedOperation(
            ctx,
            contract,
            new ApiError(
                404, "NOT_FOUND", "no OpenADR operation at " + ctx.request().path(), null));
    if (operation == null) {
      return;
    }
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      ctx.fail(ApiError.unauthenticated("send Authorization: Bearer <token> (POST /auth/token)"));
      return;
    }
    tokens
        .authenticate(header.substring(7).trim())
        .compose(
            caller -> {
              Set<String> needed = scopesOf(operation);
              if (!needed.isEmpty() && needed.stream().noneMatch(caller::allows)) {
                return Future.failedFuture(
                    ApiError.forbidden(
                        operation.getOperationId()
                            + " needs the scope "
                            + String.join(" or ", needed)));
              }
              ctx.put(CALLER_KEY, caller);
              return ApiGate.extract(ctx, operation);
            })
        .compose(request -> validator.validate(request, operation.getOperationId()))
        .onSuccess(
            validated -> {
              ctx.put(VALIDATED_KEY, validated);
              ctx.next();
            })
        .onFailure(
            e ->
                ctx.fail(
                    e instanceof ValidatorException ve
                        ? ApiError.badRequest("INVALID_REQUEST", ve.getMessage(), null)
                        : e));
  }

  /**
   * The scopes of the operation's oAuth2ClientCredentials requirement (any one of them will do).
   */
  private static Set<String> scopesOf(Operation operation) {
    Set<String> scopes = new LinkedHashSet<>();
    Object security = operation.getOpenAPIModel().getValue("security");
    if (security instanceof JsonArray requirements) {
      for (Object r : requirements) {
        if (r instanceof JsonObject requirement
            && requirement.getValue("oAuth2ClientCredentials") instanceof JsonArray named) {
          named.forEach(s -> scopes.add(String.valueOf(s)));
        }
      }
    }
    return scopes;
  }

  private void search(RoutingContext ctx, ObjectType type) {
    VtnCaller caller = ctx.get(CALLER_KEY);
    ValidatedRequest v = ctx.get(VALIDATED_KEY);
    Integer skip = (Integer) query(v, "skip");
    Integer limit = (Integer) query(v, "limit");
    String name =
        switch (type) {
          case VEN -> (String) query(v, "venName");
          case RESOURCE -> (String) query(v, "resourceName");
          default -> null;
        };
    SearchFilter filter =
        new SearchFilter(
            (String) query(v, "programID"),
            (String) query(v, "eventID"),
            (String) query(v, "clientName"),
            name,
            (String) query(v, "venID"),
            targets(ctx),
            objectTypes(ctx),
            (Boolean) query(v, "active"),
            skip == null ? 0 : skip,
            limit == null ? SearchFilter.MAX_LIMIT : limit);
    respond(ctx, 200, blocking.run(() -> objects.search(type, caller, filter)));
  }

  private void create(RoutingContext ctx, ObjectType type) {
    VtnCaller caller = ctx.get(CALLER_KEY);
    JsonObject body = body(ctx);
    respond(ctx, 201, blocking.run(() -> objects.create(type, body, caller)));
  }

  private void find(RoutingContext ctx, ObjectType type) {
    VtnCaller caller = ctx.get(CALLER_KEY);
    String id = ctx.pathParam(ID_PARAMS.get(type));
    respond(ctx, 200, blocking.run(() -> objects.find(type, id, caller)));
  }

  private void update(RoutingContext ctx, ObjectType type) {
    VtnCaller caller = ctx.get(CALLER_KEY);
    String id = ctx.pathParam(ID_PARAMS.get(type));
    JsonObject body = body(ctx);
    respond(ctx, 200, blocking.run(() -> objects.update(type, id, body, caller)));
  }

  private void delete(RoutingContext ctx, ObjectType type) {
    VtnCaller caller = ctx.get(CALLER_KEY);
    String id = ctx.pathParam(ID_PARAMS.get(type));
    respond(ctx, 200, blocking.run(() -> objects.delete(type, id, caller)));
  }

  /**
   * {@code POST /auth/token}: the client credentials grant, the client authenticated by the form's
   * {@code client_id} and {@code client_secret} or by HTTP Basic. Errors carry both the document's
   * {@code problem} and RFC 6749's {@code error}.
   */
  private void token(RoutingContext ctx) {
    var form = ctx.request().formAttributes();
    String grant = form.get("grant_type");
    String clientId = form.get("client_id");
    String secret = form.get("client_secret");
    String basic = ctx.request().getHeader("Authorization");
    if (basic != null && basic.regionMatches(true, 0, "Basic ", 0, 6)) {
      String[] pair = decodeBasic(basic.substring(6).trim());
      if (pair == null) {
        ctx.fail(oauth(400, "invalid_request", "the Basic credentials are malformed"));
        return;
      }
      clientId = pair[0];
      secret = pair[1];
    }
    if (grant == null) {
      ctx.fail(oauth(400, "invalid_request", "grant_type is missing"));
      return;
    }
    if (!grant.equals("client_credentials")) {
      ctx.fail(
          oauth(400, "unsupported_grant_type", "only grant_type=client_credentials is supported"));
      return;
    }
    if (clientId == null
        || secret == null
        || clientId.isEmpty()
        || secret.isEmpty()
        || clientId.length() > 4096
        || secret.length() > 4096) {
      ctx.fail(
          oauth(
              400,
              "invalid_request",
              "client_id and client_secret (1 to 4096 characters) are required"));
      return;
    }
    String scope = form.get("scope");
    Set<String> requested =
        scope == null || scope.isBlank()
            ? Set.of()
            : new LinkedHashSet<>(Arrays.asList(scope.trim().split(" +")));
    String id = clientId;
    String s = secret;
    blocking
        .run(
            () -> {
              try {
                return clients.authenticate(id, s, requested);
              } catch (IllegalArgumentException e) {
                throw oauth(400, "invalid_scope", e.getMessage());
              }
            })
        .onSuccess(
            caller -> {
              if (caller == null) {
                ctx.fail(oauth(401, "invalid_client", "client authentication failed"));
                return;
              }
              json(
                  ctx,
                  200,
                  new JsonObject()
                      .put("access_token", tokens.issue(caller))
                      .put("token_type", "Bearer")
                      .put("expires_in", tokens.lifetime().toSeconds())
                      .put("scope", String.join(" ", caller.scopes())));
            })
        .onFailure(ctx::fail);
  }

  private static String[] decodeBasic(String encoded) {
    try {
      String text = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
      int colon = text.indexOf(':');
      if (colon < 0) {
        return null;
      }
      // RFC 6749 2.3.1: both parts are form-urlencoded before they are joined
      return new String[] {
        URLDecoder.decode(text.substring(0, colon), StandardCharsets.UTF_8),
        URLDecoder.decode(text.substring(colon + 1), StandardCharsets.UTF_8)
      };
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** {@code GET /auth/server}: where tokens are issued, as an absolute URL. */
  private void authServer(RoutingContext ctx) {
    json(ctx, 200, new JsonObject().put("tokenURL", VtnClientRoutes.vtnUrl(ctx) + "/auth/token"));
  }

  /** RFC 6749's error codes, which the token route's refusals carry as their code. */
  private static final Set<String> OAUTH_ERRORS =
      Set.of(
          "invalid_request",
          "invalid_client",
          "invalid_grant",
          "invalid_scope",
          "unauthorized_client",
          "unsupported_grant_type");

  /** An OAuth error (RFC 6749 5.2) that {@link #problem} renders as the document's problem too. */
  private static ApiError oauth(int status, String error, String description) {
    return new ApiError(status, error, description, null);
  }

  private static JsonObject body(RoutingContext ctx) {
    ValidatedRequest v = ctx.get(VALIDATED_KEY);
    if (v.getBody() != null && v.getBody().get() instanceof JsonObject json) {
      return json;
    }
    throw ApiError.badRequest("INVALID_REQUEST", "the request body must be a JSON object", null);
  }

  private static Object query(ValidatedRequest v, String name) {
    RequestParameter p = v.getQuery().get(name);
    return p == null || p.isNull() ? null : p.get();
  }

  /** The {@code targets} query values as sent ({@code target}: 1 to 128 characters). */
  private static List<String> targets(RoutingContext ctx) {
    List<String> targets = ctx.queryParam("targets");
    for (String t : targets) {
      if (t.isEmpty() || t.length() > 128) {
        throw ApiError.badRequest("INVALID_REQUEST", "a target has 1 to 128 characters", "targets");
      }
    }
    return targets;
  }

  /** The {@code objects} query values, each one of the document's objectTypes. */
  private static List<String> objectTypes(RoutingContext ctx) {
    List<String> objects = ctx.queryParam("objects");
    for (String o : objects) {
      try {
        ObjectType.valueOf(o);
      } catch (IllegalArgumentException e) {
        throw ApiError.badRequest(
            "INVALID_REQUEST",
            "objects are among " + Arrays.toString(ObjectType.values()) + ", not " + o,
            "objects");
      }
    }
    return objects;
  }

  private static <T> void respond(RoutingContext ctx, int status, Future<T> future) {
    future.onSuccess(result -> json(ctx, status, result)).onFailure(ctx::fail);
  }

  private static void json(RoutingContext ctx, int status, Object body) {
    String text = body instanceof JsonObject o ? o.encode() : ((JsonArray) body).encode();
    ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(text);
  }

  /** Every failure as the document's {@code problem}: the status, its title and what went wrong. */
  static void problem(RoutingContext ctx) {
    ApiError error = ApiResponses.failureAsError(ctx, log, "VTN");
    if (ctx.response().ended()) {
      return;
    }
    JsonObject body =
        new JsonObject()
            .put("type", "about:blank")
            .put("title", title(error.status()))
            .put("status", error.status())
            .put("detail", error.getMessage());
    if (OAUTH_ERRORS.contains(error.code())) {
      body.put("error", error.code()).put("error_description", error.getMessage());
    }
    ctx.response().setStatusCode(error.status()).putHeader("content-type", "application/json");
    if (error.status() == 401) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
    }
    ctx.response().end(body.encode());
  }

  private static String title(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 409 -> "Conflict";
      case 413 -> "Payload Too Large";
      default -> status >= 500 ? "Internal Server Error" : "Error";
    };
  }
}
