package io.peerwatt.benchmarks.trading;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.PriceUnit;
import io.peerwatt.trading.calendar.ClearingMode;
import io.peerwatt.trading.calendar.ZoneConfig;
import io.peerwatt.trading.matching.CloseGate;
import io.peerwatt.trading.matching.CommandResult;
import io.peerwatt.trading.matching.Instrument;
import io.peerwatt.trading.matching.OrderBook;
import io.peerwatt.trading.matching.OrderType;
import io.peerwatt.trading.matching.PlaceOrder;
import io.peerwatt.trading.matching.Side;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
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
 * Gate closure of a call-auction book holding 10,000 bids and 10,000 offers (goal: under 20 ms).
 * Prices 8-12 ct/kWh in 0.001 ct steps (bids 0.75 ct higher), grid fee 0.75 ct/kWh, quantities 100
 * Wh to 10 kWh; 10% green sellers and buyers, 2% of orders with three preferred partners, 2% AON.
 * The book is filled before each call; only the clearing (auction, pairing, trades, cancellations)
 * is timed.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgs = {"-Xms1g", "-Xmx1g"})
public class CallAuctionBenchmark {
  static final ZoneConfig ZONE =
      new ZoneConfig(
          "BENCH",
          "EUR",
          PriceUnit.MILLI_CT_PER_KWH,
          ClearingMode.CALL_AUCTION,
          Duration.ofMinutes(15),
          750,
          0,
          false,
          ZoneId.of("Europe/Berlin"),
          1,
          1_000_000,
          0,
          10_000_000);
  static final DeliverySlot SLOT = DeliverySlot.parse("2026-11-25T10:00Z/PT15M");
  static final int PER_SIDE = 10_000;

  private PlaceOrder[] orders;
  private OrderBook book;

  @Setup(Level.Trial)
  public void generate() {
    Random random = new Random(7);
    Instrument instrument = new Instrument(ZONE.code(), SLOT);
    orders = new PlaceOrder[2 * PER_SIDE];
    for (int i = 0; i < orders.length; i++) {
      long id = i + 1;
      // buyers are accounts 1..10 000, sellers 10 001..20 000: no account on both sides
      Side side = i < PER_SIDE ? Side.BUY : Side.SELL;
      long price = 8_000 + random.nextInt(4_001) + (side == Side.BUY ? 750 : 0);
      List<Long> partners =
          random.nextInt(50) == 0
              ? List.of(otherSide(random, side), otherSide(random, side), otherSide(random, side))
              : List.of();
      orders[i] =
          new PlaceOrder(
              id,
              id,
              instrument,
              side,
              100 + random.nextInt(9_901),
              price,
              random.nextInt(50) == 0 ? OrderType.AON : OrderType.LIMIT,
              random.nextInt(10) == 0,
              partners,
              OptionalLong.empty());
    }
  }

  private static long otherSide(Random random, Side side) {
    return (side == Side.BUY ? PER_SIDE + 1 : 1) + random.nextInt(PER_SIDE);
  }

  @Setup(Level.Invocation)
  public void fillBook() {
    book = OrderBook.create(ZONE, SLOT);
    for (PlaceOrder p : orders) {
      if (!book.apply(p).isSuccess()) {
        throw new IllegalStateException("rejected " + p);
      }
    }
  }

  @Benchmark
  public CommandResult clear10kBids10kOffers() {
    return book.apply(new CloseGate());
  }
}
