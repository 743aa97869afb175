package io.peerwatt.trading.ingest;

import static io.peerwatt.db.schema.Tables.DEVICE;
import static io.peerwatt.db.schema.Tables.DEVICE_CHANNEL;
import static io.peerwatt.db.schema.Tables.INGEST_BATCH_NONCE;
import static io.peerwatt.db.schema.Tables.METERING_POINT;
import static io.peerwatt.db.schema.Tables.READING;

import io.peerwatt.db.schema.tables.records.DeviceChannelRecord;
import io.peerwatt.db.schema.tables.records.DeviceRecord;
import io.peerwatt.db.schema.tables.records.ReadingRecord;
import io.peerwatt.protocol.keys.PublicKey;
import io.peerwatt.protocol.keys.SignatureCheck;
import io.peerwatt.protocol.reading.BatchAndEnrolmentSigning;
import io.peerwatt.protocol.reading.ChainHead;
import io.peerwatt.protocol.reading.MeterReading;
import io.peerwatt.protocol.reading.ReadingChain;
import io.peerwatt.protocol.reading.ReadingChainCheck;
import io.peerwatt.protocol.reading.SignedReading;
import io.peerwatt.trading.device.DeviceStatus;
import io.peerwatt.trading.device.DeviceStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jooq.DSLContext;
import org.jooq.Row2;
import org.jooq.impl.DSL;

/**
 * Verifies one device-signed upload batch and stores its acceptable readings in one transaction.
 * Blocking (CPU for signatures, then JDBC): run it on a worker thread. Per reading, in this order:
 * signature, device key, duplicate or conflict with what is stored, chain continuity ({@link
 * ReadingChain}: sequence, prevHash, time, counters), power plausibility, clock skew. A rejected
 * reading does not advance its chain, so everything after a gap is rejected too, never skipped.
 */
public final class ReadingIngest {
  /** Most readings in one batch; more is answered 413. */
  public static final int MAX_READINGS = 500;

  /** Batches older than this are refused, so their nonces need remembering only this long. */
  static final Duration NONCE_WINDOW = Duration.ofHours(24);

  /**
   * The outcome of one reading.
   *
   * @param head where the reading's chain stands after the batch, for a rejected reading (null when
   *     the platform holds none of that chain, and for accepted and duplicate readings): what a
   *     gateway's chain restart must name
   */
  public record Result(
      int channel, long sequence, Status status, IngestReason reason, ChainHead head) {}

  /** What happened to a reading; the lower-case name is on the wire. */
  public enum Status {
    ACCEPTED,
    DUPLICATE,
    REJECTED
  }

  /** A parsed batch whose signature has not been checked yet. */
  public record Batch(
      PublicKey deviceKey,
      byte[] nonce,
      Instant sentAt,
      List<SignedReading> readings,
      byte[] signature) {}

  private final DSLContext dsl;
  private final Clock clock;
  private final Duration maxSkew;

  /**
   * @param maxSkew how far in the future a reading or batch may be dated
   */
  public ReadingIngest(DSLContext dsl, Clock clock, Duration maxSkew) {
    this.dsl = Objects.requireNonNull(dsl, "dsl");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.maxSkew = Objects.requireNonNull(maxSkew, "maxSkew");
  }

  /**
   * Checks and stores the batch; throws {@link IngestRefusal} for whole-batch refusals (signature,
   * device, replay, stale). Returns one result per reading, in batch order, after the commit.
   */
  public List<Result> ingest(Batch batch) {
    Instant now = clock.instant();
    if (batch.sentAt().isAfter(now.plus(maxSkew))
        || batch.sentAt().isBefore(now.minus(NONCE_WINDOW))) {
      throw new IngestRefusal(
          IngestRefusal.Reason.STALE_BATCH,
          "sentAt must be within "
              + NONCE_WINDOW.toHours()
              + " h before and "
              + maxSkew.toSeconds()
              + " s after the platform clock");
    }
    byte[] digest =
        BatchAndEnrolmentSigning.batchDigest(
            batch.nonce(),
            batch.sentAt(),
            batch.readings().stream().map(SignedReading::hash).toList());
    if (batch.deviceKey().check(digest, batch.signature()) != SignatureCheck.VALID) {
      throw new IngestRefusal(
          IngestRefusal.Reason.BAD_BATCH_SIGNATURE,
          "the batch signature does not verify with deviceKey");
    }
    // signatures first, outside the transaction: the CPU work holds no locks
    SignatureCheck[] signatures = new SignatureCheck[batch.readings().size()];
    for (int i = 0; i < signatures.length; i++) {
      signatures[i] = batch.readings().get(i).verify();
    }
    return dsl.transactionResult(tx -> store(tx.dsl(), batch, signatures, now, maxSkew));
  }

