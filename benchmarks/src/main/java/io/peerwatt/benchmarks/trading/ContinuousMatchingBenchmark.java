package io.peerwatt.benchmarks.trading;

import exchange.core2.core.common.cmd.OrderCommand;
import exchange.core2.core.orderbook.IOrderBook;
import io.peerwatt.trading.matching.OrderBook;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Continuous matching throughput: the same 200,000-command stream (exchange-core's mix, see {@link
 * ContinuousMix}) through PeerWatt's continuous book and exchange-core 0.5.3's OrderBookDirectImpl,
 * each starting from the same ~1,000-order book. Score = commands per second; the ratio of the two
 * scores is the comparison.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgs = {"-Xms1g", "-Xmx1g"})
public class ContinuousMatchingBenchmark {
  private static final Logger LOG = LoggerFactory.getLogger(ContinuousMatchingBenchmark.class);

  private OrderBook peerwatt;
  private IOrderBook exchange;

  @Setup(Level.Trial)
  public void checkStream() {
    LOG.info("stream: {}", Streams.verifyEquivalence());
  }

  @Setup(Level.Invocation)
  public void freshBooks() {
    peerwatt = Streams.freshPeerwattBook();
    exchange = Streams.freshExchangeBook();
  }

  @Benchmark
  @OperationsPerInvocation(Streams.OPS)
  public void peerwatt(Blackhole bh) {
    OrderBook book = peerwatt;
    for (io.peerwatt.trading.matching.OrderCommand c : Streams.PEERWATT_OPS) {
      bh.consume(book.apply(c));
    }
  }

  @Benchmark
  @OperationsPerInvocation(Streams.OPS)
  public void exchangeCore(Blackhole bh) {
    IOrderBook book = exchange;
    for (OrderCommand c : Streams.EXCHANGE_OPS) {
      bh.consume(Streams.apply(book, c));
      bh.consume(c.matcherEvent);
    }
  }
}
