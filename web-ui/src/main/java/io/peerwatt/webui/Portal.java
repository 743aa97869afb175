package io.peerwatt.webui;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The portal: server-rendered pages (jte templates, htmx for interaction) built from the platform's
 * HTTP API with the viewer's own token, so the portal can show nothing the API would not give that
 * viewer. Mounted at {@code /} by the platform.
 */
public final class Portal {
  private static final Logger log = LoggerFactory.getLogger(Portal.class);

  /** The session cookie: its value is the viewer's login token. */
  public static final String SESSION_COOKIE = "pw_session";

  /** The authorization endpoint of data sharing, which sends a household without session here. */
  private static final String OAUTH_AUTHORIZE = "/oauth/authorize";

  private static final String VIEWER = "viewer";
  private static final String SESSION_REFUSED = "sessionRefused";

  /**
   * How the portal keeps its session cookie.
   *
   * @param secureCookie whether the cookie carries {@code Secure} on every connection (config
   *     {@code http.secure-cookie}; on by default outside loopback)
   * @param overTls whether the browser reached the platform over TLS, itself or through a trusted
   *     proxy: then the cookie carries {@code Secure} whatever {@code secureCookie} says
   * @param check whether a session's token is still good (signature, expiry, not logged out); a
   *     refused one answers 401 and the cookie is dropped
   */
  public record Sessions(
      boolean secureCookie,
      Predicate<RoutingContext> overTls,
      Function<String, Future<Boolean>> check) {
    /**
     * Sessions for a portal in front of an API on the same machine over plain HTTP, in tests: the
     * token's claims are read, and the API checks the token on each call.
     */
    public static final Sessions TRUSTING =
        new Sessions(false, ctx -> ctx.request().isSSL(), token -> Future.succeededFuture(true));
  }

  private final TemplateEngine templates = TemplateEngine.createPrecompiled(ContentType.Html);
  private final ApiClient api;
  private final Clock clock;
  private final Function<RoutingContext, Map<String, String>> forwarding;
  private final Sessions sessions;

  private Portal(
      ApiClient api,
      Clock clock,
      Function<RoutingContext, Map<String, String>> forwarding,
      Sessions sessions) {
    this.api = api;
    this.clock = clock;
    this.forwarding = forwarding;
    this.sessions = sessions;
  }

  /**
   * @param apiBase the API this portal reads, e.g. {@code http://127.0.0.1:8080/api/v1}
   * @param clock the platform's time (the demo's accelerated one in the demo): what "now" and
   *     "today" are on every page
   */
  public static Router router(Vertx vertx, Supplier<URI> apiBase, Clock clock) {
    return router(vertx, apiBase, clock, ctx -> Map.of(), Sessions.TRUSTING);
  }

  /**
   * @param forwarding the headers with which the portal tells the API who the browser is on a login
   *     (its address, whether it came over TLS, and the proof that the portal says so), so the
   *     API's login limiter counts each browser, not the portal's loopback address
   * @param sessions how the session cookie is set and its token checked
   */
  public static Router router(
      Vertx vertx,
      Supplier<URI> apiBase,
      Clock clock,
      Function<RoutingContext, Map<String, String>> forwarding,
      Sessions sessions) {
    return new Portal(
            new ApiClient(vertx, apiBase, ApiClient.MAX_LIVE_STREAMS), clock, forwarding, sessions)
        .routes(vertx);
  }

  /**
   * @param maxLiveStreams {@code /live} streams relayed at once; more are refused with 503
   */
  static Router router(Vertx vertx, Supplier<URI> apiBase, Clock clock, int maxLiveStreams) {
    return new Portal(
            new ApiClient(vertx, apiBase, maxLiveStreams),
            clock,
            ctx -> Map.of(),
            Sessions.TRUSTING)
        .routes(vertx);
  }

  /** The platform's time. */
  Clock clock() {
    return clock;
  }

