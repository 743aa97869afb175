package io.peerwatt.trading.matching;

/**
 * Gate closure: a call-auction book clears, a continuous book stops; every order left open is
 * cancelled and the book takes no further command. The scheduler sends it at {@link
 * io.peerwatt.trading.calendar.MarketCalendar#gateClosure}; the book itself has no clock.
 */
public record CloseGate() implements OrderCommand {

  @Override
  public CommandType type() {
    return CommandType.CLOSE_GATE;
  }

  @Override
  public String toString() {
    return "[CLOSE]";
  }
}
