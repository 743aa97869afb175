package io.peerwatt.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pooled connection kept by a single writer thread for group commits, with {@code
 * synchronous_commit} on for the session: a write is acknowledged only once its WAL is on disk,
 * whatever the server's default. A connection idle for a while is checked before it is used again;
 * {@link #release} gives it back to the pool with the setting undone. Not thread-safe: one writer
 * thread owns it.
 */
public final class WriterConnection {
  private static final Logger log = LoggerFactory.getLogger(WriterConnection.class);

  /** A connection idle for longer is checked before it is used again. */
  private static final long IDLE_CHECK_NANOS = Duration.ofSeconds(30).toNanos();

  private final DSLContext db;
  private final boolean autoCommit;
  private final String writer;
  private Connection connection;
  private long lastUsedNanos;

  /**
   * @param autoCommit whether each statement commits on its own, or the writer commits
   * @param writer who holds it, for the log
   */
  public WriterConnection(DSLContext db, boolean autoCommit, String writer) {
    this.db = db;
    this.autoCommit = autoCommit;
    this.writer = writer;
  }

  /** The writer's connection: the one held, still valid, or a fresh one from the pool. */
  public Connection get() throws SQLException {
    if (connection != null
        && System.nanoTime() - lastUsedNanos > IDLE_CHECK_NANOS
        && !connection.isValid(5)) {
      release();
    }
    lastUsedNanos = System.nanoTime();
    if (connection == null) {
      Connection c = db.configuration().connectionProvider().acquire();
      try {
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
          s.execute("SET synchronous_commit TO on");
        }
        c.setAutoCommit(autoCommit);
      } catch (SQLException | RuntimeException e) {
        db.configuration().connectionProvider().release(c);
        throw e;
      }
      connection = c;
    }
    return connection;
  }

  /**
   * Returns the connection to the pool with what is uncommitted rolled back and the session setting
   * undone; the next {@link #get} takes a fresh one. Safe to call when none is held.
   */
  public void release() {
    Connection c = connection;
    if (c == null) {
      return;
    }
    connection = null;
    try {
      if (!c.getAutoCommit()) {
        c.rollback();
        c.setAutoCommit(true);
      }
      try (Statement s = c.createStatement()) {
        s.execute("RESET synchronous_commit");
      }
    } catch (SQLException | RuntimeException e) {
      log.debug("could not reset the {}'s connection: {}", writer, e.toString());
    }
    try {
      db.configuration().connectionProvider().release(c);
    } catch (RuntimeException e) {
      log.debug("could not release the {}'s connection: {}", writer, e.toString());
    }
  }
}
