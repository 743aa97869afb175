package io.peerwatt.trading.matching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerwatt.protocol.FormatException;
import io.peerwatt.trading.calendar.ClearingMode;
import io.peerwatt.trading.calendar.ZoneConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** A book rebuilt from its snapshot is the book: same hash, same answers to what comes next. */
class BookStateCodecTest {

  @Provide
  Arbitrary<List<MatchingPropertiesTest.Action>> actions() {
    return new MatchingPropertiesTest().actions();
  }

  @Property(tries = 300)
  void aRestoredBookAnswersTheRestOfTheStreamLikeTheOriginal(
      @ForAll("actions") List<MatchingPropertiesTest.Action> actions,
      @ForAll @IntRange(min = 0, max = 80) int cut,
      @ForAll boolean auction,
      @ForAll boolean close) {
    ZoneConfig zone =
        MatchingPropertiesTest.zone(auction ? ClearingMode.CALL_AUCTION : ClearingMode.CONTINUOUS);
    List<OrderCommand> commands = MatchingPropertiesTest.commands(actions);
    int split = Math.min(cut, commands.size());
    OrderBook original = OrderBook.create(zone, TestMarket.SLOT);
    commands.subList(0, split).forEach(original::apply);

    OrderBook restored = BookStateCodec.decode(zone, BookStateCodec.encode(original));

    assertThat(restored.stateHash()).isEqualTo(original.stateHash());
    assertThat(restored.depth(Integer.MAX_VALUE)).isEqualTo(original.depth(Integer.MAX_VALUE));
    ((AbstractOrderBook) restored).validateInternalState();
    List<OrderCommand> rest = new ArrayList<>(commands.subList(split, commands.size()));
    if (close) {
      rest.add(new CloseGate());
    }
    for (OrderCommand c : rest) {
      assertThat(restored.apply(c)).isEqualTo(original.apply(c));
      assertThat(restored.stateHash()).isEqualTo(original.stateHash());
    }
  }

  @Test
  void aStateOfAnotherZoneIsRefused() {
    ZoneConfig zone = MatchingPropertiesTest.zone(ClearingMode.CONTINUOUS);
    OrderBook book = OrderBook.create(zone, TestMarket.SLOT);
    book.apply(TestMarket.buy(1, 7, 1_500, 100));
    byte[] state = BookStateCodec.encode(book);
    ZoneConfig other =
        new ZoneConfig(
            "DE-OTHER",
            zone.currency(),
            zone.priceUnit(),
            zone.clearingMode(),
            zone.gateClosureLead(),
            zone.gridFeePerKwh(),
            zone.imbalancePricePerKwh(),
            zone.negativePricesAllowed(),
            zone.localZone(),
            zone.minQuantityWh(),
            zone.maxQuantityWh(),
            zone.minPricePerKwh(),
            zone.maxPricePerKwh());

    assertThatThrownBy(() -> BookStateCodec.decode(other, state))
        .isInstanceOf(FormatException.class);
    byte[] trailing = Arrays.copyOf(state, state.length + 1);
    assertThatThrownBy(() -> BookStateCodec.decode(zone, trailing))
        .isInstanceOf(FormatException.class);
  }
}
