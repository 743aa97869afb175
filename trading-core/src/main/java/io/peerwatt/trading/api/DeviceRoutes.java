package io.peerwatt.trading.api;

import io.peerwatt.db.schema.tables.records.DeviceRecord;
import io.peerwatt.db.schema.tables.records.MeteringPointRecord;
import io.peerwatt.http.ApiError;
import io.peerwatt.http.ApiRequests;
import io.peerwatt.http.ApiResource;
import io.peerwatt.http.Blocking;
import io.peerwatt.http.Caller;
import io.peerwatt.http.DeviceRequests;
import io.peerwatt.http.DeviceRequests.DeviceCaller;
import io.peerwatt.http.DeviceRequests.SignedRequest;
import io.peerwatt.http.Handlers;
import io.peerwatt.http.Role;
import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.keys.PublicKey;
import io.peerwatt.trading.device.DeviceStore;
import io.peerwatt.trading.device.Enrolment;
import io.peerwatt.trading.device.EnrolmentRefusal;
import io.peerwatt.trading.device.GatewayAlarms;
import io.peerwatt.trading.device.MeteringPointStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Device enrolment and life cycle ({@link Enrolment}): enrolment codes for a metering point, the
 * gateway's enrolment with one (answered with its certificate), the devices a caller may see, and
 * revocation by the owner or an operator; the alarms a gateway's light client reports
 * (device-signed {@code POST /gateway/alarms}), which the device listing carries as {@code
 * lightClientAlarms}.
 */
public final class DeviceRoutes implements ApiResource {
  private final Enrolment enrolment;
  private final DeviceStore devices;
  private final MeteringPointStore points;
  private final GatewayAlarms alarms;
  private final DeviceRequests signed;
  private final Handlers handlers;
  private final Clock clock;

  /**
   * @param alarms the light-client alarms gateways report
   * @param signed authenticates a gateway reporting its alarms
   */
  public DeviceRoutes(
      Enrolment enrolment,
      DeviceStore devices,
      MeteringPointStore points,
      GatewayAlarms alarms,
      DeviceRequests signed,
      Blocking blocking,
      Clock clock) {
    this.enrolment = enrolment;
    this.devices = devices;
    this.points = points;
    this.alarms = alarms;
    this.signed = signed;
    this.handlers = new Handlers(blocking);
    this.clock = clock;
  }

  @Override
  public void addTo(Router router) {
    router.post("/metering-points/:id/enrolment-codes").handler(handlers.created(this::createCode));
    router.post("/devices/enroll").handler(handlers.created(this::enroll));
    router.get("/devices").handler(handlers.ok(this::list));
    router.get("/devices/:id").handler(handlers.ok(this::get));
    router.post("/devices/:id/revoke").handler(handlers.ok(this::revoke));
    router.post("/gateway/alarms").handler(handlers.ok(this::reportAlarms));
  }

  /**
   * A gateway reports its light client's alarms (device-signed). Idempotent: an alarm reported
   * again is stored once; the answer counts the new ones.
   */
  private Callable<JsonObject> reportAlarms(RoutingContext ctx) {
    SignedRequest request = SignedRequest.of(ctx);
    List<GatewayAlarms.Alarm> reported = readAlarms(ApiRequests.body(ctx));
    return () -> {
      DeviceCaller device = signed.authenticate(request);
      int added = alarms.record(device.deviceId(), reported, clock.instant());
      return new JsonObject()
          .put("deviceId", device.deviceId())
          .put("received", reported.size())
          .put("recorded", added);
    };
  }