  /** The viewer's zone (or {@code code}'s), UTC and euros when it cannot be read. */
  Future<ZoneView> zone(Viewer viewer, String code) {
    if (code == null || code.isBlank()) {
      return Future.succeededFuture(ZoneView.of(new JsonObject()));
    }
    return api.get("/zones/" + Forms.urlEncode(code), viewer)
        .map(a -> ZoneView.of(a.ok() ? a.object() : new JsonObject().put("code", code)));
  }

  private Router routes(Vertx vertx) {
    Router router = Router.router(vertx);
    router
        .route("/webjars/*")
        .handler(StaticHandler.create("META-INF/resources/webjars").setCachingEnabled(true));
    router.route("/static/*").handler(StaticHandler.create("webroot/static"));
    router.route().handler(this::readSession);
    router.route().handler(this::sameOrigin);
    router.post().handler(BodyHandler.create().setBodyLimit(64 * 1024));
    router.get("/").handler(this::home);
    router
        .get("/login")
        .handler(
            ctx ->
                render(
                    ctx,
                    200,
                    "login.jte",
                    Map.of(
                        "error",
                        "",
                        "username",
                        "",
                        "next",
                        next(ctx.request().getParam("next")))));
    router.post("/login").handler(this::login);
    router.post("/logout").handler(this::logout);
    router.route().handler(this::requireViewer);
    router.get("/live").handler(this::live);
    router.get("/proofs").handler(this::proofs);
    router.get("/proofs/download").handler(this::downloadProof);
    Router prosumer = Router.router(vertx);
    new ProsumerPages(this, api).mount(prosumer);
    FlexPages flex = new FlexPages(this, api);
    flex.mountHousehold(prosumer);
    router
        .route("/*")
        .handler(
            ctx -> {
              if (isProsumerPath(ctx.normalizedPath()) && !viewer(ctx).isProsumer()) {
                error(ctx, 403, "Not for your role", "These pages are for prosumers.");
              } else {
                ctx.next();
              }
            });
    router.route("/*").subRouter(prosumer);
    Router staff = Router.router(vertx);
    new StaffPages(this, api).mount(staff);
    new OperatorPages(this, api).mount(staff);
    new DataApplicationPages(this, api).mount(staff);
    flex.mountGrid(staff);
    router
        .route("/operator*")
        .handler(
            ctx -> {
              if (viewer(ctx).isOperator()) {
                ctx.next();
              } else {
                error(ctx, 403, "Not for your role", "The operations console is for operators.");
              }
            });
    router
        .route("/utility*")
        .handler(
            ctx -> {
              if (viewer(ctx).isUtility() || viewer(ctx).isOperator()) {
                ctx.next();
              } else {
                error(
                    ctx,
                    403,
                    "Not for your role",
                    "Settlement reports are for utilities and operators.");
              }
            });
    router.route("/*").subRouter(staff);
    Router thirdParty = Router.router(vertx);
    new ThirdPartyPages(this, api).mount(thirdParty);
    router
        .route(ThirdPartyPages.PATH + "*")
        .handler(
            ctx -> {
              if (viewer(ctx).isThirdParty()) {
                ctx.next();
              } else {
                error(ctx, 403, "Not for your role", "The data console is for third parties.");
              }
            });
    router.route("/*").subRouter(thirdParty);
    router
        .route()
        .last()
        .handler(
            ctx ->
                error(
                    ctx,
                    404,
                    "Page not found",
                    "There is no page at " + ctx.normalizedPath() + "."));
    router.route().failureHandler(this::failure);
    return router;
  }

