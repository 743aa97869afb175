package io.peerwatt.trading.calendar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.PriceUnit;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class MarketCalendarTest {
  static ZoneConfig berlin(Duration lead) {
    return new ZoneConfig(
        "DE-BERLIN-1",
        "EUR",
        PriceUnit.MILLI_CT_PER_KWH,
        ClearingMode.CALL_AUCTION,
        lead,
        7_500,
        40_000,
        false,
        ZoneId.of("Europe/Berlin"),
        1,
        1_000_000,
        0,
        1_000_000);
  }

  final MarketCalendar calendar = new MarketCalendar(berlin(ZoneConfig.DEFAULT_GATE_CLOSURE_LEAD));

  @Test
  void anOrdinaryDayHas96Slots() {
    List<DeliverySlot> slots = calendar.slotsOf(LocalDate.of(2026, 11, 25));
    assertThat(slots).hasSize(96);
    assertThat(slots.get(0)).hasToString("2026-11-24T23:00Z/PT15M");
    assertThat(slots.get(95)).hasToString("2026-11-25T22:45Z/PT15M");
  }

  @Test
  void springForwardDayHas92Slots() {
    // 29 March 2026: Berlin clocks jump from 02:00 to 03:00
    List<DeliverySlot> slots = calendar.slotsOf(LocalDate.of(2026, 3, 29));
    assertThat(slots).hasSize(92);
    assertThat(slots.get(0)).hasToString("2026-03-28T23:00Z/PT15M");
    assertThat(slots.get(91)).hasToString("2026-03-29T21:45Z/PT15M");
  }

  @Test
  void fallBackDayHas100Slots() {
    // 25 October 2026: Berlin clocks go back from 03:00 to 02:00
    List<DeliverySlot> slots = calendar.slotsOf(LocalDate.of(2026, 10, 25));
    assertThat(slots).hasSize(100);
    assertThat(slots.get(0)).hasToString("2026-10-24T22:00Z/PT15M");
    assertThat(slots.get(99)).hasToString("2026-10-25T22:45Z/PT15M");
  }

  @Test
  void consecutiveDaysTileWithoutGapOrOverlap() {
    LocalDate day = LocalDate.of(2026, 3, 27);
    DeliverySlot expected = calendar.slotsOf(day).get(0);
    for (int i = 0; i < 240; i++, day = day.plusDays(1)) {
      for (DeliverySlot slot : calendar.slotsOf(day)) {
        assertThat(slot).isEqualTo(expected);
        assertThat(calendar.deliveryDayOf(slot)).isEqualTo(day);
        expected = slot.next();
      }
    }
  }

  @Test
  void booksOpenAtLocalMidnightTheDayBefore() {
    DeliverySlot slot = DeliverySlot.parse("2026-11-25T10:00Z/PT15M");
    assertThat(calendar.bookOpening(slot)).isEqualTo(Instant.parse("2026-11-23T23:00:00Z"));
    // the first slot of a local day (23:00Z the evening before) belongs to that local day
    DeliverySlot first = DeliverySlot.parse("2026-11-24T23:00Z/PT15M");
    assertThat(calendar.bookOpening(first)).isEqualTo(Instant.parse("2026-11-23T23:00:00Z"));
    // summer time: local midnight is 22:00Z
    assertThat(calendar.bookOpening(DeliverySlot.parse("2026-07-01T12:00Z/PT15M")))
        .isEqualTo(Instant.parse("2026-06-29T22:00:00Z"));
  }

  @Test
  void slotStatesFollowOpeningGateAndDelivery() {
    DeliverySlot slot = DeliverySlot.parse("2026-11-25T10:00Z/PT15M");
    assertThat(calendar.gateClosure(slot)).isEqualTo(Instant.parse("2026-11-25T09:45:00Z"));
    assertThat(calendar.stateAt(slot, Instant.parse("2026-11-23T22:59:59Z")))
        .isEqualTo(SlotState.NOT_OPEN);
    assertThat(calendar.stateAt(slot, Instant.parse("2026-11-23T23:00:00Z")))
        .isEqualTo(SlotState.OPEN);
    assertThat(calendar.stateAt(slot, Instant.parse("2026-11-25T09:44:59Z")))
        .isEqualTo(SlotState.OPEN);
    assertThat(calendar.stateAt(slot, Instant.parse("2026-11-25T09:45:00Z")))
        .isEqualTo(SlotState.CLOSED);
    assertThat(calendar.stateAt(slot, Instant.parse("2026-11-25T10:00:00Z")))
        .isEqualTo(SlotState.DELIVERING);
    assertThat(calendar.stateAt(slot, Instant.parse("2026-11-25T10:15:00Z")))
        .isEqualTo(SlotState.DELIVERED);
  }

  @Test
  void gateClosureLeadIsPerZone() {
    MarketCalendar hourAhead = new MarketCalendar(berlin(Duration.ofMinutes(60)));
    DeliverySlot slot = DeliverySlot.parse("2026-11-25T10:00Z/PT15M");
    assertThat(hourAhead.gateClosure(slot)).isEqualTo(Instant.parse("2026-11-25T09:00:00Z"));
    assertThat(
            hourAhead.gatesClosingBetween(
                Instant.parse("2026-11-25T09:00:00Z"), Instant.parse("2026-11-25T09:30:00Z")))
        .extracting(DeliverySlot::toString)
        .containsExactly("2026-11-25T10:15Z/PT15M", "2026-11-25T10:30Z/PT15M");
  }

  @Test
  void inconsistentZonesAreRefused() {
    assertThatThrownBy(
            () ->
                new ZoneConfig(
                    "DE BERLIN",
                    "EUR",
                    PriceUnit.MILLI_CT_PER_KWH,
                    ClearingMode.CALL_AUCTION,
                    Duration.ofMinutes(15),
                    0,
                    0,
                    false,
                    ZoneId.of("Europe/Berlin"),
                    1,
                    10,
                    0,
                    10))
        .hasMessageContaining("zone code");
    assertThatThrownBy(
            () ->
                new ZoneConfig(
                    "BSV-1",
                    "EUR",
                    PriceUnit.SAT_PER_KWH,
                    ClearingMode.CALL_AUCTION,
                    Duration.ofMinutes(15),
                    0,
                    0,
                    false,
                    ZoneId.of("Europe/Berlin"),
                    1,
                    10,
                    0,
                    10))
        .hasMessageContaining("BSV");
    assertThatThrownBy(
            () ->
                new ZoneConfig(
                    "Z",
                    "EUR",
                    PriceUnit.MILLI_CT_PER_KWH,
                    ClearingMode.CALL_AUCTION,
                    Duration.ofMinutes(15),
                    -1,
                    0,
                    false,
                    ZoneId.of("Europe/Berlin"),
                    1,
                    10,
                    0,
                    10))
        .hasMessageContaining("grid fee");
    assertThat(
            new ZoneConfig(
                    "BSV-1",
                    "BSV",
                    PriceUnit.SAT_PER_KWH,
                    ClearingMode.CONTINUOUS,
                    Duration.ofMinutes(15),
                    5,
                    50,
                    false,
                    ZoneId.of("Europe/London"),
                    1,
                    10,
                    0,
                    10)
                .priceUnit())
        .isEqualTo(PriceUnit.SAT_PER_KWH);
  }
}
