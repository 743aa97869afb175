package io.peerwatt.trading.matching;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a book answers to a command.
 *
 * @param code success, or the rejection naming the faulty field (a rejected command changed
 *     nothing)
 * @param trades fills caused by the command, in the order they happened
 * @param cancellations open quantities the book removed by itself (IOC rest, AON, gate closure)
 * @param clearing the auction outcome, present only for {@link CloseGate} on a call-auction book
 */
public record CommandResult(
    ResultCode code,
    List<Trade> trades,
    List<OrderCancelled> cancellations,
    Optional<AuctionClearing> clearing) {

  public CommandResult {
    Objects.requireNonNull(code, "code");
    trades = List.copyOf(trades);
    cancellations = List.copyOf(cancellations);
    Objects.requireNonNull(clearing, "clearing");
  }

  private static final CommandResult SUCCESS =
      new CommandResult(ResultCode.SUCCESS, List.of(), List.of(), Optional.empty());

  /** A result with no events. */
  public static CommandResult of(ResultCode code) {
    return code == ResultCode.SUCCESS
        ? SUCCESS
        : new CommandResult(code, List.of(), List.of(), Optional.empty());
  }

  /** Whether the command was accepted. */
  public boolean isSuccess() {
    return code.isSuccess();
  }
}
