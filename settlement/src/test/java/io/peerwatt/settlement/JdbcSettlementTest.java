package io.peerwatt.settlement;

import static io.peerwatt.db.schema.Tables.DEVICE;
import static io.peerwatt.db.schema.Tables.SETTLEMENT_STATEMENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.statement.MeterSeries;
import io.peerwatt.protocol.statement.Statement;
import io.peerwatt.protocol.statement.StatementCodec;
import io.peerwatt.settlement.statement.FixedRateSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The JDBC adapters against the real schema: trades and readings in, versioned statements and
 * payments out.
 */
@ExtendWith(PostgresExtension.class)
class JdbcSettlementTest {
  static final String ZONE_CODE = "DE-JDBC-1";
  static final DeliverySlot SLOT = DeliverySlot.parse("2026-11-25T10:00Z/PT15M");
  static final SlotKey KEY = new SlotKey(ZONE_CODE, SLOT);
  static long seller;
  static long buyer;
  static long sellerDevice;
  static long buyerDevice;

  @BeforeAll
  static void market(DSLContext db) {
    MarketRows.zone(db, ZONE_CODE, "JDBC test zone");
    seller = MarketRows.account(db, ZONE_CODE, "seller");
    buyer = MarketRows.account(db, ZONE_CODE, "buyer");
    sellerDevice = MarketRows.device(db, seller, ZONE_CODE, SLOT, 2);
    buyerDevice = MarketRows.device(db, buyer, ZONE_CODE, SLOT, 3);
    MarketRows.trade(db, ZONE_CODE, SLOT, seller, buyer);
    // a device the seller revoked long ago: its old readings must not make the seller's data
    // missing
    long retired = MarketRows.device(db, seller, ZONE_CODE, SLOT, 4);
    MarketRows.reading(db, retired, 1, SLOT.start().minusSeconds(3_600), 0, 500);
    db.update(DEVICE)
        .set(DEVICE.STATUS, "revoked")
        .set(DEVICE.REVOKED_AT, SLOT.start().minusSeconds(1_800))
        .where(DEVICE.ID.eq(retired))
        .execute();
    MarketRows.reading(db, sellerDevice, 1, SLOT.start().minusSeconds(30), 0, 10_000);
    MarketRows.reading(db, sellerDevice, 2, SLOT.start().plusSeconds(30), 0, 10_040);
    MarketRows.reading(db, buyerDevice, 1, SLOT.start(), 2_000, 0);
    MarketRows.reading(db, buyerDevice, 2, SLOT.end(), 2_820, 0);
  }

  @Test
  void settlesFromTheTablesThenResettlesWhenLateReadingsArrive(DSLContext db) {
    JdbcSettlementInputs inputs = new JdbcSettlementInputs(db, Duration.ofHours(6));
    JdbcStatementStore store = new JdbcStatementStore(db);
    RecordingPaymentPort port = new RecordingPaymentPort();
    SettlementService service =
        new SettlementService(
            inputs,
            store,
            new FixedRateSource(Map.of("EUR", 2_500_000L)),
            port,
            SettlementPolicy.defaults());

    assertThat(inputs.tradedSlots(SLOT.end(), SLOT.end())).containsExactly(KEY);
    assertThat(inputs.trades(KEY))
        .singleElement()
        .satisfies(t -> assertThat(t.quantityWh()).isEqualTo(800));
    Map<Long, List<MeterSeries>> meters = inputs.meters(KEY, List.of(seller, buyer));
    assertThat(meters.get(seller))
        .singleElement()
        .satisfies(m -> assertThat(m.readings()).hasSize(2));

    // sub-second settlement time: the rate's time must still read back identical from the table
    Instant first = SLOT.end().plus(Duration.ofMinutes(5)).plusNanos(123_456_789);
    assertThat(service.settleDueSlots(first))
        .containsExactly(new SlotSettlement(KEY, SlotSettlement.Outcome.SETTLED, 2, 2));
    Statement v1 = store.latestStatements(KEY).get(seller);
    assertThat(v1.missing()).isTrue();
    assertThat(v1.deliveredWh()).isZero();
    assertThat(store.latestStatements(KEY).get(buyer).importWh()).isEqualTo(820);
    byte[] storedHash =
        db.select(SETTLEMENT_STATEMENT.STATEMENT_HASH)
            .from(SETTLEMENT_STATEMENT)
            .where(SETTLEMENT_STATEMENT.ACCOUNT_ID.eq(seller))
            .fetchOne()
            .value1();
    assertThat(storedHash).isEqualTo(StatementCodec.hash(v1));
    assertThat(store.payments(seller, KEY))
        .singleElement()
        .satisfies(p -> assertThat(p.outcome().status()).isEqualTo(PaymentStatus.PAID));

    MarketRows.reading(db, sellerDevice, 3, SLOT.end().plusSeconds(20), 0, 10_900);
    Instant second = SLOT.end().plus(Duration.ofMinutes(20));
    assertThat(service.settleDueSlots(second))
        .containsExactly(new SlotSettlement(KEY, SlotSettlement.Outcome.RESETTLED, 1, 1));
    List<Statement> versions = store.versions(seller, KEY);
    assertThat(versions).extracting(Statement::version).containsExactly(1, 2);
    Statement v2 = versions.get(1);
    assertThat(v2.previousHashHex()).isEqualTo(StatementCodec.hashHex(v1));
    assertThat(v2.deliveredWh()).isEqualTo(800);
    assertThat(v2.rate()).isEqualTo(v1.rate());
    assertThat(store.payments(seller, KEY))
        .extracting(p -> p.payment().amountSat())
        .containsExactly(v1.totalSat(), v2.totalSat() - v1.totalSat());
    assertThat(service.settleDueSlots(second.plusSeconds(60)))
        .containsExactly(new SlotSettlement(KEY, SlotSettlement.Outcome.UNCHANGED, 0, 0));
    long paymentId = store.payments(buyer, KEY).get(0).payment().id();
    assertThat(store.target(paymentId)).isEmpty();
    store.recordTarget(paymentId, new ChannelTarget("buyer-channel-1", 12_345));
    assertThat(store.target(paymentId)).contains(new ChannelTarget("buyer-channel-1", 12_345));
    store.recordTarget(paymentId, new ChannelTarget("buyer-channel-2", 12_000));
    assertThat(store.target(paymentId)).contains(new ChannelTarget("buyer-channel-2", 12_000));
    assertThatThrownBy(() -> store.recordTarget(-1, new ChannelTarget("other", 1)))
        .isInstanceOf(IllegalStateException.class);
    // versions are never rewritten: the same version cannot be stored twice
    assertThatThrownBy(
            () ->
                store.record(store.settledSlot(KEY).orElseThrow(), List.of(v2), List.of(), second))
        .isInstanceOf(RuntimeException.class);
  }
}