  /**
   * The viewer of a session cookie whose token is still good; a cookie whose token is forged,
   * expired or logged out is dropped, and the pages that need a viewer answer 401.
   */
  private void readSession(RoutingContext ctx) {
    Cookie cookie = ctx.request().getCookie(SESSION_COOKIE);
    Viewer viewer = cookie == null ? null : Viewer.fromToken(cookie.getValue());
    if (cookie == null || cookie.getValue().isEmpty()) {
      ctx.next();
      return;
    }
    if (viewer == null) {
      refuseSession(ctx);
      ctx.next();
      return;
    }
    sessions
        .check()
        .apply(viewer.token())
        .otherwise(false)
        .onSuccess(
            good -> {
              if (good) {
                ctx.put(VIEWER, viewer);
              } else {
                refuseSession(ctx);
              }
              ctx.next();
            });
  }

  private void refuseSession(RoutingContext ctx) {
    ctx.put(SESSION_REFUSED, true);
    ctx.response().addCookie(sessionCookie(ctx, "").setMaxAge(0));
  }

  /**
   * The session cookie: script cannot read it, no other site's request carries it, and it goes only
   * over TLS when the browser came over TLS or the configuration asks for it.
   */
  private Cookie sessionCookie(RoutingContext ctx, String token) {
    return Cookie.cookie(SESSION_COOKIE, token)
        .setHttpOnly(true)
        .setSameSite(CookieSameSite.STRICT)
        .setSecure(sessions.secureCookie() || sessions.overTls().test(ctx))
        .setPath("/");
  }

  /** The login page with 401: the session's token was refused (logged out, expired). */
  private void sessionEnded(RoutingContext ctx) {
    render(
        ctx,
        401,
        "login.jte",
        Map.of("error", "Your session has ended. Log in again.", "username", ""));
  }

  /**
   * Refuses a state-changing request that another site had the browser send (CSRF): its {@code
   * Origin}, or without one its {@code Referer}, must name the very host and port the browser
   * addressed. {@code SameSite=Strict} alone lets a sibling port or subdomain of the same site
   * through; browsers send {@code Origin} with every form and htmx POST.
   */
  private void sameOrigin(RoutingContext ctx) {
    HttpMethod method = ctx.request().method();
    if (HttpMethod.GET.equals(method)
        || HttpMethod.HEAD.equals(method)
        || HttpMethod.OPTIONS.equals(method)) {
      ctx.next();
      return;
    }
    String origin = ctx.request().getHeader(HttpHeaders.ORIGIN);
    String source = origin != null ? origin : ctx.request().getHeader(HttpHeaders.REFERER);
    HostAndPort addressed = ctx.request().authority();
    String host =
        addressed == null
            ? null
            : withoutDefaultPort(
                addressed.port() < 0
                    ? addressed.host()
                    : addressed.host() + ":" + addressed.port());
    if (host != null && host.equalsIgnoreCase(authority(source))) {
      ctx.next();
      return;
    }
    log.warn(
        "Refused a {} {} to {} from another origin ({})",
        method,
        ctx.normalizedPath(),
        host,
        source == null ? "no Origin or Referer" : source);
    error(
        ctx,
        403,
        "Sent from another site",
        "This form was not sent from this portal's own page. Open the page here and try again.");
  }

  /** The host and port of {@code url} (no port when it is the scheme's default), or null. */
  static String authority(String url) {
    if (url == null) {
      return null;
    }
    try {
      URI u = new URI(url);
      if (u.getHost() == null || !("http".equals(u.getScheme()) || "https".equals(u.getScheme()))) {
        return null;
      }
      int port = u.getPort();
      boolean defaultPort =
          port == -1
              || ("http".equals(u.getScheme()) && port == 80)
              || ("https".equals(u.getScheme()) && port == 443);
      return defaultPort ? u.getHost() : u.getHost() + ":" + port;
    } catch (URISyntaxException e) {
      return null;
    }
  }

  private static String withoutDefaultPort(String host) {
    if (host == null) {
      return null;
    }
    return host.endsWith(":80") || host.endsWith(":443")
        ? host.substring(0, host.lastIndexOf(':'))
        : host;
  }

