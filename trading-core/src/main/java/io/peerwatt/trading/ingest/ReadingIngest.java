package io.peerwatt.trading.ingest;

import static io.peerwatt.db.schema.Tables.INGEST_BATCH_NONCE;

import io.peerwatt.protocol.keys.PublicKey;
import io.peerwatt.protocol.reading.ChainHead;
import io.peerwatt.protocol.reading.MeterReading;
import io.peerwatt.protocol.reading.SignedReading;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.jooq.DSLContext;

/**
 * Reading ingestion: verifies device-signed upload batches and stores their acceptable readings,
 * durably and idempotently by (device, channel, sequence). A pipeline in two stages:
 *
 * <ol>
 *   <li>checks on a pool of one thread per core: the batch's time window and signature, then every
 *       reading's signature ({@link CheckedBatch}); nothing is locked or read;
 *   <li>storage by a few writer threads, each owning the devices whose key hashes to it: every
 *       batch waiting for a writer goes into one transaction of a few statements, committed with
 *       its WAL on disk ({@link IngestWriter}); the rules per reading are {@link GroupPlan}'s.
 * </ol>
 *
 * A batch's answer comes once its group has committed. One device's batches are stored in the order
 * their checks finish, which is the order they were sent by a gateway that waits for each answer
 * (as gateways do).
 */
public final class ReadingIngest implements ReadingIntake, AutoCloseable {
  /** Most readings in one batch; more is answered 413. */
  public static final int MAX_READINGS = 500;

  /** Writer threads (and connections) unless the constructor says otherwise. */
  public static final int DEFAULT_WRITERS = 2;

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
  private final ExecutorService checks;
  private final IngestWriter[] writers;

  /**
   * With one checking thread per core and {@link #DEFAULT_WRITERS} writers.
   *
   * @param maxSkew how far in the future a reading or batch may be dated
   */
  public ReadingIngest(DSLContext dsl, Clock clock, Duration maxSkew) {
    this(dsl, clock, maxSkew, Runtime.getRuntime().availableProcessors(), DEFAULT_WRITERS);
  }

  /**
   * @param checkThreads threads that check signatures
   * @param writerCount writer threads, each keeping one pooled connection
   */
  public ReadingIngest(
      DSLContext dsl, Clock clock, Duration maxSkew, int checkThreads, int writerCount) {
    this.dsl = Objects.requireNonNull(dsl, "dsl");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.maxSkew = Objects.requireNonNull(maxSkew, "maxSkew");
    if (checkThreads < 1 || writerCount < 1) {
      throw new IllegalArgumentException("at least one checking thread and one writer");
    }
    this.checks = IngestThreads.checkPool(checkThreads);
    this.writers = new IngestWriter[writerCount];
    for (int i = 0; i < writerCount; i++) {
      writers[i] = new IngestWriter(dsl, maxSkew, "peerwatt-ingest-writer-" + (i + 1));
    }
  }

  /**
   * The checks of {@code batch} that need nothing stored: its time window and signature (a whole
   * batch refused throws), then per reading its signature, its device key against the batch's and
   * its time against {@code now}. CPU only, any thread. A reading that passes is {@code ACCEPTED}
   * here; storing it may still refuse it for what only the stored chain shows.
   *
   * @throws IngestRefusal STALE_BATCH or BAD_BATCH_SIGNATURE
   */
  public static List<Result> verify(Batch batch, Instant now, Duration maxSkew) {
    CheckedBatch checked = CheckedBatch.check(batch, now, maxSkew);
    List<Result> results = new ArrayList<>(checked.size());
    for (int i = 0; i < checked.size(); i++) {
      MeterReading r = checked.reading(i);
      IngestReason reason = null;
      if (!checked.signatureValid()[i]) {
        reason = IngestReason.BAD_SIGNATURE;
      } else if (!r.deviceKey().equals(batch.deviceKey())) {
        reason = IngestReason.WRONG_DEVICE;
      } else if (r.takenAt().isAfter(now.plus(maxSkew))) {
        reason = IngestReason.FUTURE_TIMESTAMP;
      }
      results.add(
          new Result(
              r.channel(),
              r.sequence(),
              reason == null ? Status.ACCEPTED : Status.REJECTED,
              reason,
              null));
    }
    return results;
  }

  /**
   * Takes a batch: {@code batch} is called on a checking thread (so parsing runs there too), then
   * the batch is checked and stored. The future completes with one result per reading, in batch
   * order, after the commit; it fails with the exception {@code batch} threw, with {@link
   * IngestRefusal} for whole-batch refusals (stale, signature, device, replay), or with the
   * database's error.
   */
  @Override
  public CompletableFuture<List<Result>> submit(Supplier<Batch> batch) {
    CompletableFuture<List<Result>> done = new CompletableFuture<>();
    try {
      checks.execute(
          () -> {
            try {
              Instant now = clock.instant();
              CheckedBatch checked = CheckedBatch.check(batch.get(), now, maxSkew);
              writers[Math.floorMod(Arrays.hashCode(checked.deviceKey()), writers.length)].add(
                  checked, done);
            } catch (RuntimeException e) {
              done.completeExceptionally(e);
            }
          });
    } catch (RejectedExecutionException e) {
      done.completeExceptionally(new IllegalStateException("reading ingestion is closed", e));
    }
    return done;
  }

  /**
   * {@link #submit} and wait: returns the results after the commit, throws {@link IngestRefusal}
   * for whole-batch refusals. Blocking.
   */
  public List<Result> ingest(Batch batch) {
    try {
      return submit(() -> batch).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw e;
    }
  }

  /** Forgets nonces of batches too old to be accepted anyway. Blocking. */
  public int forgetOldNonces() {
    Instant now = clock.instant();
    return dsl.deleteFrom(INGEST_BATCH_NONCE)
        .where(INGEST_BATCH_NONCE.SENT_AT.lt(now.minus(NONCE_WINDOW).minus(Duration.ofHours(1))))
        .execute();
  }

  /** Checks and stores what was submitted, then stops the threads and returns the connections. */
  @Override
  public void close() {
    IngestThreads.finish(checks);
    for (IngestWriter w : writers) {
      w.close();
    }
  }
}
