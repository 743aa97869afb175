package io.peerwatt.settlement.api;

import io.peerwatt.http.ApiError;
import io.peerwatt.http.ApiRequests;
import io.peerwatt.http.ApiResource;
import io.peerwatt.http.Blocking;
import io.peerwatt.http.Caller;
import io.peerwatt.http.Role;
import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.settlement.analytics.AnalyticsPolicy;
import io.peerwatt.settlement.analytics.DiscreteLaplace;
import io.peerwatt.settlement.analytics.Epsilon;
import io.peerwatt.settlement.analytics.JdbcAnalyticsStore;
import io.peerwatt.settlement.analytics.PrivacyBudget;
import io.peerwatt.settlement.analytics.ZoneAggregate;
import io.peerwatt.settlement.usage.EnergySeries;
import io.peerwatt.settlement.usage.JdbcUsageSource;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Privacy-preserving zone analytics: {@code GET /api/v1/analytics/zones/{zone}/aggregate}, the
 * zone's households' import and export per interval, only where {@link ZoneAggregate}'s rule lets a
 * cell out and, with {@code milliEpsilon}, with discrete Laplace noise paid from the caller's
 * privacy budget; {@code GET/PUT /api/v1/analytics/zones/{zone}}, the zone's rules and the caller's
 * budget. Utilities (their own zone), operators and third parties; never prosumers.
 */
public final class AnalyticsRoutes implements ApiResource {
  /**
   * A quarter-hour is answered once it ended this long ago: late readings have arrived by then, and
   * the first answer freezes it.
   */
  public static final Duration FINAL_AFTER = Duration.ofDays(1);

  private final JdbcAnalyticsStore store;
  private final JdbcUsageSource usage;
  private final DiscreteLaplace noise;
  private final Blocking blocking;
  private final Clock clock;

  /**
   * @param noise the noise source, over a {@link java.security.SecureRandom}
   */
  public AnalyticsRoutes(
      JdbcAnalyticsStore store,
      JdbcUsageSource usage,
      DiscreteLaplace noise,
      Blocking blocking,
      Clock clock) {
    this.store = store;
    this.usage = usage;
    this.noise = noise;
    this.blocking = blocking;
    this.clock = clock;
  }

  @Override
  public void addTo(Router router) {
    router.get("/analytics/zones/:zone").handler(this::rules);
    router.put("/analytics/zones/:zone").handler(this::putRules);
    router.get("/analytics/zones/:zone/aggregate").handler(this::aggregate);
  }

  /** The zone the caller may ask about: a utility its own, operators and third parties any. */
  private static String zoneFor(RoutingContext ctx, Caller caller) {
    caller.require(Role.UTILITY, Role.OPERATOR, Role.THIRD_PARTY);
    String zone = ApiRequests.pathString(ctx, "zone");
    if (caller.role() == Role.UTILITY && !zone.equals(caller.zoneCode())) {
      throw ApiError.forbidden("a utility sees the aggregates of its own zone");
    }
    return zone;
  }