  /** The alarms of a report; the OpenAPI schema checked the shape, this checks what it cannot. */
  static List<GatewayAlarms.Alarm> readAlarms(JsonObject body) {
    List<GatewayAlarms.Alarm> list = new ArrayList<>();
    JsonArray items = body.getJsonArray("alarms");
    for (int i = 0; i < items.size(); i++) {
      JsonObject a = items.getJsonObject(i);
      String field = "alarms[" + i + "]";
      String kind = a.getString("kind");
      int channel = a.getInteger("channel");
      long sequence = a.getLong("sequence");
      if (!GatewayAlarms.KINDS.contains(kind)) {
        throw ApiError.badRequest(
            "INVALID_ALARM", field + ".kind must be one of " + GatewayAlarms.KINDS, field);
      }
      boolean headers = kind.equals("HEADERS");
      if (headers ? channel != -1 || sequence != -1 : channel < 0 || sequence < 0) {
        throw ApiError.badRequest(
            "INVALID_ALARM",
            field
                + (headers
                    ? ": a HEADERS alarm names no reading (channel and sequence -1)"
                    : ": a " + kind + " alarm names its reading (channel 0..255, sequence >= 0)"),
            field);
      }
      Instant at;
      try {
        at = Instant.parse(a.getString("at"));
      } catch (DateTimeParseException e) {
        throw ApiError.badRequest(
            "INVALID_ALARM", field + ".at is not an ISO-8601 UTC time", field + ".at");
      }
      list.add(new GatewayAlarms.Alarm(kind, channel, sequence, a.getString("detail"), at));
    }
    return list;
  }

  private Callable<JsonObject> createCode(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx).require(Role.PROSUMER, Role.OPERATOR);
    long mpId = ApiRequests.pathLong(ctx, "id");
    JsonObject body = ctx.body().length() == 0 ? new JsonObject() : ApiRequests.body(ctx);
    Duration validity =
        Duration.ofMinutes(
            body.getLong("validMinutes", Enrolment.DEFAULT_CODE_VALIDITY.toMinutes()));
    return () -> {
      MeteringPointRecord mp = MeteringPointRoutes.manageable(points, caller, mpId);
      Enrolment.IssuedCode issued = enrolment.issueCode(mp.getId(), caller.accountId(), validity);
      return new JsonObject()
          .put("code", issued.code())
          .put("meteringPointId", issued.meteringPointId())
          .put("expiresAt", issued.expiresAt().toString());
    };
  }

  private Callable<JsonObject> enroll(RoutingContext ctx) {
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
      throw ApiError.badRequest(
          "INVALID_KEY", "deviceKey is not a compressed secp256k1 key", "deviceKey");
    }
    List<String> serials = b.getJsonArray("meterSerials").stream().map(String::valueOf).toList();
    return () -> {
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
    };
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

  private Callable<JsonObject> list(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx);
    return () -> {
      List<DeviceRecord> visible = devices.visibleTo(caller);
      Map<Long, List<GatewayAlarms.Alarm>> raised =
          alarms.of(visible.stream().map(DeviceRecord::getId).toList());
      JsonArray items = new JsonArray();
      visible.forEach(
          d -> items.add(withAlarms(toJson(d), raised.getOrDefault(d.getId(), List.of()))));
      return new JsonObject().put("devices", items);
    };
  }

  private Callable<JsonObject> get(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx);
    long id = ApiRequests.pathLong(ctx, "id");
    return () ->
        withAlarms(toJson(visible(caller, id)), alarms.of(List.of(id)).getOrDefault(id, List.of()));
  }

  private Callable<JsonObject> revoke(RoutingContext ctx) {
    Caller caller = ApiRequests.caller(ctx).require(Role.PROSUMER, Role.OPERATOR);
    long id = ApiRequests.pathLong(ctx, "id");
    return () -> {
      DeviceRecord device = visible(caller, id);
      MeteringPointRoutes.manageable(points, caller, device.getMeteringPointId());
      return toJson(devices.revoke(id, clock.instant()));
    };
  }

  /** The device if its metering point is visible to the caller, else 404. Blocking. */
  private DeviceRecord visible(Caller caller, long id) {
    return devices.visible(caller, id).orElseThrow(() -> ApiError.notFound("device " + id));
  }

  /** The device's newest light-client alarms as {@code lightClientAlarms}, newest first. */
  private static JsonObject withAlarms(JsonObject device, List<GatewayAlarms.Alarm> raised) {
    JsonArray list = new JsonArray();
    for (GatewayAlarms.Alarm a : raised) {
      list.add(
          new JsonObject()
              .put("kind", a.kind())
              .put("channel", a.channel())
              .put("sequence", a.sequence())
              .put("detail", a.detail())
              .put("at", a.raisedAt().toString()));
    }
    return device.put("lightClientAlarms", list);
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
