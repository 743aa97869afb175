package io.peerwatt.trading.matching;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A {@link CommandLog} in memory, for tests and single-run tools. It stores the canonical bytes, so
 * a replay also proves that {@link CommandCodec} round-trips every command.
 */
public final class InMemoryCommandLog implements CommandLog {
  private final List<byte[]> records = new ArrayList<>();

  @Override
  public long append(OrderCommand command) {
    records.add(CommandCodec.encode(command));
    return records.size() - 1L;
  }

  @Override
  public void replay(long fromSequence, Consumer<OrderCommand> sink) {
    for (long i = Math.max(0, fromSequence); i < records.size(); i++) {
      sink.accept(CommandCodec.decode(records.get((int) i)));
    }
  }

  @Override
  public long size() {
    return records.size();
  }
}
