package io.peerwatt.trading.share;

import com.nimbusds.oauth2.sdk.AbstractOptionallyIdentifiedRequest;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.PlainClientSecret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.oauth2.sdk.token.Tokens;
import io.peerwatt.http.Blocking;
import io.vertx.ext.web.RoutingContext;
import java.net.MalformedURLException;
import java.net.URL;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The token and revocation endpoints of the data-sharing authorization server ({@link
 * AuthorizationServer}): {@code /oauth/token} (the code grant with PKCE, the refresh grant with
 * rotation) and RFC 7009 revocation at {@code /oauth/revoke}, each authenticating the client.
 */
final class TokenEndpoint {
  private final DataApplications applications;
  private final DataGrants grants;
  private final OAuthTokens tokens;
  private final Blocking blocking;
  private final Clock clock;
  private final Clock securityClock;

  TokenEndpoint(
      DataApplications applications,
      DataGrants grants,
      OAuthTokens tokens,
      Blocking blocking,
      Clock clock,
      Clock securityClock) {
    this.applications = applications;
    this.grants = grants;
    this.tokens = tokens;
    this.blocking = blocking;
    this.clock = clock;
    this.securityClock = securityClock;
  }

  /** The token endpoint: the code grant (with PKCE) and the refresh grant (with rotation). */
  void token(RoutingContext ctx) {
    TokenRequest request = parsedOrRefused(ctx, TokenRequest::parse);
    if (request == null) {
      return;
    }
    Instant now = securityClock.instant();
    Instant platformNow = clock.instant();
    blocking
        .run(
            () -> {
              DataApplications.Application app = authenticate(request);
              if (app == null) {
                return OAuth2Error.INVALID_CLIENT;
              }
              AuthorizationGrant grant = request.getAuthorizationGrant();
              long grantId;
              if (grant instanceof AuthorizationCodeGrant codeGrant) {
                OAuthTokens.IssuedCode issued =
                    tokens.takeCode(codeGrant.getAuthorizationCode().getValue()).orElse(null);
                CodeVerifier verifier = codeGrant.getCodeVerifier();
                if (issued == null
                    || !issued.expiresAt().isAfter(now)
                    || issued.applicationId() != app.id()
                    || codeGrant.getRedirectionURI() == null
                    || !issued.redirectUri().equals(codeGrant.getRedirectionURI().toString())
                    || verifier == null
                    || !AuthorizationServer.pkceMatches(issued.codeChallenge(), verifier)) {
                  return OAuth2Error.INVALID_GRANT;
                }
                grantId = issued.grantId();
              } else if (grant instanceof RefreshTokenGrant refreshGrant) {
                OAuthTokens.IssuedToken old =
                    tokens
                        .takeRefreshToken(refreshGrant.getRefreshToken().getValue(), app.id(), now)
                        .orElse(null);
                if (old == null) {
                  return OAuth2Error.INVALID_GRANT;
                }
                grantId = old.grantId();
              } else {
                return OAuth2Error.UNSUPPORTED_GRANT_TYPE;
              }
              DataGrants.Grant granted = grants.grant(grantId).orElseThrow();
              if (!granted.liveAt(platformNow)) {
                return OAuth2Error.INVALID_GRANT;
              }
              Scope scope = Scope.parse(granted.scope().oauthScope());
              BearerAccessToken access =
                  new BearerAccessToken(AuthorizationServer.ACCESS_LIFETIME.toSeconds(), scope);
              RefreshToken refresh = new RefreshToken();
              tokens.storeToken(
                  access.getValue(),
                  OAuthTokens.ACCESS,
                  new OAuthTokens.IssuedToken(
                      app.id(), grantId, now.plus(AuthorizationServer.ACCESS_LIFETIME)),
                  now);
              // a refresh token lasts as long as the grant may, in real time
              Instant refreshExpiry = now.plus(Duration.between(platformNow, granted.expiresAt()));
              tokens.storeToken(
                  refresh.getValue(),
                  OAuthTokens.REFRESH,
                  new OAuthTokens.IssuedToken(app.id(), grantId, refreshExpiry),
                  now);
              return new AccessTokenResponse(new Tokens(access, refresh));
            })
        .onFailure(ctx::fail)
        .onSuccess(
            answer -> {
              if (answer instanceof ErrorObject error) {
                tokenError(ctx, error);
              } else {
                ctx.response()
                    .putHeader("content-type", "application/json")
                    .putHeader("cache-control", "no-store")
                    .end(((AccessTokenResponse) answer).toJSONObject().toJSONString());
              }
            });
  }

