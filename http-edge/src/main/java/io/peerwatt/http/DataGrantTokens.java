package io.peerwatt.http;

import io.vertx.core.Future;
import java.time.Instant;

/**
 * Checks the OAuth 2 access token a third party sends with a data request (issue 22): the data
 * grant it is bound to, with what the household granted. Kept here so the resources that deliver
 * data (settlement's) use the authorization server (trading-core's) without knowing it.
 */
public interface DataGrantTokens {

  /**
   * What one live grant allows.
   *
   * @param accountId the household whose data it is
   * @param resolution {@code 15min}, {@code hourly} or {@code daily}
   * @param periodFrom readings taken at or after it
   * @param periodTo readings taken before it
   */
  record GrantAccess(
      long grantId,
      long accountId,
      String resolution,
      boolean importData,
      boolean exportData,
      boolean statements,
      Instant periodFrom,
      Instant periodTo) {}

  /**
   * The grant of the bearer access token in {@code authorization} (an {@code Authorization} header
   * value); fails with a 401 {@link ApiError} when the token is missing, unknown or expired, and
   * with a 403 one when its grant is revoked or expired.
   */
  Future<GrantAccess> check(String authorization);
}
