package io.peerwatt.trading;

import static io.peerwatt.db.schema.Tables.DEVICE;
import static io.peerwatt.db.schema.Tables.ENROLMENT_CODE;
import static io.peerwatt.db.schema.Tables.METERING_POINT;

import io.peerwatt.db.schema.tables.records.DeviceRecord;
import io.peerwatt.db.schema.tables.records.EnrolmentCodeRecord;
import io.peerwatt.db.schema.tables.records.MeteringPointRecord;
import io.peerwatt.protocol.FormatException;
import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.keys.PublicKey;
import io.peerwatt.protocol.keys.SignatureCheck;
import io.peerwatt.protocol.reading.BatchAndEnrolmentSigning;
import io.peerwatt.protocol.reading.DeviceCertificate;
import io.peerwatt.protocol.reading.SignedDeviceCertificate;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.exception.IntegrityConstraintViolationException;

/**
 * Device enrolment and life cycle. An owner (or operator) makes a one-time code for a metering point;
 * the gateway proves possession of its key by signing the code with it; the platform records the
 * device, supersedes any earlier device of that metering point (key rotation: status {@code rotated})
 * and returns a {@link SignedDeviceCertificate} signed with the platform key. Devices can be revoked.
 */
final class DeviceRoutes {
  static final Duration DEFAULT_CODE_VALIDITY = Duration.ofHours(24);
  static final Duration CERTIFICATE_VALIDITY = Duration.ofDays(365);
  /** Crockford base32: no I, L, O, U, so codes survive being read aloud and typed. */
  private static final char[] CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private static final int CODE_CHARS = 26;

  private final ApiContext api;
  private final PrivateKey platformKey;
  private final SecureRandom random;

  DeviceRoutes(ApiContext api, PrivateKey platformKey, SecureRandom random) {
    this.api = api;
    this.platformKey = platformKey;
    this.random = random;
  }

  void addTo(Router router) {
    router.post("/metering-points/:id/enrolment-codes").handler(this::createCode);
    router.post("/devices/enroll").handler(this::enroll);
    router.get("/devices").handler(this::list);
    router.get("/devices/:id").handler(this::get);
    router.post("/devices/:id/revoke").handler(this::revoke);
  }

  private void createCode(RoutingContext ctx) {
    Caller caller = ApiContext.caller(ctx).require(Role.PROSUMER, Role.OPERATOR);
    long mpId = ApiContext.pathLong(ctx, "id");
    JsonObject body = ctx.body().length() == 0 ? new JsonObject() : ApiContext.body(ctx);
    Duration validity = Duration.ofMinutes(body.getLong("validMinutes", DEFAULT_CODE_VALIDITY.toMinutes()));
    String code = newCode();
    ApiContext.respond(ctx, 201, api.blocking(() -> {
      MeteringPointRecord mp = MeteringPointRoutes.manageable(api.dsl(), caller, mpId);
      Instant now = api.clock().instant();
      api.dsl().insertInto(ENROLMENT_CODE)
          .set(ENROLMENT_CODE.METERING_POINT_ID, mp.getId())
          .set(ENROLMENT_CODE.CODE_HASH, codeHash(code))
          .set(ENROLMENT_CODE.CREATED_BY, caller.accountId())
          .set(ENROLMENT_CODE.CREATED_AT, utc(now))
          .set(ENROLMENT_CODE.EXPIRES_AT, utc(now.plus(validity)))
          .execute();
      return new JsonObject().put("code", code).put("meteringPointId", mp.getId())
          .put("expiresAt", now.plus(validity).toString());
    }));
  }

