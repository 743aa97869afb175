package io.peerwatt.trading.share;

import static io.peerwatt.db.schema.Tables.DATA_ACCESS;
import static io.peerwatt.db.schema.Tables.DATA_APPLICATION;
import static io.peerwatt.db.schema.Tables.DATA_GRANT;
import static io.peerwatt.db.schema.Tables.DATA_OFFER;

import io.peerwatt.http.ApiError;
import io.peerwatt.http.Caller;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.exception.IntegrityConstraintViolationException;
import org.jooq.impl.DSL;

/**
 * Offers ({@code data_offer}) that third parties publish through their approved applications, and
 * the grants ({@code data_grant}) households make by accepting one: the offer's scope, period and
 * price as accepted, an expiry, and a revocation that takes effect at once. Blocking.
 */
public final class DataGrants {
  public static final String OPEN = "OPEN";

  /**
   * An offer with its application's name.
   *
   * @param accessDays how long a grant made from it lasts
   */
  public record Offer(
      long id,
      long applicationId,
      String applicationName,
      DataScope scope,
      int accessDays,
      String purpose,
      String state,
      Instant createdAt) {}

  /**
   * A grant with its offer's application.
   *
   * @param accountId the household that made it
   * @param thirdPartyId the account of the application's third party
   * @param revokedAt when the household revoked it, null while not revoked
   */
  public record Grant(
      long id,
      long offerId,
      long accountId,
      long applicationId,
      String applicationName,
      long thirdPartyId,
      String purpose,
      DataScope scope,
      Instant createdAt,
      Instant expiresAt,
      Instant revokedAt) {

    /** Whether the grant allows delivery at {@code now}: neither revoked nor expired. */
    public boolean liveAt(Instant now) {
      return revokedAt == null && now.isBefore(expiresAt);
    }

    public String state(Instant now) {
      return revokedAt != null ? "REVOKED" : now.isBefore(expiresAt) ? "ACTIVE" : "EXPIRED";
    }
  }

  private final DSLContext dsl;
  private final DataApplications applications;

  public DataGrants(DSLContext dsl, DataApplications applications) {
    this.dsl = Objects.requireNonNull(dsl, "dsl");
    this.applications = Objects.requireNonNull(applications, "applications");
  }

  /**
   * Publishes an offer through third party {@code accountId}'s application {@code applicationId}:
   * 404 unless it is theirs, 409 unless an operator approved it.
   */
  public Offer publish(
      long accountId,
      long applicationId,
      DataScope scope,
      int accessDays,
      String purpose,
      Instant now) {
    DataApplications.Application app =
        applications
            .byId(applicationId)
            .filter(a -> a.accountId() == accountId)
            .orElseThrow(() -> ApiError.notFound("application " + applicationId));
    if (!app.approved()) {
      throw ApiError.conflict(
          "APPLICATION_NOT_APPROVED",
          "application " + applicationId + " is " + app.state() + "; an operator approves it first",
          "applicationId");
    }
    if (!scope.periodFrom().isBefore(scope.periodTo())) {
      throw ApiError.badRequest("INVALID_PERIOD", "periodFrom must be before periodTo", "periodTo");
    }
    if (!scope.importData() && !scope.exportData()) {
      throw ApiError.badRequest(
          "NO_DIRECTION", "an offer asks for import, export or both", "importData");
    }
    long id =
        dsl.insertInto(DATA_OFFER)
            .set(DATA_OFFER.APPLICATION_ID, applicationId)
            .set(ScopeColumns.OFFER.values(scope))
            .set(DATA_OFFER.ACCESS_DAYS, accessDays)
            .set(DATA_OFFER.PURPOSE, purpose)
            .set(DATA_OFFER.CREATED_AT, now)
            .returning(DATA_OFFER.ID)
            .fetchOne()
            .getId();
    return offer(id).orElseThrow();
  }

  /**
   * The offers {@code caller} may see: a household the open offers of approved applications, a
   * third party its own, an operator every one.
   */
  public List<Offer> offersVisibleTo(Caller caller) {
    Condition visible =
        visibleTo(
            caller,
            DATA_OFFER.STATE.eq(OPEN).and(DATA_APPLICATION.STATE.eq(DataApplications.APPROVED)));
    return dsl.select()
        .from(DATA_OFFER)
        .join(DATA_APPLICATION)
        .on(DATA_APPLICATION.ID.eq(DATA_OFFER.APPLICATION_ID))
        .where(visible)
        .orderBy(DATA_OFFER.ID)
        .fetch(DataGrants::toOffer);
  }

