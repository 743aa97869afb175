package io.peerwatt.trading.matching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerwatt.protocol.FormatException;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class CommandCodecTest {
  static final PlaceOrder FULL =
      new PlaceOrder(
          101,
          7,
          TestMarket.instrument(),
          Side.SELL,
          4_000,
          -1_550,
          OrderType.AON,
          true,
          List.of(3L, 9L),
          OptionalLong.of(42));

  @Test
  void everyCommandRoundTrips() {
    for (OrderCommand c :
        List.of(
            FULL,
            TestMarket.buy(1, 2, 20_000, 300),
            new CancelOrder(5, 6),
            new AmendOrder(5, 6, 700, 19_000),
            new CloseGate())) {
      assertThat(CommandCodec.decode(CommandCodec.encode(c))).isEqualTo(c);
    }
  }

  @Test
  void commandsTheBookWillRejectStillRoundTrip() {
    List<Long> seventeen = new java.util.ArrayList<>();
    for (long a = 1; a <= 17; a++) {
      seventeen.add(a);
    }
    PlaceOrder odd =
        new PlaceOrder(
            -1,
            0,
            new Instrument("Zone-ü-" + "x".repeat(100), TestMarket.SLOT),
            Side.BUY,
            -5,
            Long.MIN_VALUE,
            OrderType.IOC,
            false,
            seventeen,
            OptionalLong.of(-3));
    assertThat(CommandCodec.decode(CommandCodec.encode(odd))).isEqualTo(odd);
    PlaceOrder tooLong =
        new PlaceOrder(
            1,
            1,
            new Instrument("z".repeat(256), TestMarket.SLOT),
            Side.BUY,
            1,
            1,
            OrderType.LIMIT,
            false,
            List.of(),
            OptionalLong.empty());
    assertThatThrownBy(() -> CommandCodec.encode(tooLong))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void layoutIsFixed() {
    // version 1, CANCEL_ORDER (2), orderId 5, accountId 6
    assertThat(HexFormat.of().formatHex(CommandCodec.encode(new CancelOrder(5, 6))))
        .isEqualTo("0102" + "0000000000000005" + "0000000000000006");
    assertThat(CommandCodec.encode(new CloseGate())).containsExactly(1, 4);
    byte[] place = CommandCodec.encode(FULL);
    // 2 + 8 + 8 + 1 + 7 ("DE-TEST") + 8 + 1 + 8 + 8 + 1 + 1 + 8 (rule) + 1 + 2 x 8 (partners)
    assertThat(place).hasSize(2 + 8 + 8 + 1 + 7 + 8 + 1 + 8 + 8 + 1 + 1 + 8 + 1 + 16);
  }

  @Test
  void decodingIsStrict() {
    byte[] cancel = CommandCodec.encode(new CancelOrder(5, 6));
    byte[] longer = java.util.Arrays.copyOf(cancel, cancel.length + 1);
    assertThatThrownBy(() -> CommandCodec.decode(longer)).isInstanceOf(FormatException.class);
    byte[] shorter = java.util.Arrays.copyOf(cancel, cancel.length - 1);
    assertThatThrownBy(() -> CommandCodec.decode(shorter)).isInstanceOf(FormatException.class);
    assertThatThrownBy(() -> CommandCodec.decode(new byte[] {2, 4}))
        .hasMessageContaining("version");
    assertThatThrownBy(() -> CommandCodec.decode(new byte[] {1, 9}))
        .hasMessageContaining("command type");
    byte[] place = CommandCodec.encode(FULL);
    byte[] badSide = place.clone();
    badSide[2 + 8 + 8 + 1 + 7 + 8] = 3;
    assertThatThrownBy(() -> CommandCodec.decode(badSide)).hasMessageContaining("side");
  }
}