  /** RFC 7009: the client's own token (either kind) is deleted; unknown tokens answer 200 too. */
  void revoke(RoutingContext ctx) {
    TokenRevocationRequest request = parsedOrRefused(ctx, TokenRevocationRequest::parse);
    if (request == null) {
      return;
    }
    blocking
        .run(
            () -> {
              DataApplications.Application app = authenticate(request);
              if (app == null) {
                return false;
              }
              tokens.revoke(request.getToken().getValue(), app.id());
              return true;
            })
        .onFailure(ctx::fail)
        .onSuccess(
            ok -> {
              if (ok) {
                ctx.response().setStatusCode(200).end();
              } else {
                tokenError(ctx, OAuth2Error.INVALID_CLIENT);
              }
            });
  }

  /**
   * The approved application a token or revocation request names: a confidential one by its secret
   * (basic or post), a public one by its client id alone (PKCE is then its proof); null otherwise.
   * Blocking.
   */
  private DataApplications.Application authenticate(AbstractOptionallyIdentifiedRequest request) {
    ClientAuthentication auth = request.getClientAuthentication();
    ClientID clientId = request.getClientID();
    if (auth == null) {
      return clientId == null
          ? null
          : applications
              .byClientId(clientId.getValue())
              .filter(a -> a.approved() && !a.confidential())
              .orElse(null);
    }
    if (!(auth instanceof PlainClientSecret secret)) {
      return null;
    }
    String id = auth.getClientID().getValue();
    return applications.secretMatches(id, secret.getClientSecret().getValue())
        ? applications.byClientId(id).filter(DataApplications.Application::approved).orElse(null)
        : null;
  }

  /** Reads an OAuth request of one kind from an HTTP request. */
  private interface OAuthRequestParser<R> {
    R parse(HTTPRequest request) throws ParseException;
  }

  /**
   * The request as {@code parser} reads it; null (after answering the OAuth error, {@code
   * invalid_request} when the parser names none) when it cannot.
   */
  private static <R> R parsedOrRefused(RoutingContext ctx, OAuthRequestParser<R> parser) {
    try {
      return parser.parse(nimbusRequest(ctx));
    } catch (ParseException e) {
      tokenError(
          ctx, e.getErrorObject() != null ? e.getErrorObject() : OAuth2Error.INVALID_REQUEST);
      return null;
    }
  }

  private static HTTPRequest nimbusRequest(RoutingContext ctx) throws ParseException {
    HTTPRequest http;
    try {
      http = new HTTPRequest(HTTPRequest.Method.POST, new URL(ctx.request().absoluteURI()));
    } catch (MalformedURLException e) {
      throw new ParseException("bad request URL", OAuth2Error.INVALID_REQUEST, e);
    }
    String contentType = ctx.request().getHeader("content-type");
    if (contentType != null) {
      http.setHeader("Content-Type", contentType);
    }
    String authorization = ctx.request().getHeader("authorization");
    if (authorization != null) {
      http.setAuthorization(authorization);
    }
    http.setBody(ctx.body().asString());
    return http;
  }

  private static void tokenError(RoutingContext ctx, ErrorObject error) {
    int status = error.getHTTPStatusCode() > 0 ? error.getHTTPStatusCode() : 400;
    ctx.response()
        .setStatusCode(status)
        .putHeader("content-type", "application/json")
        .putHeader("cache-control", "no-store");
    if (status == 401) {
      ctx.response().putHeader("www-authenticate", "Basic realm=\"oauth\"");
    }
    ctx.response().end(new TokenErrorResponse(error).toJSONObject().toJSONString());
  }
}