  public Optional<Offer> offer(long id) {
    return dsl.select()
        .from(DATA_OFFER)
        .join(DATA_APPLICATION)
        .on(DATA_APPLICATION.ID.eq(DATA_OFFER.APPLICATION_ID))
        .where(DATA_OFFER.ID.eq(id))
        .fetchOptional(DataGrants::toOffer);
  }

  /**
   * Household {@code accountId} accepts offer {@code offerId}: a grant with the offer's scope,
   * period and price, expiring the offer's access days from now. 404 for an offer a household may
   * not see, 409 when it already holds a live grant of it.
   */
  public Grant accept(long accountId, long offerId, Instant now) {
    Offer offer =
        dsl.select()
            .from(DATA_OFFER)
            .join(DATA_APPLICATION)
            .on(DATA_APPLICATION.ID.eq(DATA_OFFER.APPLICATION_ID))
            .where(
                DATA_OFFER.ID.eq(offerId),
                DATA_OFFER.STATE.eq(OPEN),
                DATA_APPLICATION.STATE.eq(DataApplications.APPROVED))
            .fetchOptional(DataGrants::toOffer)
            .orElseThrow(() -> ApiError.notFound("offer " + offerId));
    DataScope s = offer.scope();
    long id;
    try {
      id =
          dsl.insertInto(DATA_GRANT)
              .set(DATA_GRANT.OFFER_ID, offerId)
              .set(DATA_GRANT.ACCOUNT_ID, accountId)
              .set(ScopeColumns.GRANT.values(s))
              .set(DATA_GRANT.CREATED_AT, now)
              .set(DATA_GRANT.EXPIRES_AT, now.plus(Duration.ofDays(offer.accessDays())))
              .returning(DATA_GRANT.ID)
              .fetchOne()
              .getId();
    } catch (IntegrityConstraintViolationException e) {
      throw ApiError.conflict(
          "ALREADY_GRANTED", "you already hold an unrevoked grant of offer " + offerId, null);
    }
    return grant(id).orElseThrow();
  }

  /**
   * The grants {@code caller} may see: a household its own, a third party those of its
   * applications, an operator every one; newest first.
   */
  public List<Grant> grantsVisibleTo(Caller caller) {
    return grants(visibleTo(caller, DATA_GRANT.ACCOUNT_ID.eq(caller.accountId())));
  }

  public Optional<Grant> grant(long id) {
    return grants(DATA_GRANT.ID.eq(id)).stream().findFirst();
  }

  /** Household {@code accountId}'s unrevoked grant of offer {@code offerId}, if it holds one. */
  public Optional<Grant> unrevokedGrant(long accountId, long offerId) {
    return grants(
            DATA_GRANT
                .ACCOUNT_ID
                .eq(accountId)
                .and(DATA_GRANT.OFFER_ID.eq(offerId))
                .and(DATA_GRANT.REVOKED_AT.isNull()))
        .stream()
        .findFirst();
  }

  /**
   * Household {@code accountId} revokes its grant {@code grantId}: from now on every token of it is
   * refused. 404 for another's grant; revoking twice keeps the first revocation.
   */
  public Grant revoke(long accountId, long grantId, Instant now) {
    dsl.update(DATA_GRANT)
        .set(DATA_GRANT.REVOKED_AT, now)
        .where(
            DATA_GRANT.ID.eq(grantId),
            DATA_GRANT.ACCOUNT_ID.eq(accountId),
            DATA_GRANT.REVOKED_AT.isNull())
        .execute();
    return grant(grantId)
        .filter(g -> g.accountId() == accountId)
        .orElseThrow(() -> ApiError.notFound("grant " + grantId));
  }

  /**
   * One delivery under a grant ({@code data_access}, written by settlement's delivery).
   *
   * @param kind {@code readings}, {@code espi} or {@code proof}
   * @param days whole days of data delivered (0 for a proof)
   * @param readingRef a proof's reading as device/channel/sequence, else null
   */
  public record Access(
      String kind,
      Instant periodFrom,
      Instant periodTo,
      int days,
      String readingRef,
      Instant fetchedAt) {}

  /** The newest {@code limit} deliveries under grant {@code grantId}, newest first. */
  public List<Access> accesses(long grantId, int limit) {
    return dsl.selectFrom(DATA_ACCESS)
        .where(DATA_ACCESS.GRANT_ID.eq(grantId))
        .orderBy(DATA_ACCESS.FETCHED_AT.desc(), DATA_ACCESS.ID.desc())
        .limit(limit)
        .fetch(
            r ->
                new Access(
                    r.getKind(),
                    r.getPeriodFrom(),
                    r.getPeriodTo(),
                    r.getDays(),
                    r.getReadingRef(),
                    r.getFetchedAt()));
  }

