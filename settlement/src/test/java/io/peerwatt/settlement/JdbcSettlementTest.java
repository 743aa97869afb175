package io.peerwatt.settlement;

import static io.peerwatt.db.schema.Tables.ACCOUNT;
import static io.peerwatt.db.schema.Tables.DEVICE;
import static io.peerwatt.db.schema.Tables.MARKET_ORDER;
import static io.peerwatt.db.schema.Tables.MARKET_ZONE;
import static io.peerwatt.db.schema.Tables.METERING_POINT;
import static io.peerwatt.db.schema.Tables.READING;
import static io.peerwatt.db.schema.Tables.SETTLEMENT_STATEMENT;
import static io.peerwatt.db.schema.Tables.TRADE;
import static io.peerwatt.db.schema.Tables.ZONE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.statement.MeterSeries;
import io.peerwatt.protocol.statement.Statement;
import io.peerwatt.protocol.statement.StatementCodec;
import io.peerwatt.settlement.statement.FixedRateSource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The JDBC adapters against the real schema: trades and readings in, versioned statements and payments out. */
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
    db.insertInto(ZONE).set(ZONE.CODE, ZONE_CODE).set(ZONE.NAME, "JDBC test zone").execute();
    db.insertInto(MARKET_ZONE)
        .set(MARKET_ZONE.ZONE_CODE, ZONE_CODE).set(MARKET_ZONE.CURRENCY, "EUR")
        .set(MARKET_ZONE.PRICE_UNIT, "MILLI_CT_PER_KWH").set(MARKET_ZONE.CLEARING_MODE, "CALL_AUCTION")
        .set(MARKET_ZONE.GATE_CLOSURE_LEAD_SECONDS, 900).set(MARKET_ZONE.GRID_FEE_PER_KWH, 5_000L)
        .set(MARKET_ZONE.IMBALANCE_PRICE_PER_KWH, 40_000L).set(MARKET_ZONE.NEGATIVE_PRICES_ALLOWED, false)
        .set(MARKET_ZONE.LOCAL_TIME_ZONE, "Europe/Berlin").set(MARKET_ZONE.MIN_QUANTITY_WH, 1L)
        .set(MARKET_ZONE.MAX_QUANTITY_WH, 1_000_000L).set(MARKET_ZONE.MIN_PRICE_PER_KWH, 0L)
        .set(MARKET_ZONE.MAX_PRICE_PER_KWH, 1_000_000L)
        .execute();
    seller = account(db, "seller");
    buyer = account(db, "buyer");
    sellerDevice = device(db, seller, 2);
    buyerDevice = device(db, buyer, 3);
    long sellOrder = order(db, seller, "SELL");
    long buyOrder = order(db, buyer, "BUY");
    db.insertInto(TRADE)
        .set(TRADE.ZONE_CODE, ZONE_CODE).set(TRADE.SLOT_START, SLOT.start())
        .set(TRADE.BUY_ORDER_ID, buyOrder).set(TRADE.BUYER_ACCOUNT_ID, buyer)
        .set(TRADE.SELL_ORDER_ID, sellOrder).set(TRADE.SELLER_ACCOUNT_ID, seller)
        .set(TRADE.QUANTITY_WH, 800L).set(TRADE.PRICE_PER_KWH, 21_000L).set(TRADE.GRID_FEE_PER_KWH, 5_000L)
        .set(TRADE.PRICE_UNIT, "MILLI_CT_PER_KWH").set(TRADE.CURRENCY, "EUR").set(TRADE.TIER, "OPEN")
        .set(TRADE.COMMAND_SEQUENCE, 1L).set(TRADE.FILL_INDEX, 0).set(TRADE.TRADED_AT, SLOT.start().minusSeconds(900))
        .execute();
    // a device the seller revoked long ago: its old readings must not make the seller's data missing
    long retired = device(db, seller, 4);
    reading(db, retired, 1, SLOT.start().minusSeconds(3_600), 0, 500);
    db.update(DEVICE).set(DEVICE.STATUS, "revoked").set(DEVICE.REVOKED_AT, SLOT.start().minusSeconds(1_800))
        .where(DEVICE.ID.eq(retired)).execute();
    reading(db, sellerDevice, 1, SLOT.start().minusSeconds(30), 0, 10_000);
    reading(db, sellerDevice, 2, SLOT.start().plusSeconds(30), 0, 10_040);
    reading(db, buyerDevice, 1, SLOT.start(), 2_000, 0);
    reading(db, buyerDevice, 2, SLOT.end(), 2_820, 0);
  }

  static long account(DSLContext db, String name) {
    return db.insertInto(ACCOUNT).set(ACCOUNT.USERNAME, name).set(ACCOUNT.ROLE, "prosumer")
        .set(ACCOUNT.PASSWORD_HASH, "x").set(ACCOUNT.ZONE_CODE, ZONE_CODE).returning(ACCOUNT.ID).fetchOne().getId();
  }

  static long device(DSLContext db, long account, int keyByte) {
    long point = db.insertInto(METERING_POINT).set(METERING_POINT.ACCOUNT_ID, account)
        .set(METERING_POINT.ZONE_CODE, ZONE_CODE).set(METERING_POINT.LABEL, "home")
        .set(METERING_POINT.MAX_POWER_W, 30_000L).returning(METERING_POINT.ID).fetchOne().getId();
    byte[] key = new byte[33];
    key[0] = 2;
    key[32] = (byte) keyByte;
    return db.insertInto(DEVICE).set(DEVICE.PUBLIC_KEY, key).set(DEVICE.METERING_POINT_ID, point)
        .set(DEVICE.ENROLLED_AT, SLOT.start().minus(Duration.ofDays(1)))
        .returning(DEVICE.ID).fetchOne().getId();
  }

  static long order(DSLContext db, long account, String side) {
    long id = db.nextval("market_order_id_seq").longValueExact();
    Instant at = SLOT.start().minusSeconds(3600);
    db.insertInto(MARKET_ORDER)
        .set(MARKET_ORDER.ID, id).set(MARKET_ORDER.ACCOUNT_ID, account).set(MARKET_ORDER.ZONE_CODE, ZONE_CODE)
        .set(MARKET_ORDER.SLOT_START, SLOT.start()).set(MARKET_ORDER.SIDE, side)
        .set(MARKET_ORDER.ORDER_TYPE, "LIMIT").set(MARKET_ORDER.QUANTITY_WH, 800L)
        .set(MARKET_ORDER.LIMIT_PRICE_PER_KWH, 21_000L).set(MARKET_ORDER.OPEN_WH, 0L)
        .set(MARKET_ORDER.FILLED_WH, 800L).set(MARKET_ORDER.STATE, "FILLED").set(MARKET_ORDER.GREEN, false)
        .set(MARKET_ORDER.PREFERRED_PARTNERS, new Long[0]).set(MARKET_ORDER.CREATED_AT, at)
        .set(MARKET_ORDER.UPDATED_AT, at)
        .execute();
    return id;
  }

  static void reading(DSLContext db, long device, long sequence, Instant at, long importWh, long exportWh) {
    byte[] hash = Hashes.sha256((device + "/" + sequence).getBytes(StandardCharsets.UTF_8));
    db.insertInto(READING)
        .set(READING.DEVICE_ID, device).set(READING.SEQUENCE, sequence).set(READING.METER_CHANNEL, 0)
        .set(READING.TAKEN_AT, at).set(READING.IMPORT_WH, importWh).set(READING.EXPORT_WH, exportWh)
        .set(READING.POWER_W, 0L).set(READING.QUALITY_FLAGS, 0).set(READING.PREV_HASH, new byte[32])
        .set(READING.READING_HASH, hash).set(READING.SIGNATURE, new byte[70]).set(READING.ENCODED, new byte[110])
        .execute();
  }


  @Test
  void settlesFromTheTablesThenResettlesWhenLateReadingsArrive(DSLContext db) {
    JdbcSettlementInputs inputs = new JdbcSettlementInputs(db, Duration.ofHours(6));
    JdbcStatementStore store = new JdbcStatementStore(db);
    RecordingPaymentPort port = new RecordingPaymentPort();
    SettlementService service = new SettlementService(inputs, store, new FixedRateSource(Map.of("EUR", 2_500_000L)),
        port, SettlementPolicy.defaults());

    assertThat(inputs.tradedSlots(SLOT.end(), SLOT.end())).containsExactly(KEY);
    assertThat(inputs.trades(KEY)).singleElement().satisfies(t -> assertThat(t.quantityWh()).isEqualTo(800));
    Map<Long, List<MeterSeries>> meters = inputs.meters(KEY, List.of(seller, buyer));
    assertThat(meters.get(seller)).singleElement().satisfies(m -> assertThat(m.readings()).hasSize(2));

    // sub-second settlement time: the rate's time must still read back identical from the table
    Instant first = SLOT.end().plus(Duration.ofMinutes(5)).plusNanos(123_456_789);
    assertThat(service.settleDueSlots(first)).containsExactly(new SlotSettlement(KEY, SlotSettlement.Outcome.SETTLED, 2, 2));
    Statement v1 = store.latestStatements(KEY).get(seller);
    assertThat(v1.missing()).isTrue();
    assertThat(v1.deliveredWh()).isZero();
    assertThat(store.latestStatements(KEY).get(buyer).importWh()).isEqualTo(820);
    byte[] storedHash = db.select(SETTLEMENT_STATEMENT.STATEMENT_HASH).from(SETTLEMENT_STATEMENT)
        .where(SETTLEMENT_STATEMENT.ACCOUNT_ID.eq(seller)).fetchOne().value1();
    assertThat(storedHash).isEqualTo(StatementCodec.hash(v1));
    assertThat(store.payments(seller, KEY)).singleElement()
        .satisfies(p -> assertThat(p.outcome().status()).isEqualTo(PaymentStatus.PAID));

    reading(db, sellerDevice, 3, SLOT.end().plusSeconds(20), 0, 10_900);
    Instant second = SLOT.end().plus(Duration.ofMinutes(20));
    assertThat(service.settleDueSlots(second)).containsExactly(new SlotSettlement(KEY, SlotSettlement.Outcome.RESETTLED, 1, 1));
    List<Statement> versions = store.versions(seller, KEY);
    assertThat(versions).extracting(Statement::version).containsExactly(1, 2);
    Statement v2 = versions.get(1);
    assertThat(v2.previousHashHex()).isEqualTo(StatementCodec.hashHex(v1));
    assertThat(v2.deliveredWh()).isEqualTo(800);
    assertThat(v2.rate()).isEqualTo(v1.rate());
    assertThat(store.payments(seller, KEY)).extracting(p -> p.payment().amountSat())
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
    assertThatThrownBy(() -> store.record(store.settledSlot(KEY).orElseThrow(), List.of(v2), List.of(), second))
        .isInstanceOf(RuntimeException.class);
  }
}
