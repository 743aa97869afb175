package io.peerwatt.trading.ingest;

import static io.peerwatt.db.schema.Tables.DEVICE;
import static io.peerwatt.db.schema.Tables.DEVICE_CHANNEL;
import static io.peerwatt.db.schema.Tables.READING_CHAIN_RESTART;

import io.peerwatt.db.schema.tables.records.DeviceChannelRecord;
import io.peerwatt.db.schema.tables.records.DeviceRecord;
import io.peerwatt.protocol.keys.SignatureCheck;
import io.peerwatt.protocol.reading.ChainHead;
import io.peerwatt.protocol.reading.ChainRestart;
import io.peerwatt.trading.device.DeviceStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import org.jooq.DSLContext;

/**
 * Records device-signed chain restarts (protocol/READING-FORMAT.md, section 7): a gateway whose
 * reading chain the platform refused permanently resumes it, and the restart moves the chain's head
 * to the resume point. A restart is accepted only from an active device, with a valid signature,
 * naming exactly where the platform's chain stands, so it can only move a chain forward and a
 * replay after the chain moved on is refused. The event is kept verbatim (the gap stays visible in
 * the readings and the utility report). Blocking: run it on a worker thread.
 */
public final class ChainRestarts {
  /** What recording a restart did. */
  public record Recorded(long restartId, long deviceId, boolean duplicate) {}

  private final DSLContext dsl;
  private final Clock clock;
  private final Duration maxSkew;

  /**
   * @param maxSkew how far in the future a restart may be dated (the batches' skew)
   */
  public ChainRestarts(DSLContext dsl, Clock clock, Duration maxSkew) {
    this.dsl = Objects.requireNonNull(dsl, "dsl");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.maxSkew = Objects.requireNonNull(maxSkew, "maxSkew");
  }

  /**
   * Verifies and records {@code signed}; the same restart again is answered as a duplicate. Throws
   * {@link IngestRefusal} when it is stale, badly signed, from an unknown or inactive device, or
   * names a position the chain is not at.
   */
  public Recorded record(ChainRestart.Signed signed) {
    ChainRestart restart = signed.restart();
    Instant now = clock.instant();
    if (restart.restartedAt().isAfter(now.plus(maxSkew))
        || restart.restartedAt().isBefore(now.minus(ReadingIngest.NONCE_WINDOW))) {
      throw new IngestRefusal(
          IngestRefusal.Reason.STALE_RESTART,
          "restartedAt must be within "
              + ReadingIngest.NONCE_WINDOW.toHours()
              + " h before and "
              + maxSkew.toSeconds()
              + " s after the platform clock ("
              + now
              + ")");
    }
    if (signed.verify() != SignatureCheck.VALID) {
      throw new IngestRefusal(
          IngestRefusal.Reason.BAD_RESTART_SIGNATURE,
          "the restart signature does not verify with deviceKey");
    }
    return dsl.transactionResult(tx -> store(tx.dsl(), signed, now));
  }

