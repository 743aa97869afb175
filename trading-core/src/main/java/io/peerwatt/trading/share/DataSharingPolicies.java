package io.peerwatt.trading.share;

import static io.peerwatt.db.schema.Tables.ACCOUNT;
import static io.peerwatt.db.schema.Tables.DATA_APPLICATION;
import static io.peerwatt.db.schema.Tables.DATA_GRANT;
import static io.peerwatt.db.schema.Tables.DATA_OFFER;
import static io.peerwatt.db.schema.Tables.DATA_SHARING_POLICY;

import io.peerwatt.db.schema.tables.records.DataSharingPolicyRecord;
import io.peerwatt.http.ApiError;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A household's standing data-sharing policy ({@code data_sharing_policy}): "accept offers of at
 * most this resolution, with or without statements, paying at least this much per home per day,
 * from approved applications". Applied when an offer is published and, when a policy is set, to the
 * open offers its household has never held a grant of; every grant it makes goes through {@link
 * DataGrants#accept} like an acceptance by hand, at most once per offer and household (a revoked
 * grant is not made again). Blocking.
 */
public final class DataSharingPolicies {
  private static final Logger LOG = LoggerFactory.getLogger(DataSharingPolicies.class);

  /**
   * A household's policy.
   *
   * @param finestResolution the finest resolution it shares: offers at it or coarser match
   * @param statements whether offers asking for statements match
   * @param minPriceMilliCtPerHomeDay the least price (0.001 ct per home per day) that matches
   */
  public record Policy(
      long accountId,
      DataResolution finestResolution,
      boolean statements,
      long minPriceMilliCtPerHomeDay,
      Instant setAt) {

    /** Whether an open offer of an approved application with {@code scope} matches this policy. */
    public boolean matches(DataScope scope) {
      return scope.resolution().step().compareTo(finestResolution.step()) >= 0
          && (statements || !scope.statements())
          && scope.priceMilliCtPerHomeDay() >= minPriceMilliCtPerHomeDay;
    }
  }

  /** A policy as set, with the grants setting it made at once. */
  public record PolicySet(Policy policy, List<DataGrants.Grant> granted) {}

  private final DSLContext dsl;
  private final DataGrants grants;

  public DataSharingPolicies(DSLContext dsl, DataGrants grants) {
    this.dsl = Objects.requireNonNull(dsl, "dsl");
    this.grants = Objects.requireNonNull(grants, "grants");
  }

  public Optional<Policy> of(long accountId) {
    return dsl.selectFrom(DATA_SHARING_POLICY)
        .where(DATA_SHARING_POLICY.ACCOUNT_ID.eq(accountId))
        .fetchOptional()
        .map(DataSharingPolicies::toPolicy);
  }

  /**
   * Sets household {@code accountId}'s policy, replacing any it had, and grants every open offer of
   * an approved application it matches and the household never held a grant of.
   */
  public PolicySet set(
      long accountId,
      DataResolution finestResolution,
      boolean statements,
      long minPriceMilliCtPerHomeDay,
      Instant now) {
    if (finestResolution == null) {
      throw ApiError.badRequest(
          "INVALID_RESOLUTION", "finestResolution is 15min, hourly or daily", "finestResolution");
    }
    if (minPriceMilliCtPerHomeDay < 0) {
      throw ApiError.badRequest(
          "INVALID_PRICE", "minPriceMilliCtPerHomeDay is 0 or more", "minPriceMilliCtPerHomeDay");
    }
    dsl.insertInto(DATA_SHARING_POLICY)
        .set(DATA_SHARING_POLICY.ACCOUNT_ID, accountId)
        .set(DATA_SHARING_POLICY.FINEST_RESOLUTION, finestResolution.code())
        .set(DATA_SHARING_POLICY.STATEMENTS, statements)
        .set(DATA_SHARING_POLICY.MIN_PRICE_MILLI_CT_PER_HOME_DAY, minPriceMilliCtPerHomeDay)
        .set(DATA_SHARING_POLICY.SET_AT, now)
        .onConflict(DATA_SHARING_POLICY.ACCOUNT_ID)
        .doUpdate()
        .set(DATA_SHARING_POLICY.FINEST_RESOLUTION, finestResolution.code())
        .set(DATA_SHARING_POLICY.STATEMENTS, statements)
        .set(DATA_SHARING_POLICY.MIN_PRICE_MILLI_CT_PER_HOME_DAY, minPriceMilliCtPerHomeDay)
        .set(DATA_SHARING_POLICY.SET_AT, now)
        .execute();
    Policy policy = of(accountId).orElseThrow();
    List<Long> openOffers =
        dsl.select(DATA_OFFER.ID)
            .from(DATA_OFFER)
            .join(DATA_APPLICATION)
            .on(DATA_APPLICATION.ID.eq(DATA_OFFER.APPLICATION_ID))
            .where(
                DATA_OFFER.STATE.eq(DataGrants.OPEN),
                DATA_APPLICATION.STATE.eq(DataApplications.APPROVED),
                neverGranted(DATA_OFFER.ID, DSL.val(accountId)))
            .orderBy(DATA_OFFER.ID)
            .fetch(DATA_OFFER.ID);
    List<DataGrants.Grant> granted = new ArrayList<>();
    for (long offerId : openOffers) {
      grants
          .offer(offerId)
          .filter(o -> policy.matches(o.scope()))
          .flatMap(o -> grant(accountId, offerId, now))
          .ifPresent(granted::add);
    }
    return new PolicySet(policy, granted);
  }

