package io.peerwatt.trading.share;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationErrorResponse;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.AuthorizationSuccessResponse;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseMode;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import io.peerwatt.http.ApiError;
import io.peerwatt.http.BearerTokens;
import io.peerwatt.http.Blocking;
import io.peerwatt.http.Caller;
import io.peerwatt.http.Role;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OAuth 2 authorization server of data sharing, like Green Button Connect My Data: the
 * authorization code flow with PKCE (S256 only) at {@code /oauth/authorize} and {@code
 * /oauth/token}, refresh with rotation, RFC 7009 revocation at {@code /oauth/revoke} and RFC 8414
 * metadata at {@code /.well-known/oauth-authorization-server}. Nimbus oauth2-oidc-sdk parses and
 * forms every protocol message and checks PKCE; who the household is comes from its portal session
 * (the portal's own login, so the third party never sees the password), consent makes or reuses a
 * grant, and codes and tokens are bound to that grant. Mounted at {@code /} before the portal.
 */
public final class AuthorizationServer {
  private static final Logger log = LoggerFactory.getLogger(AuthorizationServer.class);

  static final Duration CODE_LIFETIME = Duration.ofSeconds(60);
  static final Duration ACCESS_LIFETIME = Duration.ofMinutes(10);

  /** How long a household has to answer a consent page. */
  private static final Duration CONSENT_LIFETIME = Duration.ofMinutes(10);

  /** Consent pages open at once, beyond which new ones wait for old ones to lapse. */
  private static final int MAX_PENDING_CONSENTS = 10_000;

  private static final String OFFER_SCOPE = "offer:";

  /**
   * A consent page shown and not yet answered; its random id is the form's only key, so it also
   * serves as the form's CSRF token (and the household answering must be the one it was shown to).
   */
  private record PendingConsent(
      long accountId,
      DataApplications.Application application,
      DataGrants.Offer offer,
      AuthorizationRequest request,
      Instant expiresAt) {}

  private final DataApplications applications;
  private final DataGrants grants;
  private final OAuthTokens tokens;
  private final BearerTokens sessions;
  private final String sessionCookie;
  private final Function<RoutingContext, String> baseUrl;
  private final Blocking blocking;
  private final Clock clock;
  private final Clock securityClock;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, PendingConsent> consents = new ConcurrentHashMap<>();
  private final TokenEndpoint tokenEndpoint;

  /**
   * @param sessions checks the portal session's token
   * @param sessionCookie the name of the portal's session cookie
   * @param baseUrl the platform's base URL as the request reached it, e.g. {@code
   *     https://peerwatt.example}: the issuer and the endpoints' URLs
   * @param clock the platform's time: grants' creation and expiry
   * @param securityClock real time: codes' and tokens' expiry
   */
  public AuthorizationServer(
      DataApplications applications,
      DataGrants grants,
      OAuthTokens tokens,
      BearerTokens sessions,
      String sessionCookie,
      Function<RoutingContext, String> baseUrl,
      Blocking blocking,
      Clock clock,
      Clock securityClock) {
    this.applications = applications;
    this.grants = grants;
    this.tokens = tokens;
    this.sessions = sessions;
    this.sessionCookie = sessionCookie;
    this.baseUrl = baseUrl;
    this.blocking = blocking;
    this.clock = clock;
    this.securityClock = securityClock;
    this.tokenEndpoint =
        new TokenEndpoint(applications, grants, tokens, blocking, clock, securityClock);
  }

  /** The routes, to mount at {@code /}. */
  public Router router(Vertx vertx) {
    Router r = Router.router(vertx);
    r.get("/.well-known/oauth-authorization-server").handler(this::metadata);
    r.get("/oauth/authorize").handler(this::authorize);
    r.post("/oauth/*").handler(BodyHandler.create(false).setBodyLimit(16 * 1024));
    r.post("/oauth/authorize").handler(this::consent);
    r.post("/oauth/token").handler(tokenEndpoint::token);
    r.post("/oauth/revoke").handler(tokenEndpoint::revoke);
    return r;
  }

  private void metadata(RoutingContext ctx) {
    String base = baseUrl.apply(ctx);
    AuthorizationServerMetadata m = new AuthorizationServerMetadata(new Issuer(base + "/"));
    m.setAuthorizationEndpointURI(URI.create(base + "/oauth/authorize"));
    m.setTokenEndpointURI(URI.create(base + "/oauth/token"));
    m.setRevocationEndpointURI(URI.create(base + "/oauth/revoke"));
    m.setResponseTypes(List.of(ResponseType.CODE));
    m.setGrantTypes(List.of(GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN));
    m.setCodeChallengeMethods(List.of(CodeChallengeMethod.S256));
    List<ClientAuthenticationMethod> methods =
        List.of(
            ClientAuthenticationMethod.NONE,
            ClientAuthenticationMethod.CLIENT_SECRET_BASIC,
            ClientAuthenticationMethod.CLIENT_SECRET_POST);
    m.setTokenEndpointAuthMethods(methods);
    m.setRevocationEndpointAuthMethods(methods);
    m.setScopes(new Scope("offer:{id}"));
    ctx.response()
        .putHeader("content-type", "application/json")
        .end(m.toJSONObject().toJSONString());
  }

  /**
   * The authorization request: a request whose client or redirect URI cannot be trusted is answered
   * here (400), never redirected; other errors go back to the client. Without a portal session the
   * household is sent to the portal's login, which brings it back here.
   */
  private void authorize(RoutingContext ctx) {
    AuthorizationRequest request;
    try {
      request = AuthorizationRequest.parse(URI.create(ctx.request().absoluteURI()));
    } catch (ParseException | IllegalArgumentException e) {
      page(ctx, 400, "Invalid request", "This authorization request is malformed.");
      return;
    }
    blocking
        .run(() -> applications.byClientId(request.getClientID().getValue()))
        .onFailure(ctx::fail)
        .onSuccess(
            found -> {
              DataApplications.Application app = found.orElse(null);
              if (app == null
                  || !app.approved()
                  || request.getRedirectionURI() == null
                  || !app.redirectUris().contains(request.getRedirectionURI().toString())) {
                page(
                    ctx,
                    400,
                    "Unknown application",
                    "No approved application has this client id and redirect address.");
                return;
              }
              if (!request.getResponseType().impliesCodeFlow()
                  || request.getResponseType().size() != 1) {
                redirectError(ctx, request, OAuth2Error.UNSUPPORTED_RESPONSE_TYPE);
                return;
              }
              if (request.getCodeChallenge() == null
                  || !CodeChallengeMethod.S256.equals(request.getCodeChallengeMethod())) {
                redirectError(
                    ctx, request, new ErrorObject("invalid_request", "PKCE with S256 is required"));
                return;
              }
              Long offerId = offerId(request.getScope());
              if (offerId == null) {
                redirectError(ctx, request, OAuth2Error.INVALID_SCOPE);
                return;
              }
              household(ctx)
                  .onFailure(
                      e ->
                          ctx.response()
                              .setStatusCode(303)
                              .putHeader(
                                  "location",
                                  "/login?next="
                                      + URLEncoder.encode(
                                          ctx.request().uri(), StandardCharsets.UTF_8))
                              .end())
                  .onSuccess(caller -> showConsent(ctx, caller, app, offerId, request));
            });
  }

  private void showConsent(
      RoutingContext ctx,
      Caller caller,
      DataApplications.Application app,
      long offerId,
      AuthorizationRequest request) {
    if (caller.role() != Role.PROSUMER) {
      page(ctx, 403, "Not a household", "Only a household shares its meter data.");
      return;
    }
    blocking
        .run(() -> grants.offer(offerId))
        .onFailure(ctx::fail)
        .onSuccess(
            found -> {
              DataGrants.Offer offer = found.orElse(null);
              if (offer == null
                  || offer.applicationId() != app.id()
                  || !DataGrants.OPEN.equals(offer.state())) {
                redirectError(ctx, request, OAuth2Error.INVALID_SCOPE);
                return;
              }
              Instant now = securityClock.instant();
              consents.values().removeIf(p -> p.expiresAt().isBefore(now));
              if (consents.size() >= MAX_PENDING_CONSENTS) {
                page(ctx, 503, "Busy", "Too many consent pages are open; try again in a minute.");
                return;
              }
              String id = randomToken();
              consents.put(
                  id,
                  new PendingConsent(
                      caller.accountId(), app, offer, request, now.plus(CONSENT_LIFETIME)));
              ctx.response()
                  .putHeader("content-type", "text/html; charset=utf-8")
                  .putHeader("cache-control", "no-store")
                  .putHeader("x-frame-options", "DENY")
                  .end(ConsentPage.render(app, offer, id));
            });
  }

  /** The household's answer on the consent page: a code for the client, or access_denied. */
  private void consent(RoutingContext ctx) {
    String id = ctx.request().getFormAttribute("consent");
    PendingConsent pending = id == null ? null : consents.remove(id);
    if (pending == null || pending.expiresAt().isBefore(securityClock.instant())) {
      page(ctx, 400, "Consent expired", "Open the application's link again.");
      return;
    }
    household(ctx)
        .onFailure(e -> page(ctx, 401, "Logged out", "Log in and open the link again."))
        .onSuccess(
            caller -> {
              if (caller.accountId() != pending.accountId()) {
                page(ctx, 400, "Consent expired", "Open the application's link again.");
                return;
              }
              if (!"allow".equals(ctx.request().getFormAttribute("decision"))) {
                redirectError(ctx, pending.request(), OAuth2Error.ACCESS_DENIED);
                return;
              }
              Instant now = clock.instant();
              Instant securityNow = securityClock.instant();
              AuthorizationCode code = new AuthorizationCode();
              blocking
                  .run(
                      () -> {
                        DataGrants.Grant grant =
                            grants
                                .unrevokedGrant(caller.accountId(), pending.offer().id())
                                .filter(g -> g.liveAt(now))
                                .orElseGet(
                                    () ->
                                        grants.accept(
                                            caller.accountId(), pending.offer().id(), now));
                        tokens.storeCode(
                            code.getValue(),
                            new OAuthTokens.IssuedCode(
                                pending.application().id(),
                                grant.id(),
                                pending.request().getRedirectionURI().toString(),
                                pending.request().getCodeChallenge().getValue(),
                                securityNow.plus(CODE_LIFETIME)));
                        log.info(
                            "Household {} consented to offer {} of application {}: grant {}",
                            caller.accountId(),
                            pending.offer().id(),
                            pending.application().id(),
                            grant.id());
                        return grant;
                      })
                  .onFailure(ctx::fail)
                  .onSuccess(
                      grant ->
                          redirect(
                              ctx,
                              new AuthorizationSuccessResponse(
                                      pending.request().getRedirectionURI(),
                                      code,
                                      null,
                                      pending.request().getState(),
                                      ResponseMode.QUERY)
                                  .toURI()));
            });
  }

  /** The household of the portal session cookie; fails without a good session. */
  private Future<Caller> household(RoutingContext ctx) {
    Cookie cookie = ctx.request().getCookie(sessionCookie);
    if (cookie == null || cookie.getValue().isEmpty()) {
      return Future.failedFuture(ApiError.unauthenticated("no session"));
    }
    return sessions.authenticate(cookie.getValue());
  }

  /** The offer id of a scope that is exactly {@code offer:<id>}, or null. */
  static Long offerId(Scope scope) {
    if (scope == null || scope.size() != 1) {
      return null;
    }
    String value = scope.iterator().next().getValue();
    if (!value.startsWith(OFFER_SCOPE)) {
      return null;
    }
    try {
      long id = Long.parseLong(value.substring(OFFER_SCOPE.length()));
      return id > 0 ? id : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** S256: BASE64URL(SHA-256(ASCII(code_verifier))) equals the stored challenge. */
  static boolean pkceMatches(String challenge, CodeVerifier verifier) {
    return MessageDigest.isEqual(
        CodeChallenge.compute(CodeChallengeMethod.S256, verifier)
            .getValue()
            .getBytes(StandardCharsets.US_ASCII),
        challenge.getBytes(StandardCharsets.US_ASCII));
  }

  private static void redirectError(
      RoutingContext ctx, AuthorizationRequest request, ErrorObject error) {
    redirect(
        ctx,
        new AuthorizationErrorResponse(
                request.getRedirectionURI(), error, request.getState(), ResponseMode.QUERY)
            .toURI());
  }

  private static void redirect(RoutingContext ctx, URI location) {
    ctx.response().setStatusCode(302).putHeader("location", location.toString()).end();
  }

  private static void page(RoutingContext ctx, int status, String title, String message) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("content-type", "text/html; charset=utf-8")
        .end(ConsentPage.message(title, message));
  }

  private String randomToken() {
    byte[] b = new byte[32];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
