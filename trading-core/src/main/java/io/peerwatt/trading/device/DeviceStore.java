package io.peerwatt.trading.device;

import static io.peerwatt.db.schema.Tables.ACCOUNT;
import static io.peerwatt.db.schema.Tables.DEVICE;
import static io.peerwatt.db.schema.Tables.ENROLMENT_CODE;
import static io.peerwatt.db.schema.Tables.INGEST_BATCH_NONCE;
import static io.peerwatt.db.schema.Tables.METERING_POINT;

import io.peerwatt.db.schema.tables.records.DeviceRecord;
import io.peerwatt.db.schema.tables.records.EnrolmentCodeRecord;
import io.peerwatt.db.schema.tables.records.MeteringPointRecord;
import io.peerwatt.http.Caller;
import io.peerwatt.http.DeviceRequests;
import io.peerwatt.protocol.keys.PublicKey;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.exception.IntegrityConstraintViolationException;

/**
 * Devices ({@code device}) and their enrolment codes ({@code enrolment_code}): codes made for a
 * metering point, the enrolment that uses one, revocation, who may see a device (whoever may see
 * its metering point), and for the device-signed API the devices by key and the nonces of their
 * requests (which share the upload batches' table and its 24-hour memory). Blocking.
 */
public final class DeviceStore implements DeviceRequests.Devices {
  private final DSLContext dsl;

  public DeviceStore(DSLContext dsl) {
    this.dsl = Objects.requireNonNull(dsl, "dsl");
  }

  /** Makes the certificate of a device being enrolled, inside the enrolment's transaction. */
  public interface Certifier {
    /**
     * The signed certificate, as JSON, for a device of {@code point} with certificate {@code
     * serial}.
     */
    String certificateJson(MeteringPointRecord point, long serial);
  }

  /** Records a one-time enrolment code (only its hash) for a metering point. */
  public void addEnrolmentCode(
      long meteringPointId, byte[] codeHash, long createdBy, Instant createdAt, Instant expiresAt) {
    dsl.insertInto(ENROLMENT_CODE)
        .set(ENROLMENT_CODE.METERING_POINT_ID, meteringPointId)
        .set(ENROLMENT_CODE.CODE_HASH, codeHash)
        .set(ENROLMENT_CODE.CREATED_BY, createdBy)
        .set(ENROLMENT_CODE.CREATED_AT, createdAt)
        .set(ENROLMENT_CODE.EXPIRES_AT, expiresAt)
        .execute();
  }

  /**
   * Enrols {@code deviceKey} with the code of hash {@code codeHash}, in one transaction: the code
   * must be unused and unexpired at {@code now}; the device gets the next certificate serial and
   * the certificate {@code certifier} makes, supersedes the metering point's earlier active devices
   * (key rotation) and uses the code up.
   *
   * @throws EnrolmentRefusal for an unknown, used or expired code, or a key enrolled before
   */
  public DeviceRecord enrol(
      byte[] codeHash,
      PublicKey deviceKey,
      List<String> serials,
      Instant now,
      Certifier certifier) {
    return dsl.transactionResult(
        cfg -> {
          DSLContext tx = cfg.dsl();
          EnrolmentCodeRecord ec =
              tx.selectFrom(ENROLMENT_CODE)
                  .where(ENROLMENT_CODE.CODE_HASH.eq(codeHash))
                  .forUpdate()
                  .fetchOne();
          if (ec == null || ec.getUsedAt() != null || !ec.getExpiresAt().isAfter(now)) {
            // one answer for unknown, used and expired codes: a guesser learns nothing
            throw new EnrolmentRefusal(
                EnrolmentRefusal.Reason.INVALID_ENROLMENT_CODE,
                "the enrolment code is unknown, used or expired");
          }
          MeteringPointRecord mp =
              tx.selectFrom(METERING_POINT)
                  .where(METERING_POINT.ID.eq(ec.getMeteringPointId()))
                  .fetchOne();
          long serial = tx.nextval("device_certificate_serial_seq").longValue();
          DeviceRecord device;
          try {
            device =
                tx.insertInto(DEVICE)
                    .set(DEVICE.PUBLIC_KEY, deviceKey.compressedBytes())
                    .set(DEVICE.METERING_POINT_ID, mp.getId())
                    .set(DEVICE.METER_SERIAL, serials.isEmpty() ? null : serials.get(0))
                    .set(DEVICE.METER_SERIALS, serials.toArray(String[]::new))
                    .set(DEVICE.STATUS, DeviceStatus.ACTIVE.code())
                    .set(DEVICE.ENROLLED_AT, now)
                    .set(DEVICE.CERTIFICATE_SERIAL, serial)
                    .set(DEVICE.CERTIFICATE, certifier.certificateJson(mp, serial))
                    .returning()
                    .fetchOne();
          } catch (IntegrityConstraintViolationException e) {
            throw new EnrolmentRefusal(
                EnrolmentRefusal.Reason.DEVICE_KEY_IN_USE,
                "this device key is already enrolled; make a new key to re-enrol");
          }
          // key rotation: the metering point's earlier active devices stop being trusted for new
          // readings
          tx.update(DEVICE)
              .set(DEVICE.STATUS, DeviceStatus.ROTATED.code())
              .set(DEVICE.SUPERSEDED_BY, device.getId())
              .where(DEVICE.METERING_POINT_ID.eq(mp.getId()))
              .and(DEVICE.STATUS.eq(DeviceStatus.ACTIVE.code()))
              .and(DEVICE.ID.ne(device.getId()))
              .execute();
          tx.update(ENROLMENT_CODE)
              .set(ENROLMENT_CODE.USED_AT, now)
              .set(ENROLMENT_CODE.USED_BY_DEVICE_ID, device.getId())
              .where(ENROLMENT_CODE.ID.eq(ec.getId()))
              .execute();
          return device;
        });
  }

