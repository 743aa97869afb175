package io.peerwatt.trading.api;

import io.peerwatt.db.schema.tables.records.DeviceRecord;
import io.peerwatt.db.schema.tables.records.MeteringPointRecord;
import io.peerwatt.http.ApiError;
import io.peerwatt.http.ApiRequests;
import io.peerwatt.http.ApiResource;
import io.peerwatt.http.ApiResponses;
import io.peerwatt.http.Blocking;
import io.peerwatt.http.Caller;
import io.peerwatt.http.Role;
import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.keys.PublicKey;
import io.peerwatt.trading.device.DeviceStore;
import io.peerwatt.trading.device.Enrolment;
import io.peerwatt.trading.device.EnrolmentRefusal;
import io.peerwatt.trading.device.MeteringPointStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * Device enrolment and life cycle ({@link Enrolment}): enrolment codes for a metering point, the
 * gateway's enrolment with one (answered with its certificate), the devices a caller may see, and
 * revocation by the owner or an operator.
 */
public final class DeviceRoutes implements ApiResource {
  private final Enrolment enrolment;
  private final DeviceStore devices;
  private final MeteringPointStore points;
  private final Blocking blocking;
  private final Clock clock;

  public DeviceRoutes(
      Enrolment enrolment,
      DeviceStore devices,
      MeteringPointStore points,
      Blocking blocking,
      Clock clock) {
    this.enrolment = enrolment;
    this.devices = devices;
    this.points = points;
    this.blocking = blocking;
    this.clock = clock;
  }

  @Override
  public void addTo(Router router) {
    router.post("/metering-points/:id/enrolment-codes").handler(this::createCode);
    router.post("/devices/enroll").handler(this::enroll);
    router.get("/devices").handler(this::list);
    router.get("/devices/:id").handler(this::get);
    router.post("/devices/:id/revoke").handler(this::revoke);
  }

  private void createCode(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx).require(Role.PROSUMER, Role.OPERATOR);
    long mpId = ApiRequests.pathLong(ctx, "id");
    JsonObject body = ctx.body().length() == 0 ? new JsonObject() : ApiRequests.body(ctx);
    Duration validity =
        Duration.ofMinutes(
            body.getLong("validMinutes", Enrolment.DEFAULT_CODE_VALIDITY.toMinutes()));
    ApiResponses.respond(
        ctx,
        201,
        blocking.run(
            () -> {
              MeteringPointRecord mp = MeteringPointRoutes.manageable(points, caller, mpId);
              Enrolment.IssuedCode issued =
                  enrolment.issueCode(mp.getId(), caller.accountId(), validity);
              return new JsonObject()
                  .put("code", issued.code())
                  .put("meteringPointId", issued.meteringPointId())
                  .put("expiresAt", issued.expiresAt().toString());
            }));
  }

  private void enroll(RoutingContext ctx) {
    JsonObject b = ApiRequests.body(ctx);
    String code = b.getString("code");
    PublicKey deviceKey;
    byte[] signature;
    byte[] nonce;
    try {
      deviceKey = PublicKey.fromHex(b.getString("deviceKey"));
      nonce = HexFormat.of().parseHex(b.getString("nonce"));
      signature = HexFormat.of().parseHex(b.getString("signature"));
    } catch (FormatException | IllegalArgumentException e) {
      ctx.fail(
          ApiError.badRequest(
              "INVALID_KEY", "deviceKey is not a compressed secp256k1 key", "deviceKey"));
      return;
    }
    List<String> serials = b.getJsonArray("meterSerials").stream().map(String::valueOf).toList();
    ApiResponses.respond(
        ctx,
        201,
        blocking.run(
            () -> {
              DeviceRecord device;
              try {
                device = enrolment.enrol(code, deviceKey, nonce, signature, serials);
              } catch (EnrolmentRefusal e) {
                throw refused(e);
              }
              return new JsonObject()
                  .put("deviceId", device.getId())
                  .put("certificate", new JsonObject(device.getCertificate()))
                  .put("platformKey", enrolment.platformKey().hex());
            }));
  }

  /**
   * A refused enrolment as the API answers it: the reason is the code; status and field follow from
   * it.
   */
  private static ApiError refused(EnrolmentRefusal e) {
    return switch (e.reason()) {
      case BAD_SIGNATURE -> new ApiError(401, e.reason().name(), e.getMessage(), "signature");
      case INVALID_ENROLMENT_CODE -> new ApiError(401, e.reason().name(), e.getMessage(), "code");
      case DEVICE_KEY_IN_USE -> ApiError.conflict(e.reason().name(), e.getMessage(), "deviceKey");
    };
  }

  private void list(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx);
    ApiResponses.respond(
        ctx,
        200,
        blocking.run(
            () -> {
              JsonArray items = new JsonArray();
              devices.visibleTo(caller).forEach(d -> items.add(toJson(d)));
              return new JsonObject().put("devices", items);
            }));
  }

  private void get(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx);
    long id = ApiRequests.pathLong(ctx, "id");
    ApiResponses.respond(ctx, 200, blocking.run(() -> toJson(visible(caller, id))));
  }

  private void revoke(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx).require(Role.PROSUMER, Role.OPERATOR);
    long id = ApiRequests.pathLong(ctx, "id");
    ApiResponses.respond(
        ctx,
        200,
        blocking.run(
            () -> {
              DeviceRecord device = visible(caller, id);
              MeteringPointRoutes.manageable(points, caller, device.getMeteringPointId());
              return toJson(devices.revoke(id, clock.instant()));
            }));
  }

  /** The device if its metering point is visible to the caller, else 404. Blocking. */
  private DeviceRecord visible(Caller caller, long id) {
    return devices.visible(caller, id).orElseThrow(() -> ApiError.notFound("device " + id));
  }

  private static JsonObject toJson(DeviceRecord d) {
    return new JsonObject()
        .put("id", d.getId())
        .put("deviceKey", HexFormat.of().formatHex(d.getPublicKey()))
        .put("meteringPointId", d.getMeteringPointId())
        .put("meterSerials", new JsonArray(List.of((Object[]) d.getMeterSerials())))
        .put("status", d.getStatus())
        .put("enrolledAt", d.getEnrolledAt().toString())
        .put("revokedAt", d.getRevokedAt() == null ? null : d.getRevokedAt().toString())
        .put("supersededBy", d.getSupersededBy())
        .put("certificate", d.getCertificate() == null ? null : new JsonObject(d.getCertificate()));
  }
}