  static Viewer viewer(RoutingContext ctx) {
    return ctx.get(VIEWER);
  }

  private void home(RoutingContext ctx) {
    Viewer viewer = viewer(ctx);
    if (viewer == null && ctx.get(SESSION_REFUSED) != null) {
      sessionEnded(ctx);
    } else if (viewer == null) {
      render(ctx, 200, "login.jte", Map.of("error", "", "username", ""));
    } else {
      Forms.seeOther(ctx, viewer.home());
    }
  }

  private void login(RoutingContext ctx) {
    String username = ctx.request().getFormAttribute("username");
    String password = ctx.request().getFormAttribute("password");
    String next = next(ctx.request().getFormAttribute("next"));
    if (username == null || username.isBlank() || password == null || password.isEmpty()) {
      render(
          ctx,
          400,
          "login.jte",
          Map.of(
              "error",
              "Enter your username and password.",
              "username",
              Forms.orEmpty(username),
              "next",
              next));
      return;
    }
    api.post(
            "/auth/login",
            null,
            new JsonObject().put("username", username.strip()).put("password", password),
            forwarding.apply(ctx))
        .onSuccess(
            answer -> {
              String token = answer.object().getString("token");
              Viewer viewer = Viewer.fromToken(token);
              if (answer.ok() && viewer != null) {
                ctx.response().addCookie(sessionCookie(ctx, token));
                Forms.seeOther(ctx, next.isEmpty() ? viewer.home() : next);
              } else if (answer.status() == 429) {
                render(
                    ctx,
                    429,
                    "login.jte",
                    Map.of(
                        "error",
                        "Too many attempts. Wait a minute, then try again.",
                        "username",
                        username,
                        "next",
                        next));
              } else {
                render(
                    ctx,
                    401,
                    "login.jte",
                    Map.of(
                        "error",
                        "Wrong username or password.",
                        "username",
                        username,
                        "next",
                        next));
              }
            })
        .onFailure(ctx::fail);
  }

  /**
   * Where a login continues: an OAuth authorization request on this platform (a third party's
   * application sent the household here), or nowhere ({@code ""}); any other target is dropped, so
   * the login form cannot send anyone to another site.
   */
  static String next(String target) {
    return target != null && target.startsWith(OAUTH_AUTHORIZE + "?") && !target.contains("\\")
        ? target
        : "";
  }

  /**
   * Logout: the API revokes the session's token (so a copy of the cookie is refused from now on),
   * then the browser drops the cookie. A refused revocation (the token already dead) still logs
   * out.
   */
  private void logout(RoutingContext ctx) {
    Viewer viewer = viewer(ctx);
    Future<?> revoked =
        viewer == null
            ? Future.succeededFuture()
            : api.post("/auth/logout", viewer, null)
                .onSuccess(
                    answer -> {
                      if (answer.status() != 204) {
                        log.warn(
                            "The API did not revoke {}'s token at logout: {} {}",
                            viewer.username(),
                            answer.status(),
                            answer.message());
                      }
                    });
    revoked.onComplete(
        ar -> {
          if (ar.failed()) {
            ctx.fail(ar.cause());
            return;
          }
          ctx.response().addCookie(sessionCookie(ctx, "").setMaxAge(0));
          Forms.seeOther(ctx, "/");
        });
  }

  private void requireViewer(RoutingContext ctx) {
    if (viewer(ctx) == null && ctx.get(SESSION_REFUSED) != null) {
      sessionEnded(ctx);
    } else if (viewer(ctx) == null) {
      Forms.seeOther(ctx, "/login");
    } else {
      ctx.next();
    }
  }

