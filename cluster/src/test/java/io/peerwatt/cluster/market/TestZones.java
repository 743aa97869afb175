package io.peerwatt.cluster.market;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.PriceUnit;
import io.peerwatt.trading.calendar.ClearingMode;
import io.peerwatt.trading.calendar.ZoneConfig;
import io.peerwatt.trading.matching.Instrument;
import io.peerwatt.trading.matching.PlaceOrder;
import io.peerwatt.trading.matching.Side;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.IntStream;

/** Twenty continuous zones {@code zone-0} ... {@code zone-19} and random orders for them. */
final class TestZones {
  static final List<String> CODES = IntStream.range(0, 20).mapToObj(i -> "zone-" + i).toList();

  /** Two delivery slots, so a zone has more than one book. */
  static final List<DeliverySlot> SLOTS =
      List.of(
          DeliverySlot.parse("2030-01-07T10:00Z/PT15M"),
          DeliverySlot.parse("2030-01-07T10:15Z/PT15M"));

  private TestZones() {}

  static ZoneShards shards(int partitions) {
    return new ZoneShards(partitions, CODES);
  }

  /** The rules of every test zone: continuous, so fills happen while the orders stream in. */
  static Optional<ZoneConfig> config(String code) {
    if (!CODES.contains(code)) {
      return Optional.empty();
    }
    return Optional.of(
        new ZoneConfig(
            code,
            "EUR",
            PriceUnit.MILLI_CT_PER_KWH,
            ClearingMode.CONTINUOUS,
            Duration.ofMinutes(15),
            10,
            30_000,
            false,
            ZoneId.of("Europe/Berlin"),
            1,
            1_000_000,
            0,
            100_000));
  }

  /** {@code count} limit orders with ids 1..count, round-robin over the zones, prices crossing. */
  static List<ZoneCommand> orders(int count, long seed) {
    Random random = new Random(seed);
    List<ZoneCommand> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Instrument instrument =
          new Instrument(CODES.get(i % CODES.size()), SLOTS.get(random.nextInt(SLOTS.size())));
      out.add(
          new ZoneCommand(
              instrument,
              PlaceOrder.limit(
                  i + 1L,
                  1 + random.nextInt(40),
                  instrument,
                  random.nextBoolean() ? Side.BUY : Side.SELL,
                  1 + random.nextInt(50),
                  950 + 10L * random.nextInt(11))));
    }
    return out;
  }
}
