package io.peerwatt.settlement.channel;

import io.peerwatt.db.WriterConnection;
import io.peerwatt.protocol.channel.ChannelState;
import io.peerwatt.protocol.channel.PayeeChannel;
import io.peerwatt.protocol.channel.PayerChannel;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ChannelStore} in PostgreSQL that commits concurrent saves together. Saves from any number
 * of threads go to one writer thread, which writes whatever has queued up (at most {@code maxBatch}
 * saves) in one transaction, the same rows {@link JdbcChannelStore} writes, committed with its WAL
 * flushed to disk. Each caller blocks until the transaction holding its save has committed, so a
 * save is durable when it returns, as the {@link ChannelStore} contract says; with many channels
 * updated at once, one disk flush serves many saves.
 *
 * <p>The transaction is a single statement over column arrays, sent in auto-commit on a connection
 * the writer keeps (with {@code synchronous_commit} on for its session), so a batch costs one round
 * trip to the server whatever its size: on a busy machine every round trip waits for the server
 * process, then the writer, to get a core. There is no waiting to fill a batch: the writer starts
 * the next one as soon as the last has committed, so a lone save costs about what it costs in
 * {@link JdbcChannelStore}, plus a hand-over between threads. A batch gives the result of its saves
 * made one after another in the order they were queued.
 *
 * <p>If a batch fails, the statement is undone as a whole and every save in it fails with a {@link
 * DataAccessException}: none of them was written, whichever one caused it. As after a failed {@link
 * JdbcChannelStore} save, the caller has not sent or acknowledged anything yet and may retry.
 *
 * <p>Reads and {@link #savePayerProposal} (rare, and written with its funding transaction) go
 * straight to the database as in {@link JdbcChannelStore}. {@link #close} writes what is queued,
 * then refuses new saves and gives the writer's connection back to the pool.
 */
public final class GroupCommitChannelStore implements ChannelStore, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GroupCommitChannelStore.class);

  /** Saves per transaction at most, unless the constructor says otherwise. */
  public static final int DEFAULT_MAX_BATCH = 256;

  private final JdbcChannelStore direct;
  private final int maxBatch;
  private final BlockingQueue<PendingSave> queue = new LinkedBlockingQueue<>();

  /** The writer's connection (writer thread only), synchronous_commit on, auto-commit. */
  private final WriterConnection connection;

  private final Thread writer;
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong saves = new AtomicLong();

  /** Guards {@link #closed} against a save queued after the writer's last batch. */
  private final Object admission = new Object();

  private boolean closed;

  public GroupCommitChannelStore(DSLContext db) {
    this(db, DEFAULT_MAX_BATCH);
  }

  /**
   * @param db the platform database; the writer keeps one of its pooled connections
   * @param maxBatch the most saves written in one transaction
   */
  public GroupCommitChannelStore(DSLContext db, int maxBatch) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be at least 1, was " + maxBatch);
    }
    this.connection = new WriterConnection(db, true, "channel group commit writer");
    this.direct = new JdbcChannelStore(db);
    this.maxBatch = maxBatch;
    this.writer = new Thread(this::writeLoop, "peerwatt-channel-group-commit");
    this.writer.setDaemon(true);
    this.writer.start();
  }

  @Override
  public void savePayer(PayerChannel channel) {
    save(ChannelRows.Row.of(channel));
  }

  @Override
  public void savePayee(PayeeChannel channel) {
    save(ChannelRows.Row.of(channel));
  }

  @Override
  public void savePayerProposal(PayerChannel proposed, byte[] fundingRawTx) {
    direct.savePayerProposal(proposed, fundingRawTx);
  }

  @Override
  public Optional<byte[]> proposedFunding(String channelId) {
    return direct.proposedFunding(channelId);
  }

  @Override
  public void recordClosing(String channelId, boolean payerSide, byte[] closingTxid) {
    direct.recordClosing(channelId, payerSide, closingTxid);
  }

  @Override
  public Optional<PayerChannel> payer(String channelId) {
    return direct.payer(channelId);
  }

  @Override
  public Optional<PayeeChannel> payee(String channelId) {
    return direct.payee(channelId);
  }

  @Override
  public List<PayerChannel> payerChannels(ChannelState state) {
    return direct.payerChannels(state);
  }

  @Override
  public List<PayeeChannel> payeeChannels(ChannelState state) {
    return direct.payeeChannels(state);
  }

  @Override
  public List<PayerChannel> payerChannelsWith(String counterparty) {
    return direct.payerChannelsWith(counterparty);
  }

  @Override
  public List<PayeeChannel> payeeChannelsWith(String counterparty) {
    return direct.payeeChannelsWith(counterparty);
  }

  /** Transactions committed so far. */
  public long batchesCommitted() {
    return batches.get();
  }

  /** Saves committed so far (over all batches). */
  public long savesCommitted() {
    return saves.get();
  }

  /** Saves queued and not yet taken by the writer (for tests). */
  int queuedSaves() {
    return queue.size();
  }

  /**
   * Writes every save queued so far, then stops the writer; later saves throw
   * IllegalStateException.
   */
  @Override
  public void close() {
    synchronized (admission) {
      if (closed) {
        return;
      }
      closed = true;
      queue.add(PendingSave.STOP);
    }
    boolean interrupted = false;
    while (writer.isAlive()) {
      try {
        writer.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void save(ChannelRows.Row row) {
    PendingSave pending = new PendingSave(row);
    synchronized (admission) {
      if (closed) {
        throw new IllegalStateException("channel store is closed");
      }
      queue.add(pending);
    }
    try {
      // not interruptible on purpose: once queued the save may commit, and the caller must know
      pending.done.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      throw new DataAccessException(
          "channel "
              + row.terms().channelId()
              + " ("
              + row.role()
              + ") not saved: its group commit failed: "
              + rootMessage(cause),
          cause);
    }
  }

  private void writeLoop() {
    List<PendingSave> batch = new ArrayList<>(maxBatch);
    boolean stop = false;
    while (!stop) {
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        // only close() ends the writer, after the queue is written
        continue;
      }
      queue.drainTo(batch, maxBatch - 1);
      // STOP is queued last, under the admission lock: nothing is left behind it
      stop = batch.remove(PendingSave.STOP);
      write(batch);
      batch.clear();
    }
    connection.release();
  }

  private void write(List<PendingSave> batch) {
    if (batch.isEmpty()) {
      return;
    }
    List<ChannelRows.Row> rows = new ArrayList<>(batch.size());
    for (PendingSave p : batch) {
      rows.add(p.row);
    }
    try {
      try {
        ChannelRows.writeAsArrays(connection.get(), rows);
      } catch (SQLException e) {
        if (e.getSQLState() == null || !e.getSQLState().startsWith("08")) {
          throw e;
        }
        // the connection broke (a server restart, say); whether the statement committed is unknown,
        // but
        // writing the same rows again gives the same result, so try once more on a fresh connection
        log.info(
            "channel group commit: connection lost ({}); writing the batch again", e.getMessage());
        connection.release();
        ChannelRows.writeAsArrays(connection.get(), rows);
      }
    } catch (Throwable e) {
      // the statement failed as a whole (auto-commit): nothing of it was written; the connection
      // may be
      // broken, so the next batch takes a fresh one
      connection.release();
      log.warn(
          "group commit of {} channel saves failed; all of them are reported failed: {}",
          batch.size(),
          rootMessage(e));
      // the writer goes on: the next batch may well succeed, and its callers must not wait forever
      for (PendingSave p : batch) {
        p.done.completeExceptionally(e);
      }
      return;
    }
    batches.incrementAndGet();
    saves.addAndGet(batch.size());
    for (PendingSave p : batch) {
      p.done.complete(null);
    }
  }

  /** The innermost cause's message: the database's own words rather than jOOQ's wrapping. */
  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  /** A queued save and the future its caller waits on. */
  private static final class PendingSave {
    static final PendingSave STOP = new PendingSave(null);
    final ChannelRows.Row row;
    final CompletableFuture<Void> done = new CompletableFuture<>();

    PendingSave(ChannelRows.Row row) {
      this.row = row;
    }
  }
}