  private static List<Result> store(
      DSLContext dsl, Batch batch, SignatureCheck[] signatures, Instant now, Duration maxSkew) {
    // the row lock serialises concurrent batches of one device, so chains advance one at a time
    DeviceRecord device =
        dsl.selectFrom(DEVICE)
            .where(DEVICE.PUBLIC_KEY.eq(batch.deviceKey().compressedBytes()))
            .forUpdate()
            .fetchOne();
    if (device == null) {
      throw new IngestRefusal(
          IngestRefusal.Reason.UNKNOWN_DEVICE, "no device is enrolled with this key");
    }
    if (!DeviceStatus.ACTIVE.code().equals(device.getStatus())) {
      throw new IngestRefusal(
          IngestRefusal.Reason.DEVICE_NOT_ACTIVE, "the device is " + device.getStatus());
    }
    if (!new DeviceStore(dsl).recordNonce(device.getId(), batch.nonce(), batch.sentAt())) {
      throw new IngestRefusal(
          IngestRefusal.Reason.REPLAYED_BATCH,
          "this batch nonce was used before; sign each upload" + " with a fresh nonce");
    }
    long maxPowerW =
        dsl.select(METERING_POINT.MAX_POWER_W)
            .from(METERING_POINT)
            .where(METERING_POINT.ID.eq(device.getMeteringPointId()))
            .fetchSingle()
            .value1();
    long deviceId = device.getId();

    Map<Integer, ChainHead> heads = heads(dsl, deviceId);
    Map<Slot, byte[]> stored = storedEncodings(dsl, deviceId, batch.readings(), heads);
    List<Result> results = new ArrayList<>(batch.readings().size());
    List<ReadingRecord> accepted = new ArrayList<>();
    Map<Slot, byte[]> acceptedInBatch = new HashMap<>();
    for (int i = 0; i < batch.readings().size(); i++) {
      SignedReading s = batch.readings().get(i);
      MeterReading r = s.reading();
      Slot key = new Slot(r.channel(), r.sequence());
      byte[] encoded = r.encode();
      byte[] existing =
          acceptedInBatch.containsKey(key) ? acceptedInBatch.get(key) : stored.get(key);
      IngestReason reason;
      Status status = Status.REJECTED;
      if (signatures[i] != SignatureCheck.VALID) {
        reason = IngestReason.BAD_SIGNATURE;
      } else if (!r.deviceKey().equals(batch.deviceKey())) {
        reason = IngestReason.WRONG_DEVICE;
      } else if (existing != null) {
        boolean same = Arrays.equals(existing, encoded);
        reason = same ? null : IngestReason.CONFLICT;
        status = same ? Status.DUPLICATE : Status.REJECTED;
      } else {
        reason = check(heads.get(r.channel()), r, maxPowerW, now, maxSkew);
        if (reason == null) {
          status = Status.ACCEPTED;
          heads.put(r.channel(), ChainHead.of(r));
          acceptedInBatch.put(key, encoded);
          accepted.add(record(dsl, deviceId, s, encoded, now));
        }
      }
      results.add(new Result(r.channel(), r.sequence(), status, reason, null));
    }
    if (!accepted.isEmpty()) {
      dsl.batchInsert(accepted).execute();
      saveChains(dsl, deviceId, heads, accepted, now);
    }
    return results.stream()
        .map(
            r ->
                r.status() == Status.REJECTED
                    ? new Result(
                        r.channel(), r.sequence(), r.status(), r.reason(), heads.get(r.channel()))
                    : r)
        .toList();
  }

  /**
   * Null when {@code r} may follow the chain standing at {@code head} (null: the chain has nothing
   * yet), else why not.
   */
  static IngestReason check(
      ChainHead head, MeterReading r, long maxPowerW, Instant now, Duration maxSkew) {
    ReadingChainCheck chain =
        head == null ? ReadingChain.checkFirst(r) : ReadingChain.checkNext(head, r);
    switch (chain) {
      case LINKED -> {}
      case NOT_FIRST -> {
        return IngestReason.NOT_CHAIN_START;
      }
      case SEQUENCE_NOT_NEXT -> {
        return r.sequence() > head.sequence() ? IngestReason.GAP : IngestReason.STALE_SEQUENCE;
      }
      case PREV_HASH_MISMATCH -> {
        return IngestReason.PREV_HASH_MISMATCH;
      }
      case TIME_NOT_INCREASING -> {
        return IngestReason.TIME_NOT_INCREASING;
      }
      case COUNTER_DECREASED -> {
        return IngestReason.COUNTER_DECREASED;
      }
      case DEVICE_CHANGED, CHANNEL_CHANGED -> {
        return IngestReason.WRONG_DEVICE;
      }
    }
    if (Math.abs((long) r.powerW()) > maxPowerW) {
      return IngestReason.POWER_IMPLAUSIBLE;
    }
    if (r.takenAt().isAfter(now.plus(maxSkew))) {
      return IngestReason.FUTURE_TIMESTAMP;
    }
    return null;
  }

