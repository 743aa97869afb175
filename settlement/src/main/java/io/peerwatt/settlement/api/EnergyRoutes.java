package io.peerwatt.settlement.api;

import io.peerwatt.http.ApiError;
import io.peerwatt.http.ApiRequests;
import io.peerwatt.http.ApiResource;
import io.peerwatt.http.Blocking;
import io.peerwatt.http.Caller;
import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.statement.Statement;
import io.peerwatt.settlement.SettlementViews;
import io.peerwatt.settlement.report.EspiFeed;
import io.peerwatt.settlement.report.EspiFeeds;
import io.peerwatt.settlement.report.EspiWriter;
import io.peerwatt.settlement.usage.EnergySeries;
import io.peerwatt.settlement.usage.JdbcUsageSource;
import io.peerwatt.settlement.usage.PointUsage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /api/v1/energy}: what the meters of a household (a prosumer's own; an operator's
 * {@code account}) or of a whole zone (a utility's own; an operator's {@code zone}) measured per
 * interval, with what was traded peer-to-peer and the rest the grid supplied or took; with {@code
 * format=espi} the same as a Green Button ESPI feed (every metering point, quarter-hours, the
 * statements' money in its usage summary).
 */
public final class EnergyRoutes implements ApiResource {
  private final JdbcUsageSource usage;
  private final SettlementViews views;
  private final Blocking blocking;

  public EnergyRoutes(JdbcUsageSource usage, SettlementViews views, Blocking blocking) {
    this.usage = usage;
    this.views = views;
    this.blocking = blocking;
  }

  @Override
  public void addTo(Router router) {
    router.get("/energy").handler(this::energy);
  }

  /** Whose energy: a zone, and one account in it or (null) all of them. */
  private record Scope(String zone, Long accountId) {
    String name() {
      return accountId == null ? "zone " + zone : "household " + accountId;
    }
  }

  private static Scope scope(RoutingContext ctx, Caller caller) {
    Object zoneParam = ApiRequests.query(ctx, "zone");
    Object accountParam = ApiRequests.query(ctx, "account");
    String zone = zoneParam == null ? caller.zoneCode() : zoneParam.toString();
    Long account = accountParam == null ? null : ((Number) accountParam).longValue();
    switch (caller.role()) {
      case PROSUMER -> {
        if (account != null && account != caller.accountId()
            || zoneParam != null && !zoneParam.equals(caller.zoneCode())) {
          throw ApiError.forbidden("a household sees its own energy only");
        }
        return new Scope(caller.zoneCode(), caller.accountId());
      }
      case UTILITY -> {
        if (account != null || zone == null || !zone.equals(caller.zoneCode())) {
          throw ApiError.forbidden("a utility sees the energy of its own zone");
        }
        return new Scope(zone, null);
      }
      case THIRD_PARTY ->
          throw ApiError.forbidden("a third party reads household data through a data grant");
      default -> {
        if (zone == null) {
          throw ApiError.badRequest("MISSING_ZONE", "zone is required", "zone");
        }
        return new Scope(zone, account);
      }
    }
  }

  private void energy(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx);
    Scope scope = scope(ctx, caller);
    Instant from = DeliverySlot.containing(ApiRequests.queryInstant(ctx, "from")).start();
    Instant to = DeliverySlot.containing(ApiRequests.queryInstant(ctx, "to").minusNanos(1)).end();
    Object resolutionParam = ApiRequests.query(ctx, "resolution");
    EnergySeries.Resolution resolution =
        resolutionParam == null
            ? EnergySeries.Resolution.PT15M
            : EnergySeries.Resolution.valueOf(resolutionParam.toString());
    boolean espi = "espi".equals(ApiRequests.query(ctx, "format"));
    if (!from.isBefore(to)) {
      throw ApiError.badRequest("INVALID_PERIOD", "from must be before to", "from");
    }
    Duration longest = espi ? Duration.ofDays(400) : resolution.longestPeriod();
    if (Duration.between(from, to).compareTo(longest) > 0) {
      throw ApiError.badRequest(
          "PERIOD_TOO_LONG",
          "at most " + longest.toDays() + " days at resolution " + resolution,
          "to");
    }
    blocking
        .run(
            () -> {
              JdbcUsageSource.ZoneInfo zone =
                  usage
                      .zone(scope.zone())
                      .orElseThrow(() -> ApiError.notFound("trading zone " + scope.zone()));
              List<PointUsage> points = usage.usage(scope.zone(), scope.accountId(), from, to);
              if (espi) {
                List<Statement> statements = new ArrayList<>();
                views
                    .statements(scope.zone(), scope.accountId(), from, to)
                    .forEach(s -> statements.add(s.statement()));
                return Buffer.buffer(
                    EspiWriter.write(
                        new EspiFeed(
                            scope.name(),
                            from,
                            to,
                            zone.timeZone(),
                            zone.currency(),
                            EspiFeeds.points(points, statements))));
              }
              List<EnergySeries.Interval> intervals =
                  EnergySeries.aggregate(
                      points,
                      usage.trades(scope.zone(), scope.accountId(), from, to),
                      EnergySeries.intervals(from, to, resolution, zone.timeZone()));
              return Buffer.buffer(json(scope, zone, from, to, resolution, points, intervals));
            })
        .onSuccess(
            body ->
                ctx.response()
                    .putHeader("content-type", espi ? "application/atom+xml" : "application/json")
                    .end(body))
        .onFailure(ctx::fail);
  }

  private static String json(
      Scope scope,
      JdbcUsageSource.ZoneInfo zone,
      Instant from,
      Instant to,
      EnergySeries.Resolution resolution,
      List<PointUsage> points,
      List<EnergySeries.Interval> intervals) {
    JsonArray items = new JsonArray();
    long[] totals = new long[6];
    for (EnergySeries.Interval i : intervals) {
      items.add(
          new JsonObject()
              .put("start", i.start().toString())
              .put("end", i.end().toString())
              .put("importWh", i.importWh())
              .put("exportWh", i.exportWh())
              .put("boughtWh", i.boughtWh())
              .put("soldWh", i.soldWh())
              .put("gridImportWh", i.gridImportWh())
              .put("gridExportWh", i.gridExportWh())
              .put("estimated", i.estimated())
              .put("missing", i.missing()));
      long[] add = {
        i.importWh(), i.exportWh(), i.boughtWh(), i.soldWh(), i.gridImportWh(), i.gridExportWh()
      };
      for (int k = 0; k < totals.length; k++) {
        totals[k] = Math.addExact(totals[k], add[k]);
      }
    }
    JsonArray pointIds = new JsonArray();
    points.forEach(p -> pointIds.add(p.meteringPointId()));
    return new JsonObject()
        .put("zone", scope.zone())
        .put("accountId", scope.accountId())
        .put("timeZone", zone.timeZone().getId())
        .put("from", from.toString())
        .put("to", to.toString())
        .put("resolution", resolution.name())
        .put("meteringPoints", pointIds)
        .put("intervals", items)
        .put(
            "totals",
            new JsonObject()
                .put("importWh", totals[0])
                .put("exportWh", totals[1])
                .put("boughtWh", totals[2])
                .put("soldWh", totals[3])
                .put("gridImportWh", totals[4])
                .put("gridExportWh", totals[5]))
        .encode();
  }
}
