package io.peerwatt.cluster.settlement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.FormatException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The settlement events' JSON (version 1): what is written reads back; anything else is refused.
 */
class SettlementEventCodecTest {
  private static final DeliverySlot SLOT = DeliverySlot.parse("2026-11-25T10:00Z/PT15M");
  private static final String HASH = "ab".repeat(32);

  @Test
  void bothKindsReadBackAsWritten() {
    SettlementEvent made =
        new SettlementEvent.StatementMade(7, "DE-1", SLOT, 42, 2, -16_800, -42_000, HASH);
    SettlementEvent closed = new SettlementEvent.SlotClosed(8, "DE-1", SLOT, 2, 1, -42_000, true);
    assertThat(SettlementEventCodec.decode(SettlementEventCodec.encode(made))).isEqualTo(made);
    assertThat(SettlementEventCodec.decode(SettlementEventCodec.encode(closed))).isEqualTo(closed);
    assertThat(new String(SettlementEventCodec.encode(closed), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"v\":1,\"id\":8,\"kind\":\"SLOT_CLOSED\",\"zone\":\"DE-1\","
                + "\"slot\":\"2026-11-25T10:00Z/PT15M\",\"statements\":2,\"payments\":1,"
                + "\"paymentSat\":-42000,\"resettled\":true}");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"v\":2,\"id\":8,\"kind\":\"SLOT_CLOSED\",\"zone\":\"DE-1\",\"slot\":\"2026-11-25T10:00Z/PT15M\",\"statements\":2,\"payments\":1,\"paymentSat\":0,\"resettled\":true}",
        "{\"v\":1,\"id\":0,\"kind\":\"SLOT_CLOSED\",\"zone\":\"DE-1\",\"slot\":\"2026-11-25T10:00Z/PT15M\",\"statements\":2,\"payments\":1,\"paymentSat\":0,\"resettled\":true}",
        "{\"v\":1,\"id\":8,\"kind\":\"SLOT_OPENED\",\"zone\":\"DE-1\",\"slot\":\"2026-11-25T10:00Z/PT15M\"}",
        "{\"v\":1,\"id\":8,\"kind\":\"SLOT_CLOSED\",\"zone\":\"DE-1\",\"slot\":\"2026-11-25T10:05Z/PT15M\",\"statements\":2,\"payments\":1,\"paymentSat\":0,\"resettled\":true}",
        "{\"v\":1,\"id\":8,\"kind\":\"SLOT_CLOSED\",\"zone\":\"DE-1\",\"slot\":\"2026-11-25T10:00Z/PT15M\",\"statements\":2,\"payments\":1,\"paymentSat\":0}",
        "{\"v\":1,\"id\":8,\"kind\":\"SLOT_CLOSED\",\"zone\":\"DE-1\",\"slot\":\"2026-11-25T10:00Z/PT15M\",\"statements\":2,\"payments\":1,\"paymentSat\":0,\"resettled\":\"yes\"}",
        "{\"v\":1,\"id\":8,\"kind\":\"SLOT_CLOSED\",\"zone\":\"DE-1\",\"slot\":\"2026-11-25T10:00Z/PT15M\",\"statements\":-1,\"payments\":1,\"paymentSat\":0,\"resettled\":true}",
        "{\"v\":1,\"id\":8,\"kind\":\"SLOT_CLOSED\",\"zone\":\"\",\"slot\":\"2026-11-25T10:00Z/PT15M\",\"statements\":2,\"payments\":1,\"paymentSat\":0,\"resettled\":true}",
        "{\"v\":1,\"id\":7,\"kind\":\"STATEMENT_MADE\",\"zone\":\"DE-1\",\"slot\":\"2026-11-25T10:00Z/PT15M\",\"account\":42,\"version\":1,\"totalAmount\":1,\"totalSat\":1,\"statementHash\":\"AB\"}",
        "{\"v\":1,\"id\":7,\"kind\":\"STATEMENT_MADE\",\"zone\":\"DE-1\",\"slot\":\"2026-11-25T10:00Z/PT15M\",\"account\":42,\"version\":0,\"totalAmount\":1,\"totalSat\":1,\"statementHash\":\"abababababababababababababababababababababababababababababababab\"}",
        "{\"v\":1,\"id\":7,\"kind\":\"STATEMENT_MADE\",\"zone\":\"DE-1\",\"slot\":\"2026-11-25T10:00Z/PT15M\",\"account\":42,\"version\":1,\"totalAmount\":1,\"totalSat\":1,\"statementHash\":\"abababababababababababababababababababababababababababababababab\",\"extra\":1}",
        "{\"v\":1,\"id\":7,\"kind\":\"STATEMENT_MADE\",\"zone\":\"DE-1\",\"slot\":\"2026-11-25T10:00Z/PT15M\",\"account\":42,\"version\":1,\"totalAmount\":1.5,\"totalSat\":1,\"statementHash\":\"abababababababababababababababababababababababababababababababab\"}",
        "[1]",
        "{\"v\":1"
      })
  void anythingElseIsRefused(String json) {
    assertThatThrownBy(() -> SettlementEventCodec.decode(json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(FormatException.class);
  }
}
