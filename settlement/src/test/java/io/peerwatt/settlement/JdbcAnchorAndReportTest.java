package io.peerwatt.settlement;

import static io.peerwatt.db.schema.Tables.ACCOUNT;
import static io.peerwatt.db.schema.Tables.DEVICE;
import static io.peerwatt.db.schema.Tables.MARKET_ORDER;
import static io.peerwatt.db.schema.Tables.MARKET_ZONE;
import static io.peerwatt.db.schema.Tables.METERING_POINT;
import static io.peerwatt.db.schema.Tables.READING;
import static io.peerwatt.db.schema.Tables.TRADE;
import static io.peerwatt.db.schema.Tables.ZONE;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.anchor.AnchorItemKind;
import io.peerwatt.protocol.anchor.ProofBundle;
import io.peerwatt.protocol.anchor.ProofBundleVerifier;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.spv.BlockHeader;
import io.peerwatt.protocol.spv.HeaderChain;
import io.peerwatt.protocol.statement.Statement;
import io.peerwatt.settlement.anchor.AnchorItem;
import io.peerwatt.settlement.anchor.AnchorOutcome;
import io.peerwatt.settlement.anchor.AnchorSource;
import io.peerwatt.settlement.anchor.AnchoringService;
import io.peerwatt.settlement.anchor.JdbcAnchorSource;
import io.peerwatt.settlement.anchor.JdbcAnchorStore;
import io.peerwatt.settlement.chain.ChainHeader;
import io.peerwatt.settlement.devnet.DevnetBackend;
import io.peerwatt.settlement.report.JdbcReportSource;
import io.peerwatt.settlement.report.ReportRow;
import io.peerwatt.settlement.report.UtilityReport;
import io.peerwatt.settlement.statement.FixedRateSource;
import io.peerwatt.settlement.wallet.HubWallet;
import io.peerwatt.settlement.wallet.InMemoryTransactionLog;
import io.peerwatt.settlement.wallet.InMemoryWalletStore;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A slot settled from the tables is anchored from the tables on devnet, mined, its trade and statement
 * bundles verify, and the utility report read from the tables reconciles with the statements and payments.
 */
@ExtendWith(PostgresExtension.class)
class JdbcAnchorAndReportTest {
  static final String ZONE_CODE = "DE-ANCHOR-1";
  static final DeliverySlot SLOT = DeliverySlot.parse("2026-11-24T08:00Z/PT15M");
  static final PrivateKey PLATFORM = PrivateKey.fromBytes(Hashes.sha256("jdbc anchor platform".getBytes()));

