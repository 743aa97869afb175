package io.peerwatt.trading.market;

import io.peerwatt.db.schema.tables.records.ClearingResultRecord;
import io.peerwatt.trading.matching.CommandResult;
import io.peerwatt.trading.matching.DepthSnapshot;
import io.peerwatt.trading.matching.Instrument;
import io.peerwatt.trading.matching.OrderCommand;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * The order books as the API, the {@link OrderService}, the {@link MarketScheduler} and the market
 * data routes use them, wherever the books live: in this process ({@link MarketEngine}, behind its
 * PostgreSQL command log) or with the zone owners of a cluster. Whatever the implementation, a
 * command's effects are in {@code market_order}, {@code trade} and {@code clearing_result} when
 * {@link #submit} returns, so the caller can read them back.
 *
 * <p>All methods may block on JDBC or the network: call them from worker threads.
 */
public interface OrderBooks {

  /** Registers a listener told about every command once its effects are stored. */
  void addListener(MarketListener listener);

  /** A new platform-wide order id (from {@code market_order_id_seq}). */
  long nextOrderId();

  /** The next value of {@code market_order_id_seq}: every implementation's order ids. */
  static long nextOrderId(DSLContext dsl) {
    return dsl.nextval(DSL.sequence(DSL.name("market_order_id_seq"), Long.class));
  }

  /**
   * Readies the books before the first command; returns how many books were rebuilt (none where the
   * books live elsewhere). Called once at start, before the scheduler and the API.
   */
  int recoverOpenBooks();

  /**
   * Books that have commands and no gate closure yet, whose gate closure is at or before {@code
   * now}.
   */
  List<Instrument> booksDueForGateClosure(Instant now);

  /**
   * Applies {@code command} to the book of {@code instrument}; returns the book's answer once its
   * effects are stored.
   *
   * @throws BooksUnavailableException when the book did not answer in time (the command may still
   *     be applied later)
   * @throws IllegalArgumentException when the instrument's zone does not trade
   */
  CommandResult submit(Instrument instrument, OrderCommand command, Instant now);

  /**
   * Closes the gate of {@code instrument}'s book (a call auction clears) unless that already
   * happened; returns the close's result, or empty when it was closed before, so closing twice, or
   * again after a restart or from another node, changes nothing.
   */
  Optional<CommandResult> closeGate(Instrument instrument, Instant now);

  /** Depth of a book: open quantity per price level, best first, at most {@code maxLevels}. */
  DepthSnapshot depth(Instrument instrument, int maxLevels);

  /** The clearing result of a book whose gate closed; empty before its gate closure. */
  Optional<ClearingResultRecord> clearingResult(Instrument instrument);
}