  /** Removes household {@code accountId}'s policy; the grants it made stay until revoked. */
  public void remove(long accountId) {
    dsl.deleteFrom(DATA_SHARING_POLICY)
        .where(DATA_SHARING_POLICY.ACCOUNT_ID.eq(accountId))
        .execute();
  }

  /**
   * Grants offer {@code offer}, just published, to every enabled household whose policy matches it
   * and that never held a grant of it; answers the grants made.
   */
  public List<DataGrants.Grant> applyTo(DataGrants.Offer offer, Instant now) {
    if (!DataGrants.OPEN.equals(offer.state())) {
      return List.of();
    }
    List<Policy> policies =
        dsl.select(DATA_SHARING_POLICY.fields())
            .from(DATA_SHARING_POLICY)
            .join(ACCOUNT)
            .on(ACCOUNT.ID.eq(DATA_SHARING_POLICY.ACCOUNT_ID))
            .where(
                ACCOUNT.ROLE.eq("prosumer"),
                ACCOUNT.DISABLED_AT.isNull(),
                neverGranted(DSL.val(offer.id()), DATA_SHARING_POLICY.ACCOUNT_ID))
            .orderBy(DATA_SHARING_POLICY.ACCOUNT_ID)
            .fetch(r -> toPolicy(r.into(DATA_SHARING_POLICY)));
    List<DataGrants.Grant> granted = new ArrayList<>();
    for (Policy policy : policies) {
      if (policy.matches(offer.scope())) {
        grant(policy.accountId(), offer.id(), now).ifPresent(granted::add);
      }
    }
    return granted;
  }

  /**
   * The grant a policy makes, as {@link DataGrants#accept} makes it; empty when the household holds
   * one already (a concurrent acceptance by hand or by its policy got there first).
   */
  private Optional<DataGrants.Grant> grant(long accountId, long offerId, Instant now) {
    try {
      DataGrants.Grant g = grants.accept(accountId, offerId, now);
      LOG.info("policy of account {} granted offer {}: grant {}", accountId, offerId, g.id());
      return Optional.of(g);
    } catch (ApiError e) {
      LOG.info(
          "policy of account {} did not grant offer {}: {}", accountId, offerId, e.getMessage());
      return Optional.empty();
    }
  }

  /** Whether the household has never held a grant of the offer, revoked or not. */
  private static Condition neverGranted(Field<Long> offerId, Field<Long> accountId) {
    return DSL.notExists(
        DSL.selectOne()
            .from(DATA_GRANT)
            .where(DATA_GRANT.OFFER_ID.eq(offerId), DATA_GRANT.ACCOUNT_ID.eq(accountId)));
  }

  private static Policy toPolicy(DataSharingPolicyRecord r) {
    return new Policy(
        r.getAccountId(),
        DataResolution.ofCode(r.getFinestResolution()),
        r.getStatements(),
        r.getMinPriceMilliCtPerHomeDay(),
        r.getSetAt());
  }
}
