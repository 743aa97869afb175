package io.peerwatt.trading.share;

import static io.peerwatt.db.schema.Tables.DATA_APPLICATION;

import io.peerwatt.db.schema.tables.records.DataApplicationRecord;
import io.peerwatt.http.ApiError;
import io.peerwatt.http.Caller;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * Third parties' applications ({@code data_application}): registered by a third party, approved or
 * refused by an operator; each is an OAuth 2 client with exact redirect URIs and, when
 * confidential, a secret kept as its SHA-256 only. Blocking.
 */
public final class DataApplications {
  public static final String PENDING = "PENDING";
  public static final String APPROVED = "APPROVED";
  public static final String REFUSED = "REFUSED";

  /** Hosts a plain-http redirect URI may name: the client's own machine (native apps, tests). */
  private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "[::1]");

  /**
   * An application as stored.
   *
   * @param confidential whether it has a client secret (else it is a public client)
   * @param decidedAt when an operator approved or refused it, null while pending
   */
  public record Application(
      long id,
      long accountId,
      String name,
      String purpose,
      List<String> redirectUris,
      String contact,
      String clientId,
      boolean confidential,
      String state,
      Instant createdAt,
      Instant decidedAt) {

    public boolean approved() {
      return APPROVED.equals(state);
    }
  }

  /**
   * A newly registered application.
   *
   * @param clientSecret the confidential client's secret, shown this once; null for a public one
   */
  public record Registered(Application application, String clientSecret) {}

  private final DSLContext dsl;
  private final SecureRandom random;

  public DataApplications(DSLContext dsl, SecureRandom random) {
    this.dsl = Objects.requireNonNull(dsl, "dsl");
    this.random = Objects.requireNonNull(random, "random");
  }

  /**
   * Registers an application of third party {@code accountId}, pending an operator's decision.
   * Every redirect URI must be absolute https, or http to a loopback host, without a fragment.
   */
  public Registered register(
      long accountId,
      String name,
      String purpose,
      List<String> redirectUris,
      String contact,
      boolean confidential,
      Instant now) {
    redirectUris.forEach(DataApplications::checkRedirectUri);
    String clientId = "pw-" + randomToken(16);
    String secret = confidential ? randomToken(32) : null;
    DataApplicationRecord r =
        dsl.insertInto(DATA_APPLICATION)
            .set(DATA_APPLICATION.ACCOUNT_ID, accountId)
            .set(DATA_APPLICATION.NAME, name)
            .set(DATA_APPLICATION.PURPOSE, purpose)
            .set(DATA_APPLICATION.REDIRECT_URIS, redirectUris.toArray(String[]::new))
            .set(DATA_APPLICATION.CONTACT, contact)
            .set(DATA_APPLICATION.CLIENT_ID, clientId)
            .set(DATA_APPLICATION.CLIENT_SECRET_HASH, secret == null ? null : sha256(secret))
            .set(DATA_APPLICATION.CREATED_AT, now)
            .returning()
            .fetchOne();
    return new Registered(toApplication(r), secret);
  }

  /** The applications {@code caller} may see: a third party its own, an operator every one. */
  public List<Application> visibleTo(Caller caller) {
    return dsl.selectFrom(DATA_APPLICATION)
        .where(
            caller.isOperator()
                ? DSL.trueCondition()
                : DATA_APPLICATION.ACCOUNT_ID.eq(caller.accountId()))
        .orderBy(DATA_APPLICATION.ID)
        .fetch(DataApplications::toApplication);
  }

  public Optional<Application> byId(long id) {
    return dsl.selectFrom(DATA_APPLICATION)
        .where(DATA_APPLICATION.ID.eq(id))
        .fetchOptional()
        .map(DataApplications::toApplication);
  }

  public Optional<Application> byClientId(String clientId) {
    return dsl.selectFrom(DATA_APPLICATION)
        .where(DATA_APPLICATION.CLIENT_ID.eq(clientId))
        .fetchOptional()
        .map(DataApplications::toApplication);
  }

  /** Whether {@code secret} is the confidential application {@code clientId}'s secret. */
  public boolean secretMatches(String clientId, String secret) {
    byte[] stored =
        dsl.select(DATA_APPLICATION.CLIENT_SECRET_HASH)
            .from(DATA_APPLICATION)
            .where(DATA_APPLICATION.CLIENT_ID.eq(clientId))
            .fetchOptional(DATA_APPLICATION.CLIENT_SECRET_HASH)
            .orElse(null);
    return stored != null && secret != null && MessageDigest.isEqual(stored, sha256(secret));
  }

  /**
   * An operator's decision on a pending application: approved lets it publish offers and run the
   * authorization flow, refused never does. 409 once decided.
   */
  public Application decide(long id, long operatorId, boolean approve, Instant now) {
    int changed =
        dsl.update(DATA_APPLICATION)
            .set(DATA_APPLICATION.STATE, approve ? APPROVED : REFUSED)
            .set(DATA_APPLICATION.DECIDED_AT, now)
            .set(DATA_APPLICATION.DECIDED_BY, operatorId)
            .where(DATA_APPLICATION.ID.eq(id), DATA_APPLICATION.STATE.eq(PENDING))
            .execute();
    Application a = byId(id).orElseThrow(() -> ApiError.notFound("application " + id));
    if (changed == 0) {
      throw ApiError.conflict(
          "ALREADY_DECIDED", "application " + id + " is already " + a.state(), null);
    }
    return a;
  }

  /** The SHA-256 of {@code value}'s UTF-8 bytes. */
  static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private String randomToken(int bytes) {
    byte[] b = new byte[bytes];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static void checkRedirectUri(String value) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw badRedirect(value, "is not a URI");
    }
    if (!uri.isAbsolute() || uri.getHost() == null) {
      throw badRedirect(value, "is not an absolute URI with a host");
    }
    if (uri.getRawFragment() != null) {
      throw badRedirect(value, "has a fragment");
    }
    boolean https = "https".equals(uri.getScheme());
    boolean loopback = "http".equals(uri.getScheme()) && LOOPBACK.contains(uri.getHost());
    if (!https && !loopback) {
      throw badRedirect(value, "must be https (plain http only to a loopback host)");
    }
  }

  private static ApiError badRedirect(String value, String why) {
    return ApiError.badRequest("INVALID_REDIRECT_URI", value + " " + why, "redirectUris");
  }

  private static Application toApplication(DataApplicationRecord r) {
    return new Application(
        r.getId(),
        r.getAccountId(),
        r.getName(),
        r.getPurpose(),
        List.of(r.getRedirectUris()),
        r.getContact(),
        r.getClientId(),
        r.getClientSecretHash() != null,
        r.getState(),
        r.getCreatedAt(),
        r.getDecidedAt());
  }
}
