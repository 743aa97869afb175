package io.peerwatt.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeliverySlotTest {

  @Test
  void parsesAndFormatsTheIsoInterval() {
    DeliverySlot slot = DeliverySlot.parse("2026-11-25T10:00Z/PT15M");
    assertThat(slot.start()).isEqualTo(Instant.parse("2026-11-25T10:00:00Z"));
    assertThat(slot.end()).isEqualTo(Instant.parse("2026-11-25T10:15:00Z"));
    assertThat(slot).hasToString("2026-11-25T10:00Z/PT15M");
    assertThat(slot.next()).hasToString("2026-11-25T10:15Z/PT15M");
    assertThat(DeliverySlot.parse("2026-12-31T23:45Z/PT15M").next())
        .hasToString("2027-01-01T00:00Z/PT15M");
  }

  @Test
  void containingRoundsDownToTheQuarterHour() {
    assertThat(DeliverySlot.containing(Instant.parse("2026-11-25T10:14:59.999Z")))
        .hasToString("2026-11-25T10:00Z/PT15M");
    assertThat(DeliverySlot.containing(Instant.parse("1969-12-31T23:59:59Z")))
        .hasToString("1969-12-31T23:45Z/PT15M");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-11-25T10:00Z/PT30M",
        "2026-11-25T10:00:00Z/PT15M",
        "2026-11-25T10:00+01:00/PT15M",
        "2026-11-25T10:00/PT15M",
        "2026-11-25T10:05Z/PT15M",
        "2026-11-25T10:00Z",
        "2026-11-25T10:00Z/PT15M ",
        "2026-02-30T10:00Z/PT15M",
        "2026-11-25T24:00Z/PT15M",
        "2026-11-25t10:00z/pt15m",
        "",
        "2026-11-25T10:00Z/2026-11-25T10:15Z"
      })
  void rejectsAnythingElseWithAClearMessage(String text) {
    assertThatThrownBy(() -> DeliverySlot.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("slot");
  }

  @Test
  void startMustBeOnAQuarterHour() {
    assertThatThrownBy(() -> DeliverySlot.startingAt(Instant.parse("2026-11-25T10:00:01Z")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
