package io.peerwatt.trading.device;

import static io.peerwatt.db.schema.Tables.ACCOUNT;
import static io.peerwatt.db.schema.Tables.DEVICE;
import static io.peerwatt.db.schema.Tables.INGEST_BATCH_NONCE;
import static io.peerwatt.db.schema.Tables.METERING_POINT;

import io.peerwatt.http.DeviceRequests;
import io.peerwatt.protocol.keys.PublicKey;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jooq.DSLContext;

/**
 * The enrolled devices as the device-signed API needs them: found by key with their metering point,
 * account and zone, and the nonces of their requests (which share the upload batches' table and its
 * 24-hour memory). Blocking.
 */
public final class DeviceStore implements DeviceRequests.Devices {
  private final DSLContext dsl;

  public DeviceStore(DSLContext dsl) {
    this.dsl = Objects.requireNonNull(dsl, "dsl");
  }

  @Override
  public Optional<DeviceRequests.EnrolledDevice> byKey(PublicKey key) {
    return dsl.select(DEVICE.ID, DEVICE.STATUS, ACCOUNT.ID, ACCOUNT.ZONE_CODE, DEVICE.METERING_POINT_ID)
        .from(DEVICE)
        .join(METERING_POINT).on(METERING_POINT.ID.eq(DEVICE.METERING_POINT_ID))
        .join(ACCOUNT).on(ACCOUNT.ID.eq(METERING_POINT.ACCOUNT_ID))
        .where(DEVICE.PUBLIC_KEY.eq(key.compressedBytes()))
        .fetchOptional(r -> new DeviceRequests.EnrolledDevice(r.value1(), r.value2(),
            DeviceStatus.ACTIVE.code().equals(r.value2()), r.value3(), r.value4(), r.value5()));
  }

  @Override
  public boolean recordNonce(long deviceId, byte[] nonce, Instant sentAt) {
    return dsl.insertInto(INGEST_BATCH_NONCE)
        .set(INGEST_BATCH_NONCE.DEVICE_ID, deviceId)
        .set(INGEST_BATCH_NONCE.NONCE, nonce)
        .set(INGEST_BATCH_NONCE.SENT_AT, sentAt)
        .onConflictDoNothing().execute() > 0;
  }
}