  /** The devices whose metering point {@code caller} may read, oldest first. */
  public List<DeviceRecord> visibleTo(Caller caller) {
    return dsl.select(DEVICE.fields())
        .from(DEVICE)
        .join(METERING_POINT)
        .on(METERING_POINT.ID.eq(DEVICE.METERING_POINT_ID))
        .where(MeteringPointStore.visibility(caller))
        .orderBy(DEVICE.ID)
        .fetchInto(DEVICE);
  }

  /** The device {@code id} if {@code caller} may read its metering point. */
  public Optional<DeviceRecord> visible(Caller caller, long id) {
    return Optional.ofNullable(
        dsl.select(DEVICE.fields())
            .from(DEVICE)
            .join(METERING_POINT)
            .on(METERING_POINT.ID.eq(DEVICE.METERING_POINT_ID))
            .where(DEVICE.ID.eq(id))
            .and(MeteringPointStore.visibility(caller))
            .fetchOneInto(DEVICE));
  }

  /** Revokes the device unless it is revoked already; returns it as stored afterwards. */
  public DeviceRecord revoke(long id, Instant now) {
    dsl.update(DEVICE)
        .set(DEVICE.STATUS, DeviceStatus.REVOKED.code())
        .set(DEVICE.REVOKED_AT, now)
        .where(DEVICE.ID.eq(id))
        .and(DEVICE.STATUS.ne(DeviceStatus.REVOKED.code()))
        .execute();
    return dsl.selectFrom(DEVICE).where(DEVICE.ID.eq(id)).fetchOne();
  }

  @Override
  public Optional<DeviceRequests.EnrolledDevice> byKey(PublicKey key) {
    return dsl.select(
            DEVICE.ID, DEVICE.STATUS, ACCOUNT.ID, ACCOUNT.ZONE_CODE, DEVICE.METERING_POINT_ID)
        .from(DEVICE)
        .join(METERING_POINT)
        .on(METERING_POINT.ID.eq(DEVICE.METERING_POINT_ID))
        .join(ACCOUNT)
        .on(ACCOUNT.ID.eq(METERING_POINT.ACCOUNT_ID))
        .where(DEVICE.PUBLIC_KEY.eq(key.compressedBytes()))
        .fetchOptional(
            r ->
                new DeviceRequests.EnrolledDevice(
                    r.value1(),
                    r.value2(),
                    DeviceStatus.ACTIVE.code().equals(r.value2()),
                    r.value3(),
                    r.value4(),
                    r.value5()));
  }

  @Override
  public boolean recordNonce(long deviceId, byte[] nonce, Instant sentAt) {
    return dsl.insertInto(INGEST_BATCH_NONCE)
            .set(INGEST_BATCH_NONCE.DEVICE_ID, deviceId)
            .set(INGEST_BATCH_NONCE.NONCE, nonce)
            .set(INGEST_BATCH_NONCE.SENT_AT, sentAt)
            .onConflictDoNothing()
            .execute()
        > 0;
  }
}
