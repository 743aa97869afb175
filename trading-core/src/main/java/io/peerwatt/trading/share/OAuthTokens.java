package io.peerwatt.trading.share;

import static io.peerwatt.db.schema.Tables.OAUTH_CODE;
import static io.peerwatt.db.schema.Tables.OAUTH_TOKEN;

import io.peerwatt.db.schema.tables.records.OauthCodeRecord;
import io.peerwatt.db.schema.tables.records.OauthTokenRecord;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;

/**
 * The authorization codes ({@code oauth_code}) and access and refresh tokens ({@code oauth_token})
 * of the OAuth 2 flow, each bound to an application and a data grant, stored as SHA-256 digests. A
 * code is taken once; a refresh token is taken once when it is used (rotation). Blocking.
 */
public final class OAuthTokens {
  public static final String ACCESS = "access";
  public static final String REFRESH = "refresh";

  /**
   * A code as issued.
   *
   * @param codeChallenge the PKCE S256 challenge the client sent with its authorization request
   */
  public record IssuedCode(
      long applicationId,
      long grantId,
      String redirectUri,
      String codeChallenge,
      Instant expiresAt) {}

  /** A token as issued. */
  public record IssuedToken(long applicationId, long grantId, Instant expiresAt) {}

  private final DSLContext dsl;

  public OAuthTokens(DSLContext dsl) {
    this.dsl = Objects.requireNonNull(dsl, "dsl");
  }

  public void storeCode(String code, IssuedCode issued) {
    dsl.insertInto(OAUTH_CODE)
        .set(OAUTH_CODE.CODE_DIGEST, DataApplications.sha256(code))
        .set(OAUTH_CODE.APPLICATION_ID, issued.applicationId())
        .set(OAUTH_CODE.GRANT_ID, issued.grantId())
        .set(OAUTH_CODE.REDIRECT_URI, issued.redirectUri())
        .set(OAUTH_CODE.CODE_CHALLENGE, issued.codeChallenge())
        .set(OAUTH_CODE.EXPIRES_AT, issued.expiresAt())
        .execute();
  }

  /** Takes {@code code} out of the store: a second redemption finds nothing. */
  public Optional<IssuedCode> takeCode(String code) {
    return dsl.deleteFrom(OAUTH_CODE)
        .where(OAUTH_CODE.CODE_DIGEST.eq(DataApplications.sha256(code)))
        .returning()
        .fetchOptional()
        .map(OAuthTokens::toCode);
  }

  public void storeToken(String token, String kind, IssuedToken issued, Instant now) {
    dsl.insertInto(OAUTH_TOKEN)
        .set(OAUTH_TOKEN.TOKEN_DIGEST, DataApplications.sha256(token))
        .set(OAUTH_TOKEN.KIND, kind)
        .set(OAUTH_TOKEN.APPLICATION_ID, issued.applicationId())
        .set(OAUTH_TOKEN.GRANT_ID, issued.grantId())
        .set(OAUTH_TOKEN.ISSUED_AT, now)
        .set(OAUTH_TOKEN.EXPIRES_AT, issued.expiresAt())
        .execute();
  }

  /** The unexpired token {@code token} of {@code kind}, if there is one. */
  public Optional<IssuedToken> token(String token, String kind, Instant now) {
    return dsl.selectFrom(OAUTH_TOKEN)
        .where(isToken(token, kind), OAUTH_TOKEN.EXPIRES_AT.gt(now))
        .fetchOptional()
        .map(OAuthTokens::toToken);
  }

  /**
   * Takes refresh token {@code token} of application {@code applicationId} out of the store, so it
   * is used once; empty when it is unknown, expired or another application's.
   */
  public Optional<IssuedToken> takeRefreshToken(String token, long applicationId, Instant now) {
    return dsl.deleteFrom(OAUTH_TOKEN)
        .where(isToken(token, REFRESH), OAUTH_TOKEN.APPLICATION_ID.eq(applicationId))
        .returning()
        .fetchOptional()
        .filter(r -> r.getExpiresAt().isAfter(now))
        .map(OAuthTokens::toToken);
  }

  /**
   * Deletes {@code token} (either kind) if application {@code applicationId} holds it (RFC 7009).
   */
  public void revoke(String token, long applicationId) {
    dsl.deleteFrom(OAUTH_TOKEN)
        .where(
            OAUTH_TOKEN.TOKEN_DIGEST.eq(DataApplications.sha256(token)),
            OAUTH_TOKEN.APPLICATION_ID.eq(applicationId))
        .execute();
  }

  /** The stored row of {@code token} (by its digest) of {@code kind}. */
  private static Condition isToken(String token, String kind) {
    return OAUTH_TOKEN
        .TOKEN_DIGEST
        .eq(DataApplications.sha256(token))
        .and(OAUTH_TOKEN.KIND.eq(kind));
  }

  private static IssuedCode toCode(OauthCodeRecord r) {
    return new IssuedCode(
        r.getApplicationId(),
        r.getGrantId(),
        r.getRedirectUri(),
        r.getCodeChallenge(),
        r.getExpiresAt());
  }

  private static IssuedToken toToken(OauthTokenRecord r) {
    return new IssuedToken(r.getApplicationId(), r.getGrantId(), r.getExpiresAt());
  }
}