  /**
   * Where each chain of the device stands ({@code device_channel}): its last accepted reading, or
   * the resume point of a chain restart.
   */
  static Map<Integer, ChainHead> heads(DSLContext dsl, long deviceId) {
    Map<Integer, ChainHead> heads = new HashMap<>();
    dsl.selectFrom(DEVICE_CHANNEL)
        .where(DEVICE_CHANNEL.DEVICE_ID.eq(deviceId))
        .fetch()
        .forEach(c -> heads.put(c.getMeterChannel(), head(c)));
    return heads;
  }

  static ChainHead head(DeviceChannelRecord c) {
    return new ChainHead(
        c.getLastSequence(),
        c.getLastReadingHash(),
        c.getLastTakenAt(),
        c.getLastImportWh(),
        c.getLastExportWh(),
        c.getRestarted());
  }

  /**
   * Stored encodings of the batch's readings that could be duplicates (at or below their chain's
   * last).
   */
  private static Map<Slot, byte[]> storedEncodings(
      DSLContext dsl, long deviceId, List<SignedReading> readings, Map<Integer, ChainHead> heads) {
    List<Row2<Integer, Long>> candidates = new ArrayList<>();
    for (SignedReading s : readings) {
      ChainHead prev = heads.get(s.reading().channel());
      if (prev != null && s.reading().sequence() <= prev.sequence()) {
        candidates.add(DSL.row(s.reading().channel(), s.reading().sequence()));
      }
    }
    Map<Slot, byte[]> stored = new HashMap<>();
    if (!candidates.isEmpty()) {
      dsl.select(READING.METER_CHANNEL, READING.SEQUENCE, READING.ENCODED)
          .from(READING)
          .where(READING.DEVICE_ID.eq(deviceId))
          .and(DSL.row(READING.METER_CHANNEL, READING.SEQUENCE).in(candidates))
          .fetch()
          .forEach(r -> stored.put(new Slot(r.value1(), r.value2()), r.value3()));
    }
    return stored;
  }

  private static ReadingRecord record(
      DSLContext dsl, long deviceId, SignedReading s, byte[] encoded, Instant now) {
    MeterReading r = s.reading();
    ReadingRecord rec = dsl.newRecord(READING);
    rec.setDeviceId(deviceId);
    rec.setMeterChannel(r.channel());
    rec.setSequence(r.sequence());
    rec.setTakenAt(r.takenAt());
    rec.setImportWh(r.importWh());
    rec.setExportWh(r.exportWh());
    rec.setPowerW((long) r.powerW());
    rec.setQualityFlags(io.peerwatt.protocol.reading.ReadingFlag.toBits(r.flags()));
    rec.setPrevHash(r.prevHash());
    rec.setReadingHash(r.hash());
    rec.setSignature(s.signature());
    rec.setEncoded(encoded);
    rec.setReceivedAt(now);
    return rec;
  }

  private static void saveChains(
      DSLContext dsl,
      long deviceId,
      Map<Integer, ChainHead> heads,
      List<ReadingRecord> accepted,
      Instant now) {
    accepted.stream()
        .map(ReadingRecord::getMeterChannel)
        .distinct()
        .forEach(
            channel -> {
              ChainHead head = heads.get(channel);
              DeviceChannelRecord chain = dsl.newRecord(DEVICE_CHANNEL);
              chain.setDeviceId(deviceId);
              chain.setMeterChannel(channel);
              chain.setLastSequence(head.sequence());
              chain.setLastReadingHash(head.hash());
              chain.setLastTakenAt(head.takenAt());
              chain.setLastImportWh(head.importWh());
              chain.setLastExportWh(head.exportWh());
              chain.setRestarted(false);
              chain.setUpdatedAt(now);
              dsl.insertInto(DEVICE_CHANNEL)
                  .set(chain)
                  .onConflict(DEVICE_CHANNEL.DEVICE_ID, DEVICE_CHANNEL.METER_CHANNEL)
                  .doUpdate()
                  .set(chain)
                  .execute();
            });
  }

  /** Forgets nonces of batches too old to be accepted anyway. Blocking. */
  public int forgetOldNonces() {
    Instant now = clock.instant();
    return dsl.deleteFrom(INGEST_BATCH_NONCE)
        .where(INGEST_BATCH_NONCE.SENT_AT.lt(now.minus(NONCE_WINDOW).minus(Duration.ofHours(1))))
        .execute();
  }

  /** Where a reading sits: its chain (channel) and position (sequence). */
  private record Slot(int channel, long sequence) {}
}