  private void enroll(RoutingContext ctx) {
    JsonObject b = ApiContext.body(ctx);
    String code = b.getString("code");
    PublicKey deviceKey;
    byte[] signature;
    byte[] nonce;
    try {
      deviceKey = PublicKey.fromHex(b.getString("deviceKey"));
      nonce = HexFormat.of().parseHex(b.getString("nonce"));
      signature = HexFormat.of().parseHex(b.getString("signature"));
    } catch (FormatException | IllegalArgumentException e) {
      ctx.fail(ApiError.badRequest("INVALID_KEY", "deviceKey is not a compressed secp256k1 key", "deviceKey"));
      return;
    }
    List<String> serials = b.getJsonArray("meterSerials").stream().map(String::valueOf).toList();
    ApiContext.respond(ctx, 201, api.blocking(() -> {
      byte[] digest = BatchAndEnrolmentSigning.enrolmentDigest(code, deviceKey.compressedBytes(), nonce, serials);
      if (deviceKey.check(digest, signature) != SignatureCheck.VALID) {
        throw new ApiError(401, "BAD_SIGNATURE", "the enrolment is not signed by deviceKey", "signature");
      }
      return api.dsl().transactionResult(tx -> enrollInTransaction(tx.dsl(), code, deviceKey, serials));
    }));
  }

  private JsonObject enrollInTransaction(DSLContext dsl, String code, PublicKey deviceKey, List<String> serials) {
    // certificates carry millisecond times
    Instant now = api.clock().instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    EnrolmentCodeRecord ec = dsl.selectFrom(ENROLMENT_CODE).where(ENROLMENT_CODE.CODE_HASH.eq(codeHash(code)))
        .forUpdate().fetchOne();
    if (ec == null || ec.getUsedAt() != null || !ec.getExpiresAt().toInstant().isAfter(now)) {
      // one answer for unknown, used and expired codes: a guesser learns nothing
      throw new ApiError(401, "INVALID_ENROLMENT_CODE", "the enrolment code is unknown, used or expired", "code");
    }
    MeteringPointRecord mp = dsl.selectFrom(METERING_POINT).where(METERING_POINT.ID.eq(ec.getMeteringPointId())).fetchOne();
    long serial = dsl.nextval("device_certificate_serial_seq").longValue();
    DeviceCertificate certificate = new DeviceCertificate(DeviceCertificate.VERSION_1, serial, deviceKey,
        Long.toString(mp.getId()), Long.toString(mp.getAccountId()), mp.getZoneCode(),
        now, now.plus(CERTIFICATE_VALIDITY), platformKey.publicKey());
    SignedDeviceCertificate signed = SignedDeviceCertificate.sign(certificate, platformKey);
    String certificateJson = Json.write(signed.toJson());
    DeviceRecord device;
    try {
      device = dsl.insertInto(DEVICE)
          .set(DEVICE.PUBLIC_KEY, deviceKey.compressedBytes())
          .set(DEVICE.METERING_POINT_ID, mp.getId())
          .set(DEVICE.METER_SERIAL, serials.isEmpty() ? null : serials.get(0))
          .set(DEVICE.METER_SERIALS, serials.toArray(String[]::new))
          .set(DEVICE.STATUS, DeviceStatus.ACTIVE.code())
          .set(DEVICE.ENROLLED_AT, utc(now))
          .set(DEVICE.CERTIFICATE_SERIAL, serial)
          .set(DEVICE.CERTIFICATE, certificateJson)
          .returning().fetchOne();
    } catch (IntegrityConstraintViolationException e) {
      throw ApiError.conflict("DEVICE_KEY_IN_USE", "this device key is already enrolled; make a new key to re-enrol", "deviceKey");
    }
    // key rotation: the metering point's earlier active devices stop being trusted for new readings
    dsl.update(DEVICE)
        .set(DEVICE.STATUS, DeviceStatus.ROTATED.code())
        .set(DEVICE.SUPERSEDED_BY, device.getId())
        .where(DEVICE.METERING_POINT_ID.eq(mp.getId()))
        .and(DEVICE.STATUS.eq(DeviceStatus.ACTIVE.code()))
        .and(DEVICE.ID.ne(device.getId()))
        .execute();
    dsl.update(ENROLMENT_CODE).set(ENROLMENT_CODE.USED_AT, utc(now)).set(ENROLMENT_CODE.USED_BY_DEVICE_ID, device.getId())
        .where(ENROLMENT_CODE.ID.eq(ec.getId())).execute();
    return new JsonObject().put("deviceId", device.getId()).put("certificate", new JsonObject(certificateJson))
        .put("platformKey", platformKey.publicKey().hex());
  }