  private List<Grant> grants(Condition where) {
    return dsl.select()
        .from(DATA_GRANT)
        .join(DATA_OFFER)
        .on(DATA_OFFER.ID.eq(DATA_GRANT.OFFER_ID))
        .join(DATA_APPLICATION)
        .on(DATA_APPLICATION.ID.eq(DATA_OFFER.APPLICATION_ID))
        .where(where)
        .orderBy(DATA_GRANT.ID.desc())
        .fetch(
            r ->
                new Grant(
                    r.get(DATA_GRANT.ID),
                    r.get(DATA_GRANT.OFFER_ID),
                    r.get(DATA_GRANT.ACCOUNT_ID),
                    r.get(DATA_APPLICATION.ID),
                    r.get(DATA_APPLICATION.NAME),
                    r.get(DATA_APPLICATION.ACCOUNT_ID),
                    r.get(DATA_OFFER.PURPOSE),
                    ScopeColumns.GRANT.read(r),
                    r.get(DATA_GRANT.CREATED_AT),
                    r.get(DATA_GRANT.EXPIRES_AT),
                    r.get(DATA_GRANT.REVOKED_AT)));
  }

  /**
   * What {@code caller} may see of offers and grants: every one for an operator, those of its own
   * applications for a third party, those {@code household} picks for a household.
   */
  private static Condition visibleTo(Caller caller, Condition household) {
    return switch (caller.role()) {
      case OPERATOR -> DSL.trueCondition();
      case THIRD_PARTY -> DATA_APPLICATION.ACCOUNT_ID.eq(caller.accountId());
      default -> household;
    };
  }

  private static Offer toOffer(Record r) {
    return new Offer(
        r.get(DATA_OFFER.ID),
        r.get(DATA_APPLICATION.ID),
        r.get(DATA_APPLICATION.NAME),
        ScopeColumns.OFFER.read(r),
        r.get(DATA_OFFER.ACCESS_DAYS),
        r.get(DATA_OFFER.PURPOSE),
        r.get(DATA_OFFER.STATE),
        r.get(DATA_OFFER.CREATED_AT));
  }

  /** The columns an offer or a grant keeps its {@link DataScope} in (the same in both tables). */
  private record ScopeColumns(
      Field<String> resolution,
      Field<Boolean> importData,
      Field<Boolean> exportData,
      Field<Boolean> statements,
      Field<Instant> periodFrom,
      Field<Instant> periodTo,
      Field<Long> priceMilliCtPerHomeDay) {
    static final ScopeColumns OFFER =
        new ScopeColumns(
            DATA_OFFER.RESOLUTION,
            DATA_OFFER.IMPORT_DATA,
            DATA_OFFER.EXPORT_DATA,
            DATA_OFFER.STATEMENTS,
            DATA_OFFER.PERIOD_FROM,
            DATA_OFFER.PERIOD_TO,
            DATA_OFFER.PRICE_MILLI_CT_PER_HOME_DAY);
    static final ScopeColumns GRANT =
        new ScopeColumns(
            DATA_GRANT.RESOLUTION,
            DATA_GRANT.IMPORT_DATA,
            DATA_GRANT.EXPORT_DATA,
            DATA_GRANT.STATEMENTS,
            DATA_GRANT.PERIOD_FROM,
            DATA_GRANT.PERIOD_TO,
            DATA_GRANT.PRICE_MILLI_CT_PER_HOME_DAY);

    DataScope read(Record r) {
      return new DataScope(
          DataResolution.ofCode(r.get(resolution)),
          r.get(importData),
          r.get(exportData),
          r.get(statements),
          r.get(periodFrom),
          r.get(periodTo),
          r.get(priceMilliCtPerHomeDay));
    }

    Map<Field<?>, Object> values(DataScope s) {
      Map<Field<?>, Object> values = new LinkedHashMap<>();
      values.put(resolution, s.resolution().code());
      values.put(importData, s.importData());
      values.put(exportData, s.exportData());
      values.put(statements, s.statements());
      values.put(periodFrom, s.periodFrom());
      values.put(periodTo, s.periodTo());
      values.put(priceMilliCtPerHomeDay, s.priceMilliCtPerHomeDay());
      return values;
    }
  }
}