  private static Recorded store(DSLContext dsl, ChainRestart.Signed signed, Instant now) {
    ChainRestart restart = signed.restart();
    DeviceRecord device =
        dsl.selectFrom(DEVICE)
            .where(DEVICE.PUBLIC_KEY.eq(restart.deviceKey().compressedBytes()))
            .fetchOne();
    if (device == null) {
      throw new IngestRefusal(
          IngestRefusal.Reason.UNKNOWN_DEVICE, "no device is enrolled with this key");
    }
    if (!DeviceStatus.ACTIVE.code().equals(device.getStatus())) {
      throw new IngestRefusal(
          IngestRefusal.Reason.DEVICE_NOT_ACTIVE, "the device is " + device.getStatus());
    }
    byte[] digest = restart.digest();
    Long known =
        dsl.select(READING_CHAIN_RESTART.ID)
            .from(READING_CHAIN_RESTART)
            .where(READING_CHAIN_RESTART.DIGEST.eq(digest))
            .and(READING_CHAIN_RESTART.DEVICE_ID.eq(device.getId()))
            .fetchOne(READING_CHAIN_RESTART.ID);
    if (known != null) {
      return new Recorded(known, device.getId(), true);
    }
    DeviceChannelRecord chain =
        dsl.selectFrom(DEVICE_CHANNEL)
            .where(DEVICE_CHANNEL.DEVICE_ID.eq(device.getId()))
            .and(DEVICE_CHANNEL.METER_CHANNEL.eq(restart.channel()))
            .fetchOne();
    ChainHead head = chain == null ? null : head(chain);
    boolean standsThere =
        restart.fromNothing()
            ? head == null
            : head != null
                && head.sequence() == restart.lastSequence()
                && head.hashIs(restart.lastHash());
    if (!standsThere) {
      throw chainMoved(restart, head);
    }
    long id =
        dsl.insertInto(READING_CHAIN_RESTART)
            .set(READING_CHAIN_RESTART.DEVICE_ID, device.getId())
            .set(READING_CHAIN_RESTART.METER_CHANNEL, restart.channel())
            .set(READING_CHAIN_RESTART.LAST_SEQUENCE, restart.lastSequence())
            .set(READING_CHAIN_RESTART.LAST_HASH, restart.lastHash())
            .set(READING_CHAIN_RESTART.LAST_TAKEN_AT, head == null ? null : head.takenAt())
            .set(READING_CHAIN_RESTART.RESUME_SEQUENCE, restart.resumeSequence())
            .set(READING_CHAIN_RESTART.RESUME_PREV_HASH, restart.resumePrevHash())
            .set(READING_CHAIN_RESTART.REASON_CODE, (short) restart.reason().code())
            .set(READING_CHAIN_RESTART.RESTARTED_AT, restart.restartedAt())
            .set(READING_CHAIN_RESTART.DIGEST, digest)
            .set(READING_CHAIN_RESTART.SIGNATURE, signed.signature())
            .set(READING_CHAIN_RESTART.RECEIVED_AT, now)
            .returning(READING_CHAIN_RESTART.ID)
            .fetchOne()
            .getId();
    // the next reading links to the resume point; time and counters keep the last accepted
    // reading's (none: the epoch and zero), and its counters are free
    DeviceChannelRecord resumed = dsl.newRecord(DEVICE_CHANNEL);
    resumed.setDeviceId(device.getId());
    resumed.setMeterChannel(restart.channel());
    resumed.setLastSequence(restart.resumeSequence() - 1);
    resumed.setLastReadingHash(restart.resumePrevHash());
    resumed.setLastTakenAt(head == null ? Instant.EPOCH : head.takenAt());
    resumed.setLastImportWh(head == null ? 0L : head.importWh());
    resumed.setLastExportWh(head == null ? 0L : head.exportWh());
    resumed.setRestarted(true);
    resumed.setUpdatedAt(now);
    // no row lock, as in ingestion: the chain moves only from where it was read, else the
    // transaction rolls back (an ingest writer that read the old head finds its chain moved)
    int moved =
        head == null
            ? dsl.insertInto(DEVICE_CHANNEL)
                .set(resumed)
                .onConflict(DEVICE_CHANNEL.DEVICE_ID, DEVICE_CHANNEL.METER_CHANNEL)
                .doNothing()
                .execute()
            : dsl.update(DEVICE_CHANNEL)
                .set(resumed)
                .where(DEVICE_CHANNEL.DEVICE_ID.eq(device.getId()))
                .and(DEVICE_CHANNEL.METER_CHANNEL.eq(restart.channel()))
                .and(DEVICE_CHANNEL.LAST_SEQUENCE.eq(head.sequence()))
                .and(DEVICE_CHANNEL.LAST_READING_HASH.eq(head.hash()))
                .execute();
    if (moved != 1) {
      ChainHead current =
          dsl.selectFrom(DEVICE_CHANNEL)
              .where(DEVICE_CHANNEL.DEVICE_ID.eq(device.getId()))
              .and(DEVICE_CHANNEL.METER_CHANNEL.eq(restart.channel()))
              .fetchOptional()
              .map(ChainRestarts::head)
              .orElse(null);
      throw chainMoved(restart, current);
    }
    return new Recorded(id, device.getId(), false);
  }

  /** Where a chain stands as its {@code device_channel} row keeps it. */
  static ChainHead head(DeviceChannelRecord c) {
    return new ChainHead(
        c.getLastSequence(),
        c.getLastReadingHash(),
        c.getLastTakenAt(),
        c.getLastImportWh(),
        c.getLastExportWh(),
        c.getRestarted());
  }

  private static IngestRefusal chainMoved(ChainRestart restart, ChainHead head) {
    return new IngestRefusal(
        IngestRefusal.Reason.CHAIN_MOVED,
        "the chain of channel "
            + restart.channel()
            + (head == null
                ? " has no reading on the platform (lastHash must be all zero)"
                : " stands at sequence "
                    + head.sequence()
                    + " with hash "
                    + HexFormat.of().formatHex(head.hash())));
  }
}
