package io.peerwatt.webui;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FormatTest {

  @Test
  void energyIsKwhWithThreeDecimalsCutNotRounded() {
    assertThat(Format.kwh(1_234)).isEqualTo("1.234 kWh");
    assertThat(Format.kwh(5)).isEqualTo("0.005 kWh");
    assertThat(Format.kwh(-1_500)).isEqualTo("-1.500 kWh");
    assertThat(Format.power(640)).isEqualTo("640 W");
    assertThat(Format.power(3_429)).isEqualTo("3.42 kW");
  }

  @Test
  void moneyInTheMarketCurrencyOrSatoshis() {
    assertThat(Format.money(123_456, "EUR")).isEqualTo("€1.23");
    assertThat(Format.money(-5_000, "EUR")).isEqualTo("-€0.05");
    assertThat(Format.money(1_234, "BSV")).isEqualTo("1,234 sat");
    assertThat(Format.price(25_500, "EUR")).isEqualTo("25.500 ct/kWh");
  }

  @Test
  void slotsAreShownInUtcWithTheirEnd() {
    assertThat(Format.slot("2026-11-25T10:00Z/PT15M")).isEqualTo("25 Nov 10:00-10:15 UTC");
    assertThat(Format.slotStart("2026-11-25T23:45Z/PT15M"))
        .isEqualTo(Instant.parse("2026-11-25T23:45:00Z"));
  }

  @Test
  void typedNumbersBecomeExactIntegersOrNothing() {
    assertThat(Forms.kwhToWh("1.5")).isEqualTo(1_500L);
    assertThat(Forms.kwhToWh("0,001")).isEqualTo(1L);
    assertThat(Forms.kwhToWh("0.0005")).isNull();
    assertThat(Forms.ctToMilliCt("20")).isEqualTo(20_000L);
    assertThat(Forms.whole("abc")).isNull();
  }

  @Test
  void slotEnergyIsTheCounterDifferenceBetweenSlotBoundaries() {
    List<SlotEnergy.Slot> slots =
        SlotEnergy.perSlot(
            List.of(
                new SlotEnergy.Point(Instant.parse("2026-11-25T10:00:00Z"), 1_000, 500),
                new SlotEnergy.Point(Instant.parse("2026-11-25T10:07:00Z"), 1_100, 520),
                new SlotEnergy.Point(Instant.parse("2026-11-25T10:15:00Z"), 1_250, 600),
                new SlotEnergy.Point(Instant.parse("2026-11-25T10:30:00Z"), 1_300, 900)));
    assertThat(slots)
        .containsExactly(
            new SlotEnergy.Slot(Instant.parse("2026-11-25T10:00:00Z"), 250, 100),
            new SlotEnergy.Slot(Instant.parse("2026-11-25T10:15:00Z"), 50, 300));
  }
}
