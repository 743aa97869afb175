package io.peerwatt.benchmarks.trading;

import exchange.core2.core.common.cmd.OrderCommand;
import exchange.core2.core.orderbook.IOrderBook;
import io.peerwatt.trading.matching.CommandResult;
import io.peerwatt.trading.matching.OrderBook;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * A companion to the JMH runs for a shared, overloaded machine: times the same work by the thread's
 * CPU time instead of wall time, so that time spent descheduled does not count. Alternates the two
 * engines round by round on the stream of {@link ContinuousMatchingBenchmark} and prints the median
 * commands per CPU-second of each and their ratio, then the median CPU time of the 10k x 10k call
 * auction. Run: {@code java -cp benchmarks/target/benchmarks.jar
 * io.peerwatt.benchmarks.trading.CpuTimeComparison [rounds, default 100]}.
 */
public final class CpuTimeComparison {
  private CpuTimeComparison() {}

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    System.out.println("stream: " + Streams.verifyEquivalence());
    long[] peerwattNanos = new long[rounds];
    long[] exchangeNanos = new long[rounds];
    long sink = 0;
    for (int r = 0; r < rounds; r++) {
      OrderBook peerwatt = Streams.freshPeerwattBook();
      IOrderBook exchange = Streams.freshExchangeBook();
      long t0 = cpu.getCurrentThreadCpuTime();
      for (io.peerwatt.trading.matching.OrderCommand c : Streams.PEERWATT_OPS) {
        CommandResult result = peerwatt.apply(c);
        sink += result.trades().size();
      }
      long t1 = cpu.getCurrentThreadCpuTime();
      for (OrderCommand c : Streams.EXCHANGE_OPS) {
        sink += Streams.apply(exchange, c).getCode();
      }
      long t2 = cpu.getCurrentThreadCpuTime();
      peerwattNanos[r] = t1 - t0;
      exchangeNanos[r] = t2 - t1;
    }
    // the first half is warm-up
    double peerwattOps =
        Streams.OPS * 1e9 / median(Arrays.copyOfRange(peerwattNanos, rounds / 2, rounds));
    double exchangeOps =
        Streams.OPS * 1e9 / median(Arrays.copyOfRange(exchangeNanos, rounds / 2, rounds));
    System.out.printf(
        "continuous, commands per CPU-second (median of last %d rounds): PeerWatt %.0f, exchange-core %.0f,"
            + " ratio %.2f%n",
        rounds - rounds / 2, peerwattOps, exchangeOps, peerwattOps / exchangeOps);

    CallAuctionBenchmark auction = new CallAuctionBenchmark();
    auction.generate();
    long[] auctionNanos = new long[rounds];
    for (int r = 0; r < rounds; r++) {
      auction.fillBook();
      long t0 = cpu.getCurrentThreadCpuTime();
      sink += auction.clear10kBids10kOffers().trades().size();
      auctionNanos[r] = cpu.getCurrentThreadCpuTime() - t0;
    }
    System.out.printf(
        "call auction 10k x 10k, CPU ms per clearing (median of last %d rounds): %.2f (checksum %d)%n",
        rounds - rounds / 2,
        median(Arrays.copyOfRange(auctionNanos, rounds / 2, rounds)) / 1e6,
        sink);
  }

  private static double median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
