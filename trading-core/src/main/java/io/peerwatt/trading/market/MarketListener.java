package io.peerwatt.trading.market;

import io.peerwatt.trading.matching.CommandResult;
import io.peerwatt.trading.matching.DepthSnapshot;
import io.peerwatt.trading.matching.Instrument;

/**
 * Told about every command after its transaction committed (from a worker thread), e.g. to stream
 * it.
 */
@FunctionalInterface
public interface MarketListener {
  /**
   * @param instrument the book
   * @param result what the book answered (trades included)
   * @param depth the book's depth after the command
   */
  void committed(Instrument instrument, CommandResult result, DepthSnapshot depth);
}
