package io.peerwatt.settlement;

import static io.peerwatt.db.schema.Tables.READING_CHAIN_RESTART;
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
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A slot settled from the tables is anchored from the tables on devnet, mined, its trade and
 * statement bundles verify, and the utility report read from the tables reconciles with the
 * statements and payments.
 */
@ExtendWith(PostgresExtension.class)
class JdbcAnchorAndReportTest {
  static final String ZONE_CODE = "DE-ANCHOR-1";
  static final DeliverySlot SLOT = DeliverySlot.parse("2026-11-24T08:00Z/PT15M");
  static final PrivateKey PLATFORM =
      PrivateKey.fromBytes(Hashes.sha256("jdbc anchor platform".getBytes()));

  @Test
  void settledSlotIsAnchoredMinedProvableAndReported(DSLContext db) {
    MarketRows.zone(db, ZONE_CODE, "anchor test zone");
    long seller = MarketRows.account(db, ZONE_CODE, "anchor-seller");
    long buyer = MarketRows.account(db, ZONE_CODE, "anchor-buyer");
    long sellerDevice = MarketRows.device(db, seller, ZONE_CODE, SLOT, 41);
    long buyerDevice = MarketRows.device(db, buyer, ZONE_CODE, SLOT, 42);
    long tradeId = MarketRows.trade(db, ZONE_CODE, SLOT, seller, buyer);
    MarketRows.reading(db, sellerDevice, 1, SLOT.start(), 0, 10_000);
    MarketRows.reading(db, sellerDevice, 2, SLOT.end(), 0, 10_600);
    MarketRows.reading(db, buyerDevice, 1, SLOT.start(), 2_000, 0);
    MarketRows.reading(db, buyerDevice, 2, SLOT.end(), 2_900, 0);

    JdbcStatementStore statements = new JdbcStatementStore(db);
    SettlementService settlement =
        new SettlementService(
            new JdbcSettlementInputs(db, Duration.ofHours(6)),
            statements,
            new FixedRateSource(Map.of("EUR", 2_500_000L)),
            new RecordingPaymentPort(),
            SettlementPolicy.defaults());
    Instant now = SLOT.end().plus(Duration.ofMinutes(30));
    settlement.settleDueSlots(now);
    Map<Long, Statement> latest = statements.latestStatements(new SlotKey(ZONE_CODE, SLOT));
    assertThat(latest).hasSize(2);

    DevnetBackend devnet =
        DevnetBackend.inMemory(Clock.fixed(now, ZoneOffset.UTC), DevnetBackend.DEFAULT_POLICY);
    HubWallet wallet =
        new HubWallet(
            PrivateKey.fromBytes(Hashes.sha256("jdbc anchor wallet".getBytes())),
            devnet,
            new InMemoryWalletStore(),
            new InMemoryTransactionLog());
    wallet.receive(
        Transaction.parse(devnet.faucet(wallet.lockingScript(), 100_000).rawTx()),
        false,
        List.of(),
        "faucet");
    JdbcAnchorSource source =
        new JdbcAnchorSource(db, Duration.ofDays(3650), SettlementPolicy.defaults().graceWindow());
    JdbcAnchorStore store = new JdbcAnchorStore(db);
    AnchoringService anchoring =
        new AnchoringService(source, store, wallet, devnet, PLATFORM, new SecureRandom());
    AnchorSource.Slot slot = new AnchorSource.Slot(ZONE_CODE, SLOT.toString());
    assertThat(source.closedSlots(now)).contains(slot);
    List<AnchorItem> items = source.items(slot);
    assertThat(items)
        .extracting(AnchorItem::kind)
        .containsExactly(
            AnchorItemKind.READING,
            AnchorItemKind.READING,
            AnchorItemKind.READING,
            AnchorItemKind.READING,
            AnchorItemKind.TRADE,
            AnchorItemKind.STATEMENT,
            AnchorItemKind.STATEMENT);
    List<AnchorOutcome> outcomes =
        anchoring.anchorDueSlots(now).stream()
            .filter(o -> o.anchorKey().equals(AnchoringService.slotKey(slot)))
            .toList();
    assertThat(outcomes)
        .singleElement()
        .satisfies(o -> assertThat(o.status()).isEqualTo(AnchorOutcome.Status.ANCHORED));
    devnet.mineBlocks(1);
    assertThat(anchoring.confirmAnchors()).isGreaterThanOrEqualTo(1);

    List<BlockHeader> headers =
        devnet.headers(0, 10).stream().map(ChainHeader::blockHeader).toList();
    ProofBundleVerifier.Trust trust =
        new ProofBundleVerifier.Trust(PLATFORM.publicKey(), new HeaderChain(0, headers));
    for (AnchorItem item : items.subList(4, 7)) {
      ProofBundle bundle = anchoring.bundle(item.kind(), item.ref()).bundle();
      assertThat(ProofBundleVerifier.verify(bundle, trust).verified()).as(item.ref()).isTrue();
      assertThat(bundle.item()).isEqualTo(item.bytes());
    }
    assertThat(items.get(4).ref()).isEqualTo(Long.toString(tradeId));

    // the seller's gateway restarted its chain after a permanent refusal: the gap from its last
    // accepted reading before the slot to the first after it overlaps the slot
    db.insertInto(READING_CHAIN_RESTART)
        .set(READING_CHAIN_RESTART.DEVICE_ID, sellerDevice)
        .set(READING_CHAIN_RESTART.METER_CHANNEL, 0)
        .set(READING_CHAIN_RESTART.LAST_SEQUENCE, 1L)
        .set(READING_CHAIN_RESTART.LAST_HASH, new byte[32])
        .set(READING_CHAIN_RESTART.LAST_TAKEN_AT, SLOT.start())
        .set(READING_CHAIN_RESTART.RESUME_SEQUENCE, 2L)
        .set(READING_CHAIN_RESTART.RESUME_PREV_HASH, new byte[32])
        .set(READING_CHAIN_RESTART.REASON_CODE, (short) 10)
        .set(READING_CHAIN_RESTART.RESTARTED_AT, SLOT.start().plusSeconds(60))
        .set(READING_CHAIN_RESTART.DIGEST, Hashes.sha256("restart".getBytes()))
        .set(READING_CHAIN_RESTART.SIGNATURE, new byte[70])
        .set(READING_CHAIN_RESTART.RECEIVED_AT, SLOT.start().plusSeconds(60))
        .execute();
    UtilityReport report =
        new JdbcReportSource(db).report(ZONE_CODE, SLOT.start(), SLOT.end(), 30_000);
    assertThat(report.rows())
        .allSatisfy(row -> assertThat(row.chainRestart()).isEqualTo(row.accountId() == seller));
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
    ReportRow buyerRow =
        report.rows().stream().filter(r -> r.accountId() == buyer).findFirst().orElseThrow();
    assertThat(buyerRow.importWh()).isEqualTo(900);
    assertThat(buyerRow.deliveredBoughtWh()).isEqualTo(600);
    assertThat(buyerRow.residualImportWh()).isEqualTo(300);
  }
}