  private void rules(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx);
    String zone = zoneFor(ctx, caller);
    respond(
        ctx,
        () -> {
          requireZone(zone);
          return rulesJson(zone, store.policy(zone), store.budget(caller.accountId(), zone));
        });
  }

  private void putRules(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx).require(Role.OPERATOR);
    String zone = ApiRequests.pathString(ctx, "zone");
    JsonObject body = ApiRequests.body(ctx);
    AnalyticsPolicy policy =
        new AnalyticsPolicy(
            body.getInteger("minHomes"),
            body.getInteger("dominanceSharePercent"),
            body.getLong("clipWh"),
            body.getLong("budgetMilliEpsilon"));
    respond(
        ctx,
        () -> {
          requireZone(zone);
          store.putPolicy(zone, policy, clock.instant());
          return rulesJson(zone, policy, store.budget(caller.accountId(), zone));
        });
  }

  private void aggregate(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx);
    String zone = zoneFor(ctx, caller);
    Instant from = ApiRequests.queryInstant(ctx, "from");
    Instant to = ApiRequests.queryInstant(ctx, "to");
    Object resolutionParam = ApiRequests.query(ctx, "resolution");
    EnergySeries.Resolution resolution =
        resolutionParam == null
            ? EnergySeries.Resolution.PT15M
            : EnergySeries.Resolution.valueOf(resolutionParam.toString());
    Object epsilonParam = ApiRequests.query(ctx, "milliEpsilon");
    Long milliEpsilon = epsilonParam == null ? null : ((Number) epsilonParam).longValue();
    if (milliEpsilon == null && caller.role() == Role.THIRD_PARTY) {
      throw ApiError.badRequest(
          "EPSILON_REQUIRED",
          "third parties get noisy aggregates only: give milliEpsilon, epsilon in thousandths",
          "milliEpsilon");
    }
    if (!from.isBefore(to)) {
      throw ApiError.badRequest("INVALID_PERIOD", "from must be before to", "from");
    }
    if (Duration.between(from, to).compareTo(resolution.longestPeriod()) > 0) {
      throw ApiError.badRequest(
          "PERIOD_TOO_LONG",
          "at most " + resolution.longestPeriod().toDays() + " days at resolution " + resolution,
          "to");
    }
    Instant now = clock.instant();
    if (to.isAfter(now.minus(FINAL_AFTER))) {
      throw ApiError.badRequest(
          "PERIOD_NOT_FINAL",
          "aggregates cover quarter-hours that ended at least a day ago: to must be at most "
              + DeliverySlot.containing(now.minus(FINAL_AFTER)).start(),
          "to");
    }
    respond(
        ctx,
        () -> {
          ZoneId timeZone = requireZone(zone);
          requireAligned(from, to, resolution, timeZone);
          AnalyticsPolicy policy = store.policy(zone);
          List<ZoneAggregate.Interval> intervals =
              ZoneAggregate.intervals(
                  EnergySeries.intervals(from, to, resolution, timeZone),
                  store.contributions(zone, from, to, now),
                  policy);
          boolean anyEnoughHomes =
              intervals.stream()
                  .anyMatch(
                      i ->
                          i.importValue().suppressed() != ZoneAggregate.Suppression.TOO_FEW_HOMES
                              || i.exportValue().suppressed()
                                  != ZoneAggregate.Suppression.TOO_FEW_HOMES);
          if (!anyEnoughHomes) {
            throw new ApiError(
                422,
                "TOO_FEW_HOMES",
                "no interval of this period has metering from at least "
                    + policy.minHomes()
                    + " households of zone "
                    + zone,
                "from");
          }
          JsonObject answer =
              new JsonObject()
                  .put("zone", zone)
                  .put("from", from.toString())
                  .put("to", to.toString())
                  .put("resolution", resolution.name())
                  .put("timeZone", timeZone.getId())
                  .put("minHomes", policy.minHomes())
                  .put("dominanceSharePercent", policy.dominanceSharePercent());
          boolean anyReleased = intervals.stream().anyMatch(ZoneAggregate.Interval::released);
          if (milliEpsilon == null || !anyReleased) {
            return answer
                .putNull("noise")
                .putNull("budget")
                .put("intervals", intervalsJson(intervals, policy, null));
          }
          JdbcAnalyticsStore.Spending spending =
              store.spend(caller.accountId(), zone, milliEpsilon, from, to, resolution.name(), now);
          if (!spending.granted()) {
            PrivacyBudget left = spending.budget();
            throw new ApiError(
                403,
                "PRIVACY_BUDGET_EXCEEDED",
                "this query needs epsilon "
                    + Epsilon.text(milliEpsilon)
                    + " but only "
                    + Epsilon.text(left.remainingMilli())
                    + " of your budget of "
                    + Epsilon.text(left.totalMilli())
                    + " is left in zone "
                    + zone,
                "milliEpsilon");
          }
          NoiseScale scale = new NoiseScale(policy.clipWh(), milliEpsilon);
          return answer
              .put(
                  "noise",
                  new JsonObject()
                      .put("mechanism", "discrete Laplace")
                      .put("milliEpsilon", milliEpsilon)
                      .put("clipWh", policy.clipWh())
                      .put("sensitivityWh", scale.sensitivityWh()))
              .put("budget", budgetJson(spending.budget()))
              .put("intervals", intervalsJson(intervals, policy, scale));
        });
  }

  /**
   * The noise's scale t/s = sensitivity / epsilon: one household's quarter-hour moves an interval's
   * clipped import sum and its clipped export sum by at most clipWh each.
   */
  private record NoiseScale(long clipWh, long milliEpsilon) {
    long sensitivityWh() {
      return Math.multiplyExact(2L, clipWh);
    }

    long t() {
      return Math.multiplyExact(sensitivityWh(), 1000L);
    }

    long s() {
      return milliEpsilon;
    }
  }

  private JsonArray intervalsJson(
      List<ZoneAggregate.Interval> intervals, AnalyticsPolicy policy, NoiseScale scale) {
    JsonArray out = new JsonArray();
    for (ZoneAggregate.Interval i : intervals) {
      JsonObject item =
          new JsonObject().put("start", i.start().toString()).put("end", i.end().toString());
      if (i.homes() >= policy.minHomes()) {
        item.put("homes", i.homes());
      }
      item.put("import", valueJson(i, i.importValue(), scale));
      item.put("export", valueJson(i, i.exportValue(), scale));
      out.add(item);
    }
    return out;
  }

  private JsonObject valueJson(
      ZoneAggregate.Interval interval, ZoneAggregate.Value value, NoiseScale scale) {
    if (!value.released()) {
      return new JsonObject().put("suppressed", value.suppressed().name());
    }
    long sumWh =
        scale == null
            ? value.sumWh()
            : Math.addExact(value.clippedSumWh(), noise.sample(scale.t(), scale.s()));
    return new JsonObject()
        .put("sumWh", sumWh)
        .put("meanWh", ZoneAggregate.meanWh(sumWh, interval.slots(), interval.homeSlots()));
  }

  private static JsonObject rulesJson(String zone, AnalyticsPolicy policy, PrivacyBudget budget) {
    return new JsonObject()
        .put("zone", zone)
        .put("minHomes", policy.minHomes())
        .put("dominanceSharePercent", policy.dominanceSharePercent())
        .put("clipWh", policy.clipWh())
        .put("budgetMilliEpsilon", policy.budgetMilliEpsilon())
        .put("budget", budgetJson(budget));
  }

  private static JsonObject budgetJson(PrivacyBudget budget) {
    return new JsonObject()
        .put("milliEpsilon", budget.totalMilli())
        .put("spentMilliEpsilon", budget.spentMilli())
        .put("remainingMilliEpsilon", budget.remainingMilli());
  }

  /** The zone's time zone; 404 when it does not trade. */
  private ZoneId requireZone(String zone) {
    return usage.zone(zone).orElseThrow(() -> ApiError.notFound("trading zone " + zone)).timeZone();
  }

  /**
   * Refuses a period that cuts an interval: answers then always consist of whole intervals, on the
   * same boundaries for every client.
   */
  private static void requireAligned(
      Instant from, Instant to, EnergySeries.Resolution resolution, ZoneId timeZone) {
    for (Instant t : List.of(from, to)) {
      boolean aligned =
          switch (resolution) {
            case PT15M -> DeliverySlot.containing(t).start().equals(t);
            case PT1H -> t.truncatedTo(ChronoUnit.HOURS).equals(t);
            case P1D ->
                ZonedDateTime.ofInstant(t, timeZone)
                    .toLocalDate()
                    .atStartOfDay(timeZone)
                    .toInstant()
                    .equals(t);
          };
      if (!aligned) {
        throw ApiError.badRequest(
            "UNALIGNED_PERIOD",
            "from and to must be boundaries of the resolution's intervals ("
                + resolution
                + (resolution == EnergySeries.Resolution.P1D
                    ? ", local midnights in " + timeZone
                    : "")
                + ")",
            t == from ? "from" : "to");
      }
    }
  }

  private void respond(RoutingContext ctx, Callable<JsonObject> work) {
    blocking
        .run(work)
        .onSuccess(
            body -> ctx.response().putHeader("content-type", "application/json").end(body.encode()))
        .onFailure(ctx::fail);
  }
}
