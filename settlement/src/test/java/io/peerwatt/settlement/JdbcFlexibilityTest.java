package io.peerwatt.settlement;

import static io.peerwatt.db.schema.Tables.DEVICE;
import static io.peerwatt.db.schema.Tables.FLEX_ACCEPTANCE;
import static io.peerwatt.db.schema.Tables.FLEX_REQUEST;
import static io.peerwatt.db.schema.Tables.FLEX_REQUEST_SLOT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.anchor.AnchorItemKind;
import io.peerwatt.protocol.anchor.ProofBundle;
import io.peerwatt.protocol.anchor.ProofBundleVerifier;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.spv.HeaderChain;
import io.peerwatt.protocol.statement.LineKind;
import io.peerwatt.protocol.statement.Rounding;
import io.peerwatt.protocol.statement.Statement;
import io.peerwatt.protocol.statement.StatementCodec;
import io.peerwatt.protocol.statement.StatementLine;
import io.peerwatt.settlement.anchor.AnchorOutcome;
import io.peerwatt.settlement.anchor.AnchoringService;
import io.peerwatt.settlement.anchor.JdbcAnchorSource;
import io.peerwatt.settlement.anchor.JdbcAnchorStore;
import io.peerwatt.settlement.anchor.ProofBundles;
import io.peerwatt.settlement.chain.ChainHeader;
import io.peerwatt.settlement.devnet.DevnetBackend;
import io.peerwatt.settlement.flex.FlexDeliveries;
import io.peerwatt.settlement.flex.FlexibilityLines;
import io.peerwatt.settlement.flex.SlotDelivery;
import io.peerwatt.settlement.report.FlexibilityEvent;
import io.peerwatt.settlement.report.JdbcReportSource;
import io.peerwatt.settlement.report.ReportFormat;
import io.peerwatt.settlement.report.ReportWriter;
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
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Delivered flexibility from the real tables: a household that accepted 1 kW of import reduction
 * over two slots, with five days of history, gets one FLEXIBILITY_DELIVERY line per slot on its
 * statements, paid to the satoshi.
 */
@ExtendWith(PostgresExtension.class)
class JdbcFlexibilityTest {
  static final String ZONE_CODE = "DE-FLEX-1";
  static final DeliverySlot FIRST = DeliverySlot.parse("2026-11-26T17:00Z/PT15M");
  static final DeliverySlot SECOND = DeliverySlot.parse("2026-11-26T17:15Z/PT15M");
  static final long PRICE = 25_000;
  static final PrivateKey PLATFORM =
      PrivateKey.fromBytes(Hashes.sha256("flex platform".getBytes(StandardCharsets.UTF_8)));
  static long household;
  static long device;
  static long acceptance;

