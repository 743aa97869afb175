package io.peerwatt.settlement;

import static io.peerwatt.settlement.JdbcSettlementTest.SLOT;
import static io.peerwatt.settlement.JdbcSettlementTest.ZONE_CODE;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.settlement.anchor.AnchorSource;
import io.peerwatt.settlement.anchor.JdbcAnchorSource;
import java.time.Duration;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A slot's first anchoring waits for the slot's end plus the grace window, even when some of its
 * readings were taken long before (issue 15: slot 04:45 was anchored at 04:57 and its later
 * readings went into a second anchor).
 */
@ExtendWith(PostgresExtension.class)
class JdbcSlotAnchorTimingTest {
  private static final DeliverySlot LATER =
      DeliverySlot.startingAt(SLOT.start().plus(Duration.ofHours(2)));

  @Test
  void aSlotIsClosedOnlyOnceItEndedAndItsGraceWindowPassed(DSLContext db) {
    JdbcSettlementTest.market(db);
    long device = JdbcSettlementTest.buyerDevice;
    MarketRows.reading(db, device, 3, LATER.start().plusSeconds(60), 3_000, 0);
    Duration grace = SettlementPolicy.defaults().graceWindow();
    JdbcAnchorSource source = new JdbcAnchorSource(db, Duration.ofDays(3650), grace);
    AnchorSource.Slot later = new AnchorSource.Slot(ZONE_CODE, LATER.toString());

    // eight minutes into the slot, the slot before it is due, this one is not
    assertThat(source.closedSlots(LATER.start().plus(Duration.ofMinutes(8)))).doesNotContain(later);
    assertThat(source.closedSlots(LATER.end().plus(grace).minusSeconds(1))).doesNotContain(later);
    assertThat(source.closedSlots(LATER.end().plus(grace))).contains(later);
  }
}
