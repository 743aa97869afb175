package io.peerwatt.trading.share;

import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.oauth2.sdk.token.AccessTokenType;
import io.peerwatt.http.ApiError;
import io.peerwatt.http.Blocking;
import io.peerwatt.http.DataGrantTokens;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;

/**
 * Checks a third party's access token on every data request: unknown or expired answers 401, a
 * token whose grant the household revoked (or that expired) 403, from the very next request on,
 * since the grant is read each time.
 */
public final class GrantTokenCheck implements DataGrantTokens {
  private final OAuthTokens tokens;
  private final DataGrants grants;
  private final Blocking blocking;
  private final Clock clock;
  private final Clock securityClock;

  /**
   * @param clock the platform's time: grants' expiry
   * @param securityClock real time: tokens' expiry
   */
  public GrantTokenCheck(
      OAuthTokens tokens, DataGrants grants, Blocking blocking, Clock clock, Clock securityClock) {
    this.tokens = tokens;
    this.grants = grants;
    this.blocking = blocking;
    this.clock = clock;
    this.securityClock = securityClock;
  }

  @Override
  public Future<GrantAccess> check(String authorization) {
    AccessToken token;
    try {
      token = AccessToken.parse(authorization, AccessTokenType.BEARER);
    } catch (ParseException e) {
      return Future.failedFuture(ApiError.unauthenticated("a bearer access token is required"));
    }
    Instant now = securityClock.instant();
    Instant platformNow = clock.instant();
    return blocking.run(
        () -> {
          OAuthTokens.IssuedToken issued =
              tokens
                  .token(token.getValue(), OAuthTokens.ACCESS, now)
                  .orElseThrow(
                      () -> ApiError.unauthenticated("the access token is unknown or expired"));
          DataGrants.Grant grant = grants.grant(issued.grantId()).orElseThrow();
          if (!grant.liveAt(platformNow)) {
            throw ApiError.forbidden(
                "grant " + grant.id() + " is " + grant.state(platformNow).toLowerCase());
          }
          DataScope s = grant.scope();
          return new GrantAccess(
              grant.id(),
              grant.accountId(),
              s.resolution().code(),
              s.importData(),
              s.exportData(),
              s.statements(),
              s.periodFrom(),
              s.periodTo());
        });
  }
}