  @BeforeAll
  static void flexibility(DSLContext db) {
    MarketRows.zone(db, ZONE_CODE, "flexibility test zone");
    household = MarketRows.account(db, ZONE_CODE, "flex-household");
    device = MarketRows.device(db, household, ZONE_CODE, FIRST, 7);
    db.update(DEVICE)
        .set(DEVICE.ENROLLED_AT, FIRST.start().minus(Duration.ofDays(10)))
        .where(DEVICE.ID.eq(device))
        .execute();
    long sequence = 1;
    long counter = 10_000;
    // five days of history: 400 Wh imported in each of the two quarter-hours
    for (int back = 5; back >= 1; back--) {
      Instant start = FIRST.start().minus(Duration.ofDays(back));
      for (int q = 0; q <= 2; q++) {
        MarketRows.reading(
            db, device, sequence++, start.plus(Duration.ofMinutes(15L * q)), counter, 0);
        counter += q < 2 ? 400 : 0;
      }
      counter += 5_000;
    }
    // the event: 100 Wh then 350 Wh imported
    MarketRows.reading(db, device, sequence++, FIRST.start(), counter, 0);
    MarketRows.reading(db, device, sequence++, FIRST.end(), counter + 100, 0);
    MarketRows.reading(db, device, sequence, SECOND.end(), counter + 450, 0);
    long request =
        db.insertInto(FLEX_REQUEST)
            .set(FLEX_REQUEST.EVENT_ID, "event-flex-1")
            .set(FLEX_REQUEST.ZONE_CODE, ZONE_CODE)
            .set(FLEX_REQUEST.DIRECTION, "REDUCE_IMPORT")
            .set(FLEX_REQUEST.PRICE_PER_KWH, PRICE)
            .set(FLEX_REQUEST.STARTS_AT, FIRST.start())
            .set(FLEX_REQUEST.ENDS_AT, SECOND.end())
            .set(FLEX_REQUEST.BASELINE_W, 1_600L)
            .set(FLEX_REQUEST.CREATED_AT, FIRST.start().minus(Duration.ofHours(1)))
            .returning(FLEX_REQUEST.ID)
            .fetchOne()
            .getId();
    for (DeliverySlot slot : List.of(FIRST, SECOND)) {
      db.insertInto(FLEX_REQUEST_SLOT)
          .set(FLEX_REQUEST_SLOT.REQUEST_ID, request)
          .set(FLEX_REQUEST_SLOT.SLOT_START, slot.start())
          .set(FLEX_REQUEST_SLOT.LIMIT_W, 600L)
          .set(FLEX_REQUEST_SLOT.NEEDED_W, 1_000L)
          .execute();
    }
    acceptance =
        db.insertInto(FLEX_ACCEPTANCE)
            .set(FLEX_ACCEPTANCE.REQUEST_ID, request)
            .set(FLEX_ACCEPTANCE.DEVICE_ID, device)
            .set(FLEX_ACCEPTANCE.ACCOUNT_ID, household)
            .set(FLEX_ACCEPTANCE.WATTS, 1_000L)
            .set(FLEX_ACCEPTANCE.CLIENT_KEY, "accept-1")
            .set(FLEX_ACCEPTANCE.ACCEPTED_AT, FIRST.start().minus(Duration.ofMinutes(30)))
            .set(FLEX_ACCEPTANCE.COMMAND_ID, "command-1")
            .set(FLEX_ACCEPTANCE.OPENADR_EVENT_ID, "device-event-1")
            .set(FLEX_ACCEPTANCE.SIGNED_COMMAND, "{}")
            .returning(FLEX_ACCEPTANCE.ID)
            .fetchOne()
            .getId();
  }

  static FlexibilityLines lines(DSLContext db) {
    return new FlexibilityLines(
        FlexDeliveries.platform(db), new FixedRateSource(Map.of("EUR", 2_500_000L)));
  }

