package io.peerwatt.webui;

import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The portal's session: the cookie that carries the viewer's login token, read on each request, and
 * the home, login and logout pages that set and drop it.
 */
final class LoginPages {
  private static final Logger log = LoggerFactory.getLogger(LoginPages.class);

  /** The authorization endpoint of data sharing, which sends a household without session here. */
  private static final String OAUTH_AUTHORIZE = "/oauth/authorize";

  private static final String SESSION_REFUSED = "sessionRefused";

  private final Portal portal;
  private final ApiClient api;
  private final Function<RoutingContext, Map<String, String>> forwarding;
  private final Portal.Sessions sessions;

  LoginPages(
      Portal portal,
      ApiClient api,
      Function<RoutingContext, Map<String, String>> forwarding,
      Portal.Sessions sessions) {
    this.portal = portal;
    this.api = api;
    this.forwarding = forwarding;
    this.sessions = sessions;
  }

  /**
   * The viewer of a session cookie whose token is still good; a cookie whose token is forged,
   * expired or logged out is dropped, and the pages that need a viewer answer 401.
   */
  void readSession(RoutingContext ctx) {
    Cookie cookie = ctx.request().getCookie(Portal.SESSION_COOKIE);
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
                ctx.put(Portal.VIEWER, viewer);
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
    return Cookie.cookie(Portal.SESSION_COOKIE, token)
        .setHttpOnly(true)
        .setSameSite(CookieSameSite.STRICT)
        .setSecure(sessions.secureCookie() || sessions.overTls().test(ctx))
        .setPath("/");
  }

  /** The login page with 401: the session's token was refused (logged out, expired). */
  private void sessionEnded(RoutingContext ctx) {
    portal.render(
        ctx,
        401,
        "login.jte",
        Map.of("error", "Your session has ended. Log in again.", "username", ""));
  }

  void home(RoutingContext ctx) {
    Viewer viewer = Portal.viewer(ctx);
    if (viewer == null && ctx.get(SESSION_REFUSED) != null) {
      sessionEnded(ctx);
    } else if (viewer == null) {
      portal.render(ctx, 200, "login.jte", Map.of("error", "", "username", ""));
    } else {
      Forms.seeOther(ctx, viewer.home());
    }
  }

  void login(RoutingContext ctx) {
    String username = ctx.request().getFormAttribute("username");
    String password = ctx.request().getFormAttribute("password");
    String next = next(ctx.request().getFormAttribute("next"));
    if (username == null || username.isBlank() || password == null || password.isEmpty()) {
      portal.render(
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
                portal.render(
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
                portal.render(
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
  void logout(RoutingContext ctx) {
    Viewer viewer = Portal.viewer(ctx);
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

  void requireViewer(RoutingContext ctx) {
    if (Portal.viewer(ctx) == null && ctx.get(SESSION_REFUSED) != null) {
      sessionEnded(ctx);
    } else if (Portal.viewer(ctx) == null) {
      Forms.seeOther(ctx, "/login");
    } else {
      ctx.next();
    }
  }
}