  /**
   * The in-browser verifier. With {@code kind} and {@code ref} it loads that item's bundle from the
   * API into the form. The platform key is offered as the platform publishes it; the person can
   * replace it with a key obtained elsewhere.
   */
  private void proofs(RoutingContext ctx) {
    Viewer viewer = viewer(ctx);
    String kind = ctx.request().getParam("kind");
    String ref = ctx.request().getParam("ref");
    String path = proofPath(kind, ref);
    Future<ApiClient.Answer> key = api.get("/chain/platform-key", viewer);
    Future<ZoneView> zone = zone(viewer, viewer.zone());
    Future<ApiClient.Answer> bundle =
        path == null
            ? Future.succeededFuture(new ApiClient.Answer(204, null, ""))
            : api.get(path, viewer);
    Future.join(key, bundle, zone)
        .onComplete(
            x -> {
              String platformKey =
                  key.succeeded() && key.result().ok()
                      ? key.result().object().getString("publicKey", "")
                      : "";
              String bundleText = "";
              String notice = "";
              if (path != null && bundle.succeeded() && bundle.result().ok()) {
                bundleText = bundle.result().object().encodePrettily();
              } else if (path != null) {
                int status = bundle.succeeded() ? bundle.result().status() : 502;
                notice =
                    status == 409
                        ? "That item is anchored, but its block is not mined yet: try again in a minute."
                        : status == 404
                            ? "That item is not anchored yet (slots are anchored after their grace window,"
                                + " enrolments once the quarter-hour they were made in has ended)."
                            : status == 403
                                ? "That item belongs to another account."
                                : "The bundle could not be loaded.";
              }
              Map<String, Object> params = new java.util.HashMap<>();
              params.put("platformKey", platformKey);
              params.put("bundle", bundleText);
              params.put("notice", notice);
              params.put(
                  "download", path == null || !bundleText.isEmpty() ? downloadLink(kind, ref) : "");
              params.put("timeZone", zone.succeeded() ? zone.result().timeZone().getId() : "UTC");
              params.put("currency", zone.succeeded() ? zone.result().currency() : "EUR");
              render(ctx, 200, "proofs.jte", params);
            });
  }

  /** A bundle file to keep: the API's JSON, served as a download. */
  private void downloadProof(RoutingContext ctx) {
    String kind = ctx.request().getParam("kind");
    String ref = ctx.request().getParam("ref");
    String path = proofPath(kind, ref);
    if (path == null) {
      error(
          ctx,
          400,
          "Unknown proof",
          "Proofs exist for readings, trades, statements, reports and device enrolments.");
      return;
    }
    api.download(path, viewer(ctx))
        .onSuccess(
            r -> {
              if (r.statusCode() != 200) {
                error(
                    ctx,
                    r.statusCode() == 403 ? 403 : 404,
                    "No proof",
                    "That proof is not available to you (yet).");
                return;
              }
              ctx.response()
                  .putHeader("content-type", "application/json")
                  .putHeader(
                      "content-disposition",
                      "attachment; filename=\"peerwatt-" + kind + "-proof.json\"")
                  .end(r.body());
            })
        .onFailure(ctx::fail);
  }

  /**
   * The API path of a bundle, or null when {@code kind}/{@code ref} are not a valid item reference.
   */
  static String proofPath(String kind, String ref) {
    if (kind == null
        || ref == null
        || !ref.matches("[A-Za-z0-9/_:-]{1,120}")
        || ref.contains("..")) {
      return null;
    }
    return switch (kind) {
      case "reading", "trade" -> "/proofs/" + kind + "s/" + ref;
      case "statement" -> statementProofPath(ref);
      case "report" -> ref.matches("[0-9a-f]{64}") ? "/proofs/reports/" + ref : null;
      // an enrolment is asked for by its device id: the API answers the device's newest anchored
      // certificate
      case "enrolment" -> ref.matches("[0-9]{1,19}") ? "/proofs/enrolments/" + ref : null;
      case "consent" ->
          ref.matches("[0-9]{1,19}/(granted|revoked)") ? "/proofs/consents/" + ref : null;
      default -> null;
    };
  }

