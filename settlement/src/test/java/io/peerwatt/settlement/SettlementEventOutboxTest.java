package io.peerwatt.settlement;

import static io.peerwatt.db.schema.Tables.SETTLEMENT_EVENT;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.db.schema.tables.records.SettlementEventRecord;
import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.statement.StatementCodec;
import io.peerwatt.settlement.statement.FixedRateSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 17: with settlement events on, settling a slot writes its events into the outbox in the
 * settlement's transaction (each new statement version, then the slot's close); without them (a
 * single process) nothing is written.
 */
@ExtendWith(PostgresExtension.class)
class SettlementEventOutboxTest {
  private static final DeliverySlot SLOT = DeliverySlot.parse("2026-11-25T12:00Z/PT15M");

  private static long[] market(DSLContext db, String zone) {
    MarketRows.zone(db, zone, "outbox zone " + zone);
    long seller = MarketRows.account(db, zone, "seller-" + zone);
    long buyer = MarketRows.account(db, zone, "buyer-" + zone);
    long sellerDevice = MarketRows.device(db, seller, zone, SLOT, zone.hashCode() & 0x7f);
    long buyerDevice = MarketRows.device(db, buyer, zone, SLOT, 0x80 | (zone.hashCode() & 0x7f));
    MarketRows.trade(db, zone, SLOT, seller, buyer);
    MarketRows.reading(db, sellerDevice, 1, SLOT.start().minusSeconds(30), 0, 10_000);
    MarketRows.reading(db, sellerDevice, 2, SLOT.start().plusSeconds(30), 0, 10_040);
    MarketRows.reading(db, buyerDevice, 1, SLOT.start(), 2_000, 0);
    MarketRows.reading(db, buyerDevice, 2, SLOT.end(), 2_820, 0);
    return new long[] {seller, sellerDevice};
  }

  private static SettlementService service(DSLContext db, JdbcStatementStore store) {
    return new SettlementService(
        new JdbcSettlementInputs(db, Duration.ofHours(6)),
        store,
        new FixedRateSource(Map.of("EUR", 2_500_000L)),
        new RecordingPaymentPort(),
        SettlementPolicy.defaults());
  }

  private static List<SettlementEventRecord> events(DSLContext db, String zone) {
    return db.selectFrom(SETTLEMENT_EVENT)
        .where(SETTLEMENT_EVENT.ZONE_CODE.eq(zone))
        .orderBy(SETTLEMENT_EVENT.ID)
        .fetch();
  }

  @Test
  void settlingWritesTheStatementsThenTheSlotsCloseAndAResettlementAgain(DSLContext db) {
    String zone = "DE-OUTBOX-1";
    long[] seller = market(db, zone);
    JdbcStatementStore store = new JdbcStatementStore(db, true);
    SettlementService service = service(db, store);
    SlotKey key = new SlotKey(zone, SLOT);

    Instant first = SLOT.end().plus(Duration.ofMinutes(5));
    service.settleSlot(key, first);
    List<SettlementEventRecord> events = events(db, zone);
    assertThat(events)
        .extracting(SettlementEventRecord::getKind)
        .containsExactly("STATEMENT_MADE", "STATEMENT_MADE", "SLOT_CLOSED");
    assertThat(events).allSatisfy(e -> assertThat(e.getSlotStart()).isEqualTo(SLOT.start()));
    assertThat(events).allSatisfy(e -> assertThat(e.getSentAt()).isNull());
    var latest = store.latestStatements(key);
    for (SettlementEventRecord made : events.subList(0, 2)) {
      var statement = latest.get(made.getAccountId());
      assertThat(made.getVersion()).isEqualTo(1);
      assertThat(made.getStatementHash()).isEqualTo(StatementCodec.hash(statement));
      assertThat(made.getTotalSat()).isEqualTo(statement.totalSat());
      assertThat(made.getTotalAmount()).isEqualTo(statement.totalAmount());
    }
    SettlementEventRecord closed = events.get(2);
    assertThat(closed.getStatements()).isEqualTo(2);
    assertThat(closed.getPayments()).isEqualTo(2);
    assertThat(closed.getPaymentSat())
        .isEqualTo(latest.values().stream().mapToLong(s -> s.totalSat()).sum());
    assertThat(closed.getResettled()).isFalse();

    // a late reading of the seller: one new version and a second close, marked as re-settlement
    MarketRows.reading(db, seller[1], 3, SLOT.end().plusSeconds(20), 0, 10_900);
    service.settleSlot(key, SLOT.end().plus(Duration.ofMinutes(20)));
    List<SettlementEventRecord> later = events(db, zone).subList(3, 5);
    assertThat(later)
        .extracting(SettlementEventRecord::getKind)
        .containsExactly("STATEMENT_MADE", "SLOT_CLOSED");
    assertThat(later.get(0).getAccountId()).isEqualTo(seller[0]);
    assertThat(later.get(0).getVersion()).isEqualTo(2);
    assertThat(later.get(1).getStatements()).isEqualTo(1);
    assertThat(later.get(1).getResettled()).isTrue();
  }

  @Test
  void aSingleProcessWritesNoEvents(DSLContext db) {
    String zone = "DE-OUTBOX-2";
    market(db, zone);
    JdbcStatementStore store = new JdbcStatementStore(db);
    assertThat(
            service(db, store)
                .settleSlot(new SlotKey(zone, SLOT), SLOT.end().plus(Duration.ofMinutes(5)))
                .outcome())
        .isEqualTo(SlotSettlement.Outcome.SETTLED);
    assertThat(events(db, zone)).isEmpty();
  }
}