  @Test
  void eachSlotOfTheAcceptanceIsOneLinePaidOnTheHouseholdsStatement(DSLContext db) {
    JdbcStatementStore store = new JdbcStatementStore(db);
    RecordingPaymentPort port = new RecordingPaymentPort();
    SettlementService service =
        new SettlementService(
            new JdbcSettlementInputs(db, Duration.ofHours(6)),
            store,
            new FixedRateSource(Map.of("EUR", 2_500_000L)),
            port,
            SettlementPolicy.defaults(),
            Runnable::run,
            List.of(lines(db)));

    assertThat(service.settleDueSlots(SECOND.end().plus(Duration.ofMinutes(5))))
        .containsExactly(
            new SlotSettlement(new SlotKey(ZONE_CODE, FIRST), SlotSettlement.Outcome.SETTLED, 1, 1),
            new SlotSettlement(
                new SlotKey(ZONE_CODE, SECOND), SlotSettlement.Outcome.SETTLED, 1, 1));

    // baseline 400 Wh: 300 Wh reduced in the first slot, capped at 1 kW over 15 min = 250 Wh;
    // 50 Wh in the second
    Statement first = store.latestStatements(new SlotKey(ZONE_CODE, FIRST)).get(household);
    Statement second = store.latestStatements(new SlotKey(ZONE_CODE, SECOND)).get(household);
    assertThat(first.lines())
        .singleElement()
        .isEqualTo(
            new StatementLine(
                LineKind.FLEXIBILITY_DELIVERY,
                acceptance,
                250,
                PRICE,
                Rounding.energyAmount(250, PRICE),
                first.lines().get(0).amountSat()));
    assertThat(first.importWh()).isEqualTo(100);
    assertThat(second.lines())
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.quantityWh()).isEqualTo(50);
              assertThat(l.amount()).isEqualTo(1_250);
            });
    for (Statement s : List.of(first, second)) {
      assertThat(s.totalSat()).isPositive();
      assertThat(s.totalSat())
          .isEqualTo(s.lines().stream().mapToLong(StatementLine::amountSat).sum());
    }
    assertThat(port.sent)
        .extracting(SettlementPayment::amountSat)
        .containsExactly(first.totalSat(), second.totalSat());

    FlexDeliveries deliveries = FlexDeliveries.platform(db);
    assertThat(deliveries.deliveries(deliveries.acceptance(acceptance).orElseThrow()))
        .extracting(SlotDelivery::baselineWh, SlotDelivery::meteredWh, SlotDelivery::deliveredWh)
        .containsExactly(
            tuple(OptionalLong.of(400), 100L, 250L), tuple(OptionalLong.of(400), 350L, 50L));
    // anchored with the zone's slot once both slots are settled, and its proof bundle verifies
    Instant now = SECOND.end().plus(Duration.ofMinutes(10));
    DevnetBackend devnet =
        DevnetBackend.inMemory(Clock.fixed(now, ZoneOffset.UTC), DevnetBackend.DEFAULT_POLICY);
    HubWallet wallet =
        new HubWallet(
            PrivateKey.fromBytes(Hashes.sha256("flex anchor wallet".getBytes())),
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
    AnchoringService anchoring =
        new AnchoringService(
            source, new JdbcAnchorStore(db), wallet, devnet, PLATFORM, new SecureRandom());
    assertThat(anchoring.anchorDueSlots(now))
        .isNotEmpty()
        .allSatisfy(o -> assertThat(o.status()).isEqualTo(AnchorOutcome.Status.ANCHORED));
    devnet.mineBlocks(1);
    assertThat(anchoring.confirmAnchors()).isGreaterThanOrEqualTo(1);
    ProofBundles.Answer answer =
        anchoring.bundle(AnchorItemKind.FLEXIBILITY, Long.toString(acceptance));
    ProofBundle bundle = answer.bundle();
    ProofBundleVerifier.Trust trust =
        new ProofBundleVerifier.Trust(
            PLATFORM.publicKey(),
            new HeaderChain(
                0, devnet.headers(0, 10).stream().map(ChainHeader::blockHeader).toList()));
    assertThat(ProofBundleVerifier.verify(bundle, trust).verified()).isTrue();
    Map<String, Object> record =
        Json.parseObject(new String(bundle.item(), StandardCharsets.UTF_8));
    assertThat(record)
        .containsEntry("acceptanceId", acceptance)
        .containsEntry("eventId", "event-flex-1")
        .containsEntry("direction", "REDUCE_IMPORT")
        .containsEntry("acceptedW", 1_000L)
        .containsEntry("deliveredWh", 300L)
        .containsEntry("amount", first.lines().get(0).amount() + second.lines().get(0).amount())
        .containsEntry("amountSat", first.totalSat() + second.totalSat());
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> slots = (List<Map<String, Object>>) record.get("slots");
    assertThat(slots)
        .extracting(m -> m.get("baselineWh"), m -> m.get("meteredWh"), m -> m.get("deliveredWh"))
        .containsExactly(tuple(400L, 100L, 250L), tuple(400L, 350L, 50L));
    assertThat(slots.get(0)).containsEntry("statementHash", StatementCodec.hashHex(first));
    // the record is stored once: later passes anchor nothing more for it
    assertThat(anchoring.anchorDueSlots(now.plus(Duration.ofHours(1)))).isEmpty();

    // the utility report has a section for the event: per slot needed, accepted and delivered
    // power, per home what it delivered and was paid, with the anchor of its record
    UtilityReport report =
        new JdbcReportSource(db).report(ZONE_CODE, FIRST.start(), SECOND.end(), 0);
    assertThat(report.flexibility())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.eventId()).isEqualTo("event-flex-1");
              assertThat(e.slots())
                  .extracting(
                      FlexibilityEvent.Slot::requestedW,
                      FlexibilityEvent.Slot::acceptedW,
                      FlexibilityEvent.Slot::deliveredW)
                  .containsExactly(tuple(1_000L, 1_000L, 1_000L), tuple(1_000L, 1_000L, 200L));
              assertThat(e.homes())
                  .singleElement()
                  .isEqualTo(
                      new FlexibilityEvent.Home(
                          acceptance,
                          household,
                          device,
                          1_000,
                          300,
                          7_500,
                          first.totalSat() + second.totalSat(),
                          answer.anchorTxid()));
            });
    String csv = new String(ReportWriter.render(report, ReportFormat.CSV), StandardCharsets.UTF_8);
    assertThat(csv)
        .contains("\r\nflexibilityEvent,requestId,direction,pricePerKwh,slotStart,requestedW")
        .contains(
            "event-flex-1," + acceptance + "," + household + "," + device + ",1000,300,7500,");
    String json =
        new String(ReportWriter.render(report, ReportFormat.JSON), StandardCharsets.UTF_8);
    assertThat(Json.parseObject(json)).containsKeys("rows", "totals", "flexibility");
  }
}