  @Test
  void settledSlotIsAnchoredMinedProvableAndReported(DSLContext db) {
    db.insertInto(ZONE).set(ZONE.CODE, ZONE_CODE).set(ZONE.NAME, "anchor test zone").execute();
    db.insertInto(MARKET_ZONE)
        .set(MARKET_ZONE.ZONE_CODE, ZONE_CODE).set(MARKET_ZONE.CURRENCY, "EUR")
        .set(MARKET_ZONE.PRICE_UNIT, "MILLI_CT_PER_KWH").set(MARKET_ZONE.CLEARING_MODE, "CALL_AUCTION")
        .set(MARKET_ZONE.GATE_CLOSURE_LEAD_SECONDS, 900).set(MARKET_ZONE.GRID_FEE_PER_KWH, 5_000L)
        .set(MARKET_ZONE.IMBALANCE_PRICE_PER_KWH, 40_000L).set(MARKET_ZONE.NEGATIVE_PRICES_ALLOWED, false)
        .set(MARKET_ZONE.LOCAL_TIME_ZONE, "Europe/Berlin").set(MARKET_ZONE.MIN_QUANTITY_WH, 1L)
        .set(MARKET_ZONE.MAX_QUANTITY_WH, 1_000_000L).set(MARKET_ZONE.MIN_PRICE_PER_KWH, 0L)
        .set(MARKET_ZONE.MAX_PRICE_PER_KWH, 1_000_000L)
        .execute();
    long seller = account(db, "anchor-seller");
    long buyer = account(db, "anchor-buyer");
    long sellerDevice = device(db, seller, 41);
    long buyerDevice = device(db, buyer, 42);
    long tradeId = db.insertInto(TRADE)
        .set(TRADE.ZONE_CODE, ZONE_CODE).set(TRADE.SLOT_START, utc(SLOT.start()))
        .set(TRADE.BUY_ORDER_ID, order(db, buyer, "BUY")).set(TRADE.BUYER_ACCOUNT_ID, buyer)
        .set(TRADE.SELL_ORDER_ID, order(db, seller, "SELL")).set(TRADE.SELLER_ACCOUNT_ID, seller)
        .set(TRADE.QUANTITY_WH, 800L).set(TRADE.PRICE_PER_KWH, 21_000L).set(TRADE.GRID_FEE_PER_KWH, 5_000L)
        .set(TRADE.PRICE_UNIT, "MILLI_CT_PER_KWH").set(TRADE.CURRENCY, "EUR").set(TRADE.TIER, "OPEN")
        .set(TRADE.COMMAND_SEQUENCE, 1L).set(TRADE.FILL_INDEX, 0).set(TRADE.TRADED_AT, utc(SLOT.start().minusSeconds(900)))
        .returning(TRADE.ID).fetchOne().getId();
    reading(db, sellerDevice, 1, SLOT.start(), 0, 10_000);
    reading(db, sellerDevice, 2, SLOT.end(), 0, 10_600);
    reading(db, buyerDevice, 1, SLOT.start(), 2_000, 0);
    reading(db, buyerDevice, 2, SLOT.end(), 2_900, 0);

    JdbcStatementStore statements = new JdbcStatementStore(db);
    SettlementService settlement = new SettlementService(new JdbcSettlementInputs(db, Duration.ofHours(6)), statements,
        new FixedRateSource(Map.of("EUR", 2_500_000L)), new RecordingPaymentPort(), SettlementPolicy.defaults());
    Instant now = SLOT.end().plus(Duration.ofMinutes(30));
    settlement.settleDueSlots(now);
    Map<Long, Statement> latest = statements.latestStatements(new SlotKey(ZONE_CODE, SLOT));
    assertThat(latest).hasSize(2);

    DevnetBackend devnet = DevnetBackend.inMemory(Clock.fixed(now, ZoneOffset.UTC), DevnetBackend.DEFAULT_POLICY);
    HubWallet wallet = new HubWallet(PrivateKey.fromBytes(Hashes.sha256("jdbc anchor wallet".getBytes())), devnet,
        new InMemoryWalletStore(), new InMemoryTransactionLog());
    wallet.receive(Transaction.parse(devnet.faucet(wallet.lockingScript(), 100_000).rawTx()), false, List.of(), "faucet");
    JdbcAnchorSource source = new JdbcAnchorSource(db, Duration.ofDays(3650), SettlementPolicy.defaults().graceWindow());
    JdbcAnchorStore store = new JdbcAnchorStore(db);
    AnchoringService anchoring = new AnchoringService(source, store, wallet, devnet, PLATFORM, new SecureRandom());
    AnchorSource.Slot slot = new AnchorSource.Slot(ZONE_CODE, SLOT.toString());
    assertThat(source.closedSlots(now)).contains(slot);
    List<AnchorItem> items = source.items(slot);
    assertThat(items).extracting(AnchorItem::kind).containsExactly(AnchorItemKind.READING, AnchorItemKind.READING,
        AnchorItemKind.READING, AnchorItemKind.READING, AnchorItemKind.TRADE, AnchorItemKind.STATEMENT,
        AnchorItemKind.STATEMENT);
    List<AnchorOutcome> outcomes = anchoring.anchorDueSlots(now).stream()
        .filter(o -> o.anchorKey().equals(AnchoringService.slotKey(slot))).toList();
    assertThat(outcomes).singleElement().satisfies(o -> assertThat(o.status()).isEqualTo(AnchorOutcome.Status.ANCHORED));
    devnet.mineBlocks(1);
    assertThat(anchoring.confirmAnchors()).isGreaterThanOrEqualTo(1);

    List<BlockHeader> headers = devnet.headers(0, 10).stream().map(ChainHeader::blockHeader).toList();
    ProofBundleVerifier.Trust trust = new ProofBundleVerifier.Trust(PLATFORM.publicKey(), new HeaderChain(0, headers));
    for (AnchorItem item : items.subList(4, 7)) {
      ProofBundle bundle = anchoring.bundle(item.kind(), item.ref()).bundle();
      assertThat(ProofBundleVerifier.verify(bundle, trust).verified()).as(item.ref()).isTrue();
      assertThat(bundle.item()).isEqualTo(item.bytes());
    }
    assertThat(items.get(4).ref()).isEqualTo(Long.toString(tradeId));

    UtilityReport report = new JdbcReportSource(db).report(ZONE_CODE, SLOT.start(), SLOT.end(), 30_000);
    assertThat(report.rows()).hasSize(2);
    assertThat(report.totals().energyReconciles()).as(report.totals().toString()).isTrue();
    assertThat(report.totals().paymentsReconcile()).isTrue();
    assertThat(report.totals().statementSat())
        .isEqualTo(latest.values().stream().mapToLong(Statement::totalSat).sum());
    assertThat(report.totals().paidSat()).isEqualTo(report.totals().statementSat());
    for (ReportRow row : report.rows()) {
      assertThat(row.anchorTxids()).containsExactly(outcomes.get(0).txid());
      assertThat(row.meteringPointIds()).hasSize(1);
    }
    ReportRow buyerRow = report.rows().stream().filter(r -> r.accountId() == buyer).findFirst().orElseThrow();
    assertThat(buyerRow.importWh()).isEqualTo(900);
    assertThat(buyerRow.deliveredBoughtWh()).isEqualTo(600);
    assertThat(buyerRow.residualImportWh()).isEqualTo(300);
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
    key[0] = 3;
    key[32] = (byte) keyByte;
    return db.insertInto(DEVICE).set(DEVICE.PUBLIC_KEY, key).set(DEVICE.METERING_POINT_ID, point)
        .set(DEVICE.ENROLLED_AT, utc(SLOT.start().minus(Duration.ofDays(1))))
        .returning(DEVICE.ID).fetchOne().getId();
  }

