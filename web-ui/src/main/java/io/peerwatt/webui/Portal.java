package io.peerwatt.webui;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
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

  /** Where a request keeps its viewer (set by {@link LoginPages#readSession}). */
  static final String VIEWER = "viewer";

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
    LoginPages login = new LoginPages(this, api, forwarding, sessions);
    router
        .route("/webjars/*")
        .handler(StaticHandler.create("META-INF/resources/webjars").setCachingEnabled(true));
    router.route("/static/*").handler(StaticHandler.create("webroot/static"));
    router.route().handler(login::readSession);
    router.route().handler(this::sameOrigin);
    router.post().handler(BodyHandler.create().setBodyLimit(64 * 1024));
    router.get("/").handler(login::home);
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
                        LoginPages.next(ctx.request().getParam("next")))));
    router.post("/login").handler(login::login);
    router.post("/logout").handler(login::logout);
    router.route().handler(login::requireViewer);
    router.get("/live").handler(this::live);
    new ProofPages(this, api).mount(router);
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

  /**
   * The API path of a bundle, or null when {@code kind}/{@code ref} are not a valid item reference.
   */
  static String proofPath(String kind, String ref) {
    return ProofPages.proofPath(kind, ref);
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
