package io.peerwatt.benchmarks.trading;

import exchange.core2.core.common.cmd.CommandResultCode;
import exchange.core2.core.common.cmd.OrderCommand;
import exchange.core2.core.orderbook.IOrderBook;
import io.peerwatt.trading.matching.CommandResult;
import io.peerwatt.trading.matching.OrderBook;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-command latency percentiles (JMH sample mode: p50 ... p99.99) of the same stream as {@link
 * ContinuousMatchingBenchmark}, one command per call. When the stream runs out the book is rebuilt
 * from the starting commands inside that one call, so the rebuild shows only in the top percentile
 * of one sample in 200,000.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgs = {"-Xms1g", "-Xmx1g"})
public class ContinuousLatencyBenchmark {
  private OrderBook peerwatt;
  private IOrderBook exchange;
  private int peerwattNext;
  private int exchangeNext;

  @Setup(Level.Iteration)
  public void freshBooks() {
    peerwatt = Streams.freshPeerwattBook();
    exchange = Streams.freshExchangeBook();
    peerwattNext = 0;
    exchangeNext = 0;
  }

  @Benchmark
  public CommandResult peerwatt() {
    if (peerwattNext == Streams.OPS) {
      peerwatt = Streams.freshPeerwattBook();
      peerwattNext = 0;
    }
    return peerwatt.apply(Streams.PEERWATT_OPS[peerwattNext++]);
  }

  @Benchmark
  public CommandResultCode exchangeCore() {
    if (exchangeNext == Streams.OPS) {
      exchange = Streams.freshExchangeBook();
      exchangeNext = 0;
    }
    OrderCommand c = Streams.EXCHANGE_OPS[exchangeNext++];
    return Streams.apply(exchange, c);
  }
}
