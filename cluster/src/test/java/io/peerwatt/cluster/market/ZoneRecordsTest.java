package io.peerwatt.cluster.market;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.trading.matching.AuctionClearing;
import io.peerwatt.trading.matching.BookStateCodec;
import io.peerwatt.trading.matching.CloseGate;
import io.peerwatt.trading.matching.CommandResult;
import io.peerwatt.trading.matching.Instrument;
import io.peerwatt.trading.matching.OrderBook;
import io.peerwatt.trading.matching.ResultCode;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The zone topics' record values round-trip, and zones spread over the partitions as documented.
 */
class ZoneRecordsTest {

  @Test
  void commandsResultsAndSnapshotsRoundTrip() {
    Instrument instrument = TestZones.orders(1, 5).get(0).instrument();
    OrderBook book = OrderBook.create(TestZones.config("zone-0").orElseThrow(), instrument.slot());
    CommandResult withFills = null;
    ZoneCommand filling = null;
    for (ZoneCommand c : TestZones.orders(2_000, 5)) {
      if (c.instrument().equals(instrument)) {
        assertThat(ZoneCommand.fromBytes(c.toBytes())).isEqualTo(c);
        CommandResult r = book.apply(c.command());
        if (!r.trades().isEmpty()) {
          withFills = r;
          filling = c;
        }
      }
    }
    assertThat(withFills).isNotNull();
    ZoneResult fills =
        new ZoneResult(41, instrument, filling.command(), withFills, book.stateHash());
    ZoneResult clearing =
        new ZoneResult(
            42,
            instrument,
            new CloseGate(),
            new CommandResult(
                ResultCode.SUCCESS,
                List.of(),
                List.of(),
                Optional.of(new AuctionClearing(300, 1_000, BigInteger.valueOf(-12_345)))),
            book.stateHash());
    ZoneSnapshot snapshot =
        new ZoneSnapshot(
            1_234,
            List.of(BookStateCodec.encode(book)),
            List.of(new ZoneSnapshot.ClosedBook(TestZones.SLOTS.get(0), -77)),
            Instant.parse("2030-01-05T10:15:00Z"));

    ZoneCommand close = new ZoneCommand(instrument, new CloseGate());
    assertThat(ZoneCommand.fromBytes(close.toBytes())).isEqualTo(close);
    assertThat(ZoneResult.fromBytes(fills.toBytes())).isEqualTo(fills);
    assertThat(ZoneResult.fromBytes(clearing.toBytes())).isEqualTo(clearing);
    ZoneSnapshot read = ZoneSnapshot.fromBytes(snapshot.toBytes());
    assertThat(read.nextOffset()).isEqualTo(1_234);
    assertThat(read.books()).hasSize(1);
    assertThat(read.books().get(0)).isEqualTo(snapshot.books().get(0));
    assertThat(read.closed()).isEqualTo(snapshot.closed());
    assertThat(read.forgottenBefore()).isEqualTo(snapshot.forgottenBefore());
    byte[] trailing = Arrays.copyOf(snapshot.toBytes(), snapshot.toBytes().length + 1);
    assertThatThrownBy(() -> ZoneSnapshot.fromBytes(trailing)).isInstanceOf(FormatException.class);
  }

  @Test
  void theIthZoneGoesToPartitionIModuloTheCountSoNoPartitionIsEmpty() {
    ZoneShards shards = TestZones.shards(8);

    assertThat(shards.partitionOf("zone-0")).isEqualTo(OptionalInt.of(0));
    assertThat(shards.partitionOf("zone-9")).isEqualTo(OptionalInt.of(1));
    assertThat(shards.partitionOf("zone-19")).isEqualTo(OptionalInt.of(3));
    assertThat(shards.partitionOf("elsewhere")).isEmpty();
    assertThat(
            TestZones.CODES.stream()
                .mapToInt(z -> shards.partitionOf(z).getAsInt())
                .distinct()
                .count())
        .isEqualTo(8);
    assertThatThrownBy(() -> new ZoneShards(4, List.of("a", "b", "a")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