  private void list(RoutingContext ctx) {
    Caller caller = ApiContext.caller(ctx);
    ApiContext.respond(ctx, 200, api.blocking(() -> {
      JsonArray items = new JsonArray();
      api.dsl().select(DEVICE.fields()).from(DEVICE).join(METERING_POINT).on(METERING_POINT.ID.eq(DEVICE.METERING_POINT_ID))
          .where(MeteringPointRoutes.visibleTo(caller)).orderBy(DEVICE.ID).fetchInto(DEVICE)
          .forEach(d -> items.add(toJson(d)));
      return new JsonObject().put("devices", items);
    }));
  }

  private void get(RoutingContext ctx) {
    Caller caller = ApiContext.caller(ctx);
    long id = ApiContext.pathLong(ctx, "id");
    ApiContext.respond(ctx, 200, api.blocking(() -> toJson(visible(api.dsl(), caller, id))));
  }

  private void revoke(RoutingContext ctx) {
    Caller caller = ApiContext.caller(ctx).require(Role.PROSUMER, Role.OPERATOR);
    long id = ApiContext.pathLong(ctx, "id");
    ApiContext.respond(ctx, 200, api.blocking(() -> {
      DeviceRecord device = visible(api.dsl(), caller, id);
      MeteringPointRoutes.manageable(api.dsl(), caller, device.getMeteringPointId());
      if (!DeviceStatus.REVOKED.code().equals(device.getStatus())) {
        api.dsl().update(DEVICE).set(DEVICE.STATUS, DeviceStatus.REVOKED.code())
            .set(DEVICE.REVOKED_AT, utc(api.clock().instant())).where(DEVICE.ID.eq(id)).execute();
      }
      return toJson(api.dsl().selectFrom(DEVICE).where(DEVICE.ID.eq(id)).fetchOne());
    }));
  }

  /** The device if its metering point is visible to the caller, else 404. Blocking. */
  static DeviceRecord visible(DSLContext dsl, Caller caller, long id) {
    DeviceRecord d = dsl.select(DEVICE.fields()).from(DEVICE).join(METERING_POINT).on(METERING_POINT.ID.eq(DEVICE.METERING_POINT_ID))
        .where(DEVICE.ID.eq(id)).and(MeteringPointRoutes.visibleTo(caller)).fetchOneInto(DEVICE);
    if (d == null) {
      throw ApiError.notFound("device " + id);
    }
    return d;
  }

  private String newCode() {
    byte[] bytes = new byte[CODE_CHARS];
    random.nextBytes(bytes);
    char[] out = new char[CODE_CHARS];
    for (int i = 0; i < CODE_CHARS; i++) {
      // 32 divides 256, so taking 5 bits of each byte is unbiased: 26 x 5 = 130 random bits
      out[i] = CODE_ALPHABET[bytes[i] & 0x1F];
    }
    return new String(out);
  }

  static byte[] codeHash(String code) {
    return Hashes.sha256(code.getBytes(StandardCharsets.UTF_8));
  }

  static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }

  static JsonObject toJson(DeviceRecord d) {
    return new JsonObject()
        .put("id", d.getId())
        .put("deviceKey", HexFormat.of().formatHex(d.getPublicKey()))
        .put("meteringPointId", d.getMeteringPointId())
        .put("meterSerials", new JsonArray(List.of((Object[]) d.getMeterSerials())))
        .put("status", d.getStatus())
        .put("enrolledAt", d.getEnrolledAt().toInstant().toString())
        .put("revokedAt", d.getRevokedAt() == null ? null : d.getRevokedAt().toInstant().toString())
        .put("supersededBy", d.getSupersededBy())
        .put("certificate", d.getCertificate() == null ? null : new JsonObject(d.getCertificate()));
  }

  /** A device's status as stored ({@code ck_device_status}). */
  enum DeviceStatus {
    ACTIVE("active"),
    REVOKED("revoked"),
    ROTATED("rotated");

    private final String code;

    DeviceStatus(String code) {
      this.code = code;
    }

    String code() {
      return code;
    }
  }
}
