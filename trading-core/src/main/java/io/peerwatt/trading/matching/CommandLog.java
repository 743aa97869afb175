package io.peerwatt.trading.matching;

import java.util.function.Consumer;

/**
 * The ordered, persisted command log of one book (a port: the platform backs it with PostgreSQL or
 * Kafka, tests with {@link InMemoryCommandLog}). A command is appended, durably, before the book
 * applies it, so replaying the log into a fresh book rebuilds the exact state after a restart.
 * Implementations store {@link CommandCodec} bytes.
 */
public interface CommandLog {

  /** Stores {@code command} durably and returns its sequence number (0, 1, 2, ... per log). */
  long append(OrderCommand command);

  /** Feeds every command with sequence number {@code >= fromSequence} to {@code sink}, in order. */
  void replay(long fromSequence, Consumer<OrderCommand> sink);

  /** Number of commands stored. */
  long size();
}
