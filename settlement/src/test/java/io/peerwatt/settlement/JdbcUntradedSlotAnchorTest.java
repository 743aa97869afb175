package io.peerwatt.settlement;

import static io.peerwatt.settlement.JdbcSettlementTest.SLOT;
import static io.peerwatt.settlement.JdbcSettlementTest.ZONE_CODE;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.anchor.AnchorItemKind;
import io.peerwatt.protocol.bsv.Transaction;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.settlement.anchor.AnchorOutcome;
import io.peerwatt.settlement.anchor.AnchorSource;
import io.peerwatt.settlement.anchor.AnchoringService;
import io.peerwatt.settlement.anchor.ItemRef;
import io.peerwatt.settlement.anchor.JdbcAnchorSource;
import io.peerwatt.settlement.anchor.JdbcAnchorStore;
import io.peerwatt.settlement.devnet.DevnetBackend;
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
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every reading becomes provable, traded or not: a slot nobody traded in is anchored once its grace
 * window passed, a traded slot only once it is settled (with its trades and statements), and a
 * reading that arrives late for an anchored slot goes into a further anchor of the same key.
 */
@ExtendWith(PostgresExtension.class)
class JdbcUntradedSlotAnchorTest {
  private static final DeliverySlot QUIET =
      DeliverySlot.startingAt(SLOT.start().plus(Duration.ofHours(1)));

  @Test
  void untradedSlotsAreAnchoredAfterTheirGraceAndTradedOnesOnceSettled(DSLContext db) {
    JdbcSettlementTest.market(db);
    long device = JdbcSettlementTest.buyerDevice;
    MarketRows.reading(db, device, 3, QUIET.start().plusSeconds(10), 3_000, 0);
    MarketRows.reading(db, device, 4, QUIET.start().plusSeconds(500), 3_100, 0);
    Instant now = QUIET.end().plus(Duration.ofMinutes(10));
    // a reading of a slot whose grace has not passed yet
    MarketRows.reading(db, device, 5, now.minus(Duration.ofMinutes(3)), 3_500, 0);

    DevnetBackend devnet =
        DevnetBackend.inMemory(Clock.fixed(now, ZoneOffset.UTC), DevnetBackend.DEFAULT_POLICY);
    HubWallet wallet =
        new HubWallet(
            PrivateKey.fromBytes(Hashes.sha256("untraded".getBytes(StandardCharsets.US_ASCII))),
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
        new AnchoringService(
            source,
            store,
            wallet,
            devnet,
            PrivateKey.fromBytes(Hashes.sha256("platform".getBytes(StandardCharsets.US_ASCII))),
            new SecureRandom());
    AnchorSource.Slot traded = new AnchorSource.Slot(ZONE_CODE, SLOT.toString());
    AnchorSource.Slot quiet = new AnchorSource.Slot(ZONE_CODE, QUIET.toString());

    // the shared market's own readings around its traded slot fall in untraded quarter-hours too
    List<AnchorOutcome> first = anchoring.anchorDueSlots(now);
    assertThat(first)
        .extracting(AnchorOutcome::anchorKey)
        .contains(AnchoringService.slotKey(quiet))
        .doesNotContain(AnchoringService.slotKey(traded));
    assertThat(first)
        .filteredOn(o -> o.anchorKey().equals(AnchoringService.slotKey(quiet)))
        .singleElement()
        .satisfies(o -> assertThat(o.leafCount()).isEqualTo(2));
    assertThat(store.isAnchored(AnchorItemKind.READING, ItemRef.reading(device, 0, 3))).isTrue();
    assertThat(store.isAnchored(AnchorItemKind.READING, ItemRef.reading(device, 0, 1)))
        .as("the traded slot waits for its settlement")
        .isFalse();
    assertThat(store.isAnchored(AnchorItemKind.READING, ItemRef.reading(device, 0, 5)))
        .as("not due yet")
        .isFalse();

    new SettlementService(
            new JdbcSettlementInputs(db, Duration.ofHours(6)),
            new JdbcStatementStore(db),
            new FixedRateSource(Map.of("EUR", 2_500_000L)),
            new RecordingPaymentPort(),
            SettlementPolicy.defaults())
        .settleDueSlots(now);
    List<AnchorOutcome> second = anchoring.anchorDueSlots(now);
    assertThat(second)
        .extracting(AnchorOutcome::anchorKey)
        .containsExactly(AnchoringService.slotKey(traded));
    assertThat(
            store.isAnchored(
                AnchorItemKind.TRADE,
                source.items(traded).stream()
                    .filter(i -> i.kind() == AnchorItemKind.TRADE)
                    .findFirst()
                    .orElseThrow()
                    .ref()))
        .isTrue();

    // a late reading of the quiet slot, received now: a further anchor under the same key
    MarketRows.reading(db, device, 6, QUIET.start().plusSeconds(800), 3_150, 0);
    db.execute(
        "update reading set received_at = now() where device_id = ? and sequence = 6", device);
    assertThat(anchoring.anchorDueSlots(now)).as("late items gather for a while").isEmpty();
    Instant later = now.plus(AnchoringService.LATE_BATCH);
    List<AnchorOutcome> late = anchoring.anchorDueSlots(later);
    assertThat(late)
        .filteredOn(o -> o.anchorKey().equals(AnchoringService.slotKey(quiet)))
        .singleElement()
        .satisfies(o -> assertThat(o.leafCount()).isEqualTo(1));
    assertThat(store.isAnchored(AnchorItemKind.READING, ItemRef.reading(device, 0, 5)))
        .as("due by now")
        .isTrue();
    assertThat(anchoring.anchorDueSlots(later.plus(AnchoringService.LATE_BATCH)))
        .as("nothing left")
        .isEmpty();
  }
}
