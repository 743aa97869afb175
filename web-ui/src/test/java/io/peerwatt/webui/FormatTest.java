package io.peerwatt.webui;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
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
    // a trade worth a third of a cent is not "€0.00"
    assertThat(Format.money(320, "EUR")).isEqualTo("€0.0032");
    assertThat(Format.money(-1, "EUR")).isEqualTo("-€0.00001");
    assertThat(Format.money(0, "EUR")).isEqualTo("€0.00");
    assertThat(Format.signedMoney(40_000, "EUR")).isEqualTo("+€0.40");
    assertThat(Format.price(25_500, "EUR")).isEqualTo("25.500 ct/kWh");
  }

  @Test
  void slotsAreShownInUtcWithTheirEnd() {
    assertThat(Format.slot("2026-11-25T10:00Z/PT15M")).isEqualTo("25 Nov 10:00-10:15 UTC");
    assertThat(Format.slotStart("2026-11-25T23:45Z/PT15M"))
        .isEqualTo(Instant.parse("2026-11-25T23:45:00Z"));
  }

  @Test
  void timesAreShownInTheZonesLocalTimeWithUtcBeside() {
    java.time.ZoneId berlin = java.time.ZoneId.of("Europe/Berlin");
    assertThat(Format.localSlot("2026-11-25T10:00Z/PT15M", berlin))
        .isEqualTo("Wed 25 Nov 11:00–11:15");
    assertThat(Format.utc(Instant.parse("2026-11-25T10:00:00Z")))
        .isEqualTo("2026-11-25 10:00:00 UTC");
    assertThat(Format.duration(125 * 60)).isEqualTo("2 h 5 min");
    assertThat(Format.duration(40)).isEqualTo("40 s");
  }

  @Test
  void satoshisBecomeMoneyAtTheStatementsRate() {
    // 2,000,000 sat per euro (100,000 milli-cent)
    assertThat(Format.satsToMilliCt(6_000, 2_000_000, 100_000)).isEqualTo(300);
    assertThat(Format.money(Format.satsToMilliCt(6_000, 2_000_000, 100_000), "EUR"))
        .isEqualTo("€0.003");
  }

  @Test
  void typedNumbersBecomeExactIntegersOrNothing() {
    assertThat(Forms.kwhToWh("1.5")).isEqualTo(1_500L);
    assertThat(Forms.kwhToWh("0,001")).isEqualTo(1L);
    assertThat(Forms.kwhToWh("0.0005")).isNull();
    assertThat(Forms.ctToMilliCt("20")).isEqualTo(20_000L);
    assertThat(Forms.whole("abc")).isNull();
  }
}