  /**
   * A statement's reference as the API's path, which names the slot by its ISO start ({@code
   * 2026-11-25T10:00Z}): {@code account/zone/slot/version} with the slot either so (the portal's
   * pages) or in epoch seconds (an anchored item's reference).
   */
  private static String statementProofPath(String ref) {
    String[] part = ref.split("/");
    if (part.length != 4
        || !part[0].matches("[0-9]{1,19}")
        || !part[1].matches("[A-Z0-9][A-Z0-9-]{0,31}")
        || !part[3].matches("[0-9]{1,9}")) {
      return null;
    }
    String slot;
    if (part[2].matches("[0-9]{1,12}")) {
      slot =
          DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm'Z'")
              .withZone(ZoneOffset.UTC)
              .format(Instant.ofEpochSecond(Long.parseLong(part[2])));
    } else if (part[2].matches("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}Z")) {
      slot = part[2];
    } else {
      return null;
    }
    return "/proofs/statements/" + part[0] + "/" + part[1] + "/" + slot + "/" + part[3];
  }

  private static String downloadLink(String kind, String ref) {
    return kind == null ? "" : "/proofs/download?kind=" + kind + "&ref=" + ref;
  }

  /**
   * The API's live stream, relayed with the viewer's token (browsers cannot set headers on
   * EventSource). Streams are bounded so they cannot use up the portal's connections; beyond the
   * bound a view gets a 503 and its page simply stops updating live.
   */
  private void live(RoutingContext ctx) {
    if (!api.relay("/stream", viewer(ctx), ctx.response())) {
      log.warn("Refused a live view: {} are open already", api.maxStreams());
      ctx.response().putHeader("retry-after", "60");
      error(
          ctx,
          503,
          "Too many live views",
          "The portal is relaying as many live views as it can."
              + " Pages still work; reload in a minute for live updates.");
    }
  }

  private static boolean isProsumerPath(String path) {
    for (String p :
        new String[] {
          "/dashboard",
          "/market",
          "/statements",
          "/devices",
          "/channels",
          "/data",
          "/share",
          "/flex"
        }) {
      if (path.equals(p) || path.startsWith(p + "/")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Renders {@code template} with the parameters {@code params} come to, or fails {@code ctx} with
   * what kept them from coming.
   */
  void render(RoutingContext ctx, int status, String template, Future<Map<String, Object>> params) {
    params.onSuccess(p -> render(ctx, status, template, p)).onFailure(ctx::fail);
  }

  void render(RoutingContext ctx, int status, String template, Map<String, Object> params) {
    StringOutput out = new StringOutput();
    Map<String, Object> all = new java.util.HashMap<>(params);
    all.putIfAbsent("viewer", viewer(ctx));
    all.putIfAbsent("path", ctx.normalizedPath());
    try {
      templates.render(template, all, out);
    } catch (RuntimeException e) {
      // a page that cannot be drawn is a server error, shown as one, never a hung request
      log.error("Template {} failed for {}", template, ctx.normalizedPath(), e);
      if (!template.equals("error.jte")) {
        error(
            ctx,
            500,
            "Something went wrong",
            "The page could not be shown. Try again in a moment.");
      } else {
        ctx.response().setStatusCode(500).end("Internal error");
      }
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("content-type", "text/html; charset=utf-8")
        .putHeader("cache-control", "no-store")
        .end(out.toString());
  }

  void error(RoutingContext ctx, int status, String title, String message) {
    render(ctx, status, "error.jte", Map.of("status", status, "title", title, "message", message));
  }

  private void failure(RoutingContext ctx) {
    int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
    if (status >= 500) {
      log.warn("Portal page {} failed", ctx.normalizedPath(), ctx.failure());
    }
    error(
        ctx,
        status,
        status == 403 ? "Not yours" : "Something went wrong",
        status == 403
            ? "This page belongs to another account."
            : "The page could not be shown. Try again in a moment.");
  }
}
