package io.peerwatt.trading.ingest;

import io.peerwatt.db.WriterConnection;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One writer thread with one connection: takes every checked batch waiting at that moment (up to
 * {@link #MAX_GROUP_READINGS} readings) and stores the group in one transaction ({@link
 * IngestRows}: a read, the stored duplicates when there may be some, one write), committed with its
 * WAL flushed to disk; only then does each batch's caller get its answer. While a group commits,
 * the next one gathers, so one disk flush serves many batches.
 *
 * <p>A group that finds a chain moved or a key taken by someone else (another platform process) is
 * decided again on fresh rows. A group that fails otherwise is retried batch by batch, so a batch
 * the database refuses fails alone.
 */
final class IngestWriter {
  private static final Logger log = LoggerFactory.getLogger(IngestWriter.class);

  /** Readings per group at most (a batch is never split). */
  static final int MAX_GROUP_READINGS = 4_096;

  /** Attempts of a group whose rows moved under it before it is split into its batches. */
  private static final int ATTEMPTS = 3;

  private static final Pending STOP = new Pending(null, null);

  private final Duration maxSkew;
  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Thread thread;

  /** The writer's connection (writer thread only), synchronous_commit on, committed by hand. */
  private final WriterConnection connection;

  /** A checked batch waiting for its group, and who waits for its results. */
  private record Pending(CheckedBatch batch, CompletableFuture<List<ReadingIngest.Result>> done) {}

  IngestWriter(DSLContext dsl, Duration maxSkew, String name) {
    this.connection = new WriterConnection(dsl, false, "ingest writer");
    this.maxSkew = maxSkew;
    this.thread = new Thread(this::writeLoop, name);
    thread.setDaemon(true);
    thread.start();
  }

  void add(CheckedBatch batch, CompletableFuture<List<ReadingIngest.Result>> done) {
    queue.add(new Pending(batch, done));
  }

  /** Writes what is queued, then stops. */
  void close() {
    queue.add(STOP);
    if (IngestThreads.awaitEnd(thread)) {
      Thread.currentThread().interrupt();
    }
  }

  private void writeLoop() {
    List<Pending> group = new ArrayList<>();
    boolean stop = false;
    while (!stop) {
      Pending first;
      try {
        first = queue.take();
      } catch (InterruptedException e) {
        continue; // only close() ends the writer, after the queue is written
      }
      int readings = 0;
      for (Pending p = first; p != null; ) {
        if (p == STOP) {
          stop = true;
          break;
        }
        group.add(p);
        readings += p.batch().size();
        p = readings < MAX_GROUP_READINGS ? queue.poll() : null;
      }
      try {
        write(group);
      } catch (Throwable e) {
        // the writer goes on; nobody may wait for ever on a batch it could not finish
        log.error("reading ingestion failed on a group of {} batches", group.size(), e);
        group.forEach(p -> p.done().completeExceptionally(e));
      }
      group.clear();
    }
    connection.release();
  }

  private void write(List<Pending> group) {
    if (group.isEmpty()) {
      return;
    }
    List<CheckedBatch> batches = new ArrayList<>(group.size());
    for (Pending p : group) {
      batches.add(p.batch());
    }
    Throwable failure = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        GroupPlan plan = store(batches);
        for (int i = 0; i < group.size(); i++) {
          GroupPlan.Outcome o = plan.outcomes.get(i);
          if (o.refusal() != null) {
            group.get(i).done().completeExceptionally(o.refusal());
          } else {
            group.get(i).done().complete(o.results());
          }
        }
        return;
      } catch (IngestRows.ChainMoved e) {
        failure = e;
        log.info(
            "reading chains moved under a group of {} batches: {}", group.size(), e.getMessage());
      } catch (SQLException | RuntimeException e) {
        failure = e;
        connection.release();
        if (!isRetryable(e)) {
          break;
        }
        log.info("group of {} batches not stored ({}); again", group.size(), e.getMessage());
      }
    }
    if (group.size() > 1 && !(failure instanceof CommitFailed)) {
      log.warn(
          "group of {} batches not stored ({}); storing them one by one",
          group.size(),
          failure.getMessage());
      for (Pending p : group) {
        write(List.of(p));
      }
      return;
    }
    log.error("{} reading batches not stored", group.size(), failure);
    for (Pending p : group) {
      p.done().completeExceptionally(failure);
    }
  }

  /**
   * A key taken meanwhile (a nonce, a chain's first row) or a connection lost before the commit:
   * deciding the group again on fresh rows can succeed. A failed commit is never retried: it may
   * have committed, and the batches' nonces would then refuse them as replayed; their callers get
   * the error and send again with fresh nonces, which stores nothing twice.
   */
  private static boolean isRetryable(Throwable e) {
    if (e instanceof CommitFailed) {
      return false;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && s.getSQLState() != null) {
        String state = s.getSQLState();
        return state.equals("23505") || state.startsWith("08") || state.startsWith("57P");
      }
    }
    return false;
  }

  /** The commit failed: whether the group was stored is not known. */
  private static final class CommitFailed extends SQLException {
    CommitFailed(SQLException cause) {
      super("the commit of a group of reading batches failed: " + cause.getMessage(), cause);
    }
  }

  /** Reads, decides and writes the group in one transaction; returns the plan once committed. */
  private GroupPlan store(List<CheckedBatch> batches) throws SQLException {
    Connection c = connection.get();
    try {
      Map<String, GroupPlan.Device> devices = IngestRows.devices(c, batches);
      Map<GroupPlan.Position, byte[]> stored =
          IngestRows.stored(c, GroupPlan.duplicateCandidates(batches, devices));
      GroupPlan plan = GroupPlan.of(batches, devices, stored, maxSkew);
      IngestRows.write(c, plan);
      try {
        c.commit();
      } catch (SQLException e) {
        throw new CommitFailed(e);
      }
      return plan;
    } catch (SQLException | RuntimeException e) {
      try {
        c.rollback();
      } catch (SQLException rollback) {
        e.addSuppressed(rollback);
      }
      throw e;
    }
  }
}
