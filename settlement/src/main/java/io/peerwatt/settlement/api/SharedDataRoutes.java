package io.peerwatt.settlement.api;

import io.peerwatt.http.ApiError;
import io.peerwatt.http.ApiRequests;
import io.peerwatt.http.ApiResource;
import io.peerwatt.http.ApiResponses;
import io.peerwatt.http.Blocking;
import io.peerwatt.http.DataGrantTokens;
import io.peerwatt.protocol.anchor.AnchorItemKind;
import io.peerwatt.settlement.anchor.ItemRef;
import io.peerwatt.settlement.anchor.ProofBundles;
import io.peerwatt.settlement.report.EspiWriter;
import io.peerwatt.settlement.share.GrantedData;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * A third party's data under {@code /api/v1/shared}, with the OAuth 2 access token of a grant (not
 * a login token): exactly the granted readings (resolution, direction, period) with the readings at
 * the interval boundaries named, and the proof bundle of any granted reading (its salted leaf
 * discloses that reading only), as JSON or as a Green Button ESPI feed. Outside the grant: 403.
 * Each answer goes to the grant's access log.
 */
public final class SharedDataRoutes implements ApiResource {
  private final DataGrantTokens grantTokens;
  private final GrantedData data;
  private final ProofBundles proofs;
  private final Blocking blocking;
  private final Clock clock;

  /**
   * @param clock the platform's time: the access log's
   */
  public SharedDataRoutes(
      DataGrantTokens grantTokens,
      GrantedData data,
      ProofBundles proofs,
      Blocking blocking,
      Clock clock) {
    this.grantTokens = grantTokens;
    this.data = data;
    this.proofs = proofs;
    this.blocking = blocking;
    this.clock = clock;
  }

  @Override
  public void addTo(Router api) {
    api.get("/shared/readings").handler(this::readings);
    api.get("/shared/espi").handler(this::espi);
    api.get("/shared/proofs/readings/:deviceId/:channel/:sequence").handler(this::proof);
  }

  private void readings(RoutingContext ctx) {
    Instant from = instant(ctx, "from");
    Instant to = instant(ctx, "to");
    respondForGrant(
        ctx,
        grant -> {
          Instant[] period = GrantedData.period(grant, from, to);
          GrantedData.Delivery d = data.deliver(grant, period[0], period[1]);
          data.log(grant.grantId(), "readings", period[0], period[1], null, clock.instant());
          return json(grant, d);
        });
  }

  /** The same delivery as {@link #readings}, as a Green Button ESPI feed. */
  private void espi(RoutingContext ctx) {
    Instant from = instant(ctx, "from");
    Instant to = instant(ctx, "to");
    grantTokens
        .check(ctx.request().getHeader("authorization"))
        .compose(
            grant ->
                blocking.run(
                    () -> {
                      Instant[] period = GrantedData.period(grant, from, to);
                      GrantedData.Delivery d = data.deliver(grant, period[0], period[1]);
                      byte[] xml = EspiWriter.write(data.espi(grant, d));
                      data.log(
                          grant.grantId(), "espi", period[0], period[1], null, clock.instant());
                      return Buffer.buffer(xml);
                    }))
        .onSuccess(xml -> ctx.response().putHeader("content-type", "application/atom+xml").end(xml))
        .onFailure(ctx::fail);
  }

  private void proof(RoutingContext ctx) {
    long deviceId = ApiRequests.pathLong(ctx, "deviceId");
    long channel = ApiRequests.pathLong(ctx, "channel");
    long sequence = ApiRequests.pathLong(ctx, "sequence");
    respondForGrant(
        ctx,
        grant -> {
          if (!data.discloses(grant, deviceId, (int) channel, sequence)) {
            throw ApiError.forbidden("this reading is outside the grant");
          }
          String ref = ItemRef.reading(deviceId, (int) channel, sequence);
          JsonObject bundle = ProofRoutes.answer(proofs, AnchorItemKind.READING, ref);
          Instant now = clock.instant();
          data.log(grant.grantId(), "proof", now, now, ref, now);
          return bundle;
        });
  }

  /** What the grant's data request asks for. */
  private interface GrantedWork {
    JsonObject answer(DataGrantTokens.GrantAccess grant) throws Exception;
  }

  /**
   * Answers 200 with what {@code work} makes, off the event loop, for the grant the request's
   * access token names (a refused token fails the request).
   */
  private void respondForGrant(RoutingContext ctx, GrantedWork work) {
    ApiResponses.respond(
        ctx,
        200,
        grantTokens
            .check(ctx.request().getHeader("authorization"))
            .compose(grant -> blocking.run(() -> work.answer(grant))));
  }

  private static JsonObject json(DataGrantTokens.GrantAccess grant, GrantedData.Delivery d) {
    JsonArray points = new JsonArray();
    for (GrantedData.Point p : d.points()) {
      JsonArray intervals = new JsonArray();
      for (GrantedData.Interval i : p.intervals()) {
        JsonObject o = new JsonObject().put("start", i.start().toString());
        if (i.importWh() != null) {
          o.put("importWh", i.importWh());
        }
        if (i.exportWh() != null) {
          o.put("exportWh", i.exportWh());
        }
        intervals.add(o.put("estimated", i.estimated()).put("missing", i.missing()));
      }
      points.add(
          new JsonObject().put("meteringPointId", p.meteringPointId()).put("intervals", intervals));
    }
    JsonArray boundaries = new JsonArray();
    d.boundaries()
        .forEach(
            (at, refs) -> {
              JsonArray readings = new JsonArray();
              refs.forEach(
                  r ->
                      readings.add(
                          new JsonObject()
                              .put("deviceId", r.deviceId())
                              .put("channel", r.channel())
                              .put("sequence", r.sequence())
                              .put("takenAt", r.takenAt().toString())
                              .put(
                                  "proof",
                                  "/api/v1/shared/proofs/readings/"
                                      + ItemRef.reading(r.deviceId(), r.channel(), r.sequence()))));
              boundaries.add(new JsonObject().put("at", at.toString()).put("readings", readings));
            });
    return new JsonObject()
        .put("grantId", grant.grantId())
        .put("resolution", grant.resolution())
        .put("from", d.from().toString())
        .put("to", d.to().toString())
        .put("points", points)
        .put("boundaries", boundaries);
  }

  private static Instant instant(RoutingContext ctx, String name) {
    String value = ctx.request().getParam(name);
    if (value == null) {
      return null;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw ApiError.badRequest("INVALID_TIME", name + " is not an ISO 8601 UTC instant", name);
    }
  }
}