  static long order(DSLContext db, long account, String side) {
    long id = db.nextval("market_order_id_seq").longValueExact();
    OffsetDateTime at = utc(SLOT.start().minusSeconds(3600));
    db.insertInto(MARKET_ORDER)
        .set(MARKET_ORDER.ID, id).set(MARKET_ORDER.ACCOUNT_ID, account).set(MARKET_ORDER.ZONE_CODE, ZONE_CODE)
        .set(MARKET_ORDER.SLOT_START, utc(SLOT.start())).set(MARKET_ORDER.SIDE, side)
        .set(MARKET_ORDER.ORDER_TYPE, "LIMIT").set(MARKET_ORDER.QUANTITY_WH, 800L)
        .set(MARKET_ORDER.LIMIT_PRICE_PER_KWH, 21_000L).set(MARKET_ORDER.OPEN_WH, 0L)
        .set(MARKET_ORDER.FILLED_WH, 800L).set(MARKET_ORDER.STATE, "FILLED").set(MARKET_ORDER.GREEN, false)
        .set(MARKET_ORDER.PREFERRED_PARTNERS, new Long[0]).set(MARKET_ORDER.CREATED_AT, at)
        .set(MARKET_ORDER.UPDATED_AT, at)
        .execute();
    return id;
  }

  /** A reading row as ingestion stores it (the encoded bytes are placeholders: readings are not proven here). */
  static void reading(DSLContext db, long device, long sequence, Instant at, long importWh, long exportWh) {
    byte[] hash = Hashes.sha256((device + "/" + sequence).getBytes(StandardCharsets.UTF_8));
    byte[] encoded = new byte[110];
    System.arraycopy(hash, 0, encoded, 0, 32);
    db.insertInto(READING)
        .set(READING.DEVICE_ID, device).set(READING.SEQUENCE, sequence).set(READING.METER_CHANNEL, 0)
        .set(READING.TAKEN_AT, utc(at)).set(READING.IMPORT_WH, importWh).set(READING.EXPORT_WH, exportWh)
        .set(READING.POWER_W, 0L).set(READING.QUALITY_FLAGS, 0).set(READING.PREV_HASH, new byte[32])
        .set(READING.READING_HASH, hash).set(READING.SIGNATURE, new byte[70]).set(READING.ENCODED, encoded)
        .execute();
  }

  static OffsetDateTime utc(Instant t) {
    return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
  }
}
