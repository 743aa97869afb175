package io.peerwatt.cluster.settlement;

import static io.peerwatt.db.schema.Tables.SETTLEMENT_EVENT;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.cluster.ClusterSettings;
import io.peerwatt.cluster.KafkaTestCluster;
import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.protocol.Hashes;
import io.peerwatt.protocol.anchor.AnchorItemKind;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.testing.MutableClock;
import io.peerwatt.settlement.JdbcSettlementInputs;
import io.peerwatt.settlement.JdbcStatementStore;
import io.peerwatt.settlement.MarketRows;
import io.peerwatt.settlement.PaymentOutcome;
import io.peerwatt.settlement.SettlementPolicy;
import io.peerwatt.settlement.SettlementService;
import io.peerwatt.settlement.SlotKey;
import io.peerwatt.settlement.SlotSettlement;
import io.peerwatt.settlement.anchor.AnchorItem;
import io.peerwatt.settlement.anchor.AnchorSource;
import io.peerwatt.settlement.anchor.AnchoringService;
import io.peerwatt.settlement.anchor.JdbcAnchorSource;
import io.peerwatt.settlement.anchor.JdbcAnchorStore;
import io.peerwatt.settlement.devnet.DevnetBackend;
import io.peerwatt.settlement.runtime.Settlement;
import io.peerwatt.settlement.runtime.SettlementPass;
import io.peerwatt.settlement.statement.FixedRateSource;
import io.peerwatt.settlement.wallet.KeyVault;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17: settlement events from the outbox to Kafka and on to the anchoring worker, on a real
 * in-process Kafka cluster and a real PostgreSQL. A relay stopped after Kafka acknowledged a batch
 * but before marking it sends it again after its restart; readers get every event once, in order
 * per zone; a slot a settlement pass settled is anchored from its SLOT_CLOSED event, not by a pass.
 */
@ExtendWith(PostgresExtension.class)
class SettlementEventsTest {
  private static final DeliverySlot SLOT = DeliverySlot.parse("2026-11-25T10:00Z/PT15M");
  private static final DeliverySlot NEXT = SLOT.next();
  private static final Duration WITHIN = Duration.ofSeconds(30);
  private static final Duration POLL = Duration.ofMillis(100);

  static KafkaTestCluster kafka;
  static DSLContext db;
  static int keyByte = 1;

  @BeforeAll
  static void start(DSLContext dsl) throws Exception {
    db = dsl;
    kafka = KafkaTestCluster.start();
  }

  @AfterAll
  static void stop() throws Exception {
    kafka.close();
  }

  private static ClusterSettings node(String id) {
    return ClusterSettings.parse(kafka.bootstrapServers(), id, "settlement");
  }

  /** A zone with a trade in each of {@code slots}, metered by both sides' readings. */
  private static void market(String zone, DeliverySlot... slots) {
    MarketRows.zone(db, zone, "zone " + zone);
    long seller = MarketRows.account(db, zone, "seller-" + zone);
    long buyer = MarketRows.account(db, zone, "buyer-" + zone);
    long sellerDevice = MarketRows.device(db, seller, zone, slots[0], keyByte++);
    long buyerDevice = MarketRows.device(db, buyer, zone, slots[0], keyByte++);
    // meters read at the first slot's start and at each slot's end: 1,000 Wh out, 900 Wh in a slot
    MarketRows.reading(db, sellerDevice, 1, slots[0].start(), 0, 10_000);
    MarketRows.reading(db, buyerDevice, 1, slots[0].start(), 2_000, 0);
    long sequence = 2;
    for (DeliverySlot slot : slots) {
      MarketRows.trade(db, zone, slot, seller, buyer);
      MarketRows.reading(db, sellerDevice, sequence, slot.end(), 0, 9_000 + 1_000 * sequence);
      MarketRows.reading(db, buyerDevice, sequence, slot.end(), 1_100 + 900 * sequence, 0);
      sequence++;
    }
  }

  /** Settles the slot as the settlement pass of a cluster node does: events into the outbox. */
  private static void settle(String zone, DeliverySlot slot) {
    SettlementService service =
        new SettlementService(
            new JdbcSettlementInputs(db, Duration.ofHours(6)),
            new JdbcStatementStore(db, true),
            new FixedRateSource(Map.of("EUR", 2_500_000L)),
            (payment, attempts) -> PaymentOutcome.paid(),
            SettlementPolicy.defaults());
    assertThat(service.settleSlot(new SlotKey(zone, slot), slot.end().plusSeconds(600)).outcome())
        .isEqualTo(SlotSettlement.Outcome.SETTLED);
  }

  private static List<Long> outboxIds(Set<String> zones, boolean sent) {
    return db.select(SETTLEMENT_EVENT.ID)
        .from(SETTLEMENT_EVENT)
        .where(SETTLEMENT_EVENT.ZONE_CODE.in(zones))
        .and(sent ? SETTLEMENT_EVENT.SENT_AT.isNotNull() : SETTLEMENT_EVENT.SENT_AT.isNull())
        .orderBy(SETTLEMENT_EVENT.ID)
        .fetch(r -> r.value1());
  }

  /**
   * Marks the unsent events of zones other than {@code zones} sent, so that what another test left
   * (when it failed before its relay ran) does not reach this test's topic.
   */
  private static void setAsideEventsOutside(Set<String> zones) {
    db.update(SETTLEMENT_EVENT)
        .set(SETTLEMENT_EVENT.SENT_AT, Instant.EPOCH)
        .where(SETTLEMENT_EVENT.SENT_AT.isNull())
        .and(SETTLEMENT_EVENT.ZONE_CODE.notIn(zones))
        .execute();
  }

  /** Every record on {@code topic}, read from the start until {@code count} are there. */
  private static List<ConsumerRecord<String, byte[]>> readAll(String topic, int count)
      throws InterruptedException {
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (int p = 0; p < SettlementEventLog.PARTITIONS; p++) {
        partitions.add(new TopicPartition(topic, p));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
      long deadline = System.nanoTime() + WITHIN.toNanos();
      while (records.size() < count && System.nanoTime() < deadline) {
        consumer.poll(POLL).forEach(records::add);
      }
      return records;
    }
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WITHIN.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      Thread.sleep(POLL.toMillis());
    }
  }

  /** The offsets {@code group} committed, summed over partitions: the records it has done with. */
  private static long committed(Admin admin, String group) {
    try {
      return admin
          .listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata()
          .get()
          .values()
          .stream()
          .mapToLong(OffsetAndMetadata::offset)
          .sum();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aRelayRestartedBetweenSendAndMarkLosesNothingAndReadersSeeEachEventOnceInOrder()
      throws Exception {
    String topic = "test.settlement-events.restart";
    kafka.createTopics(Map.of(topic, SettlementEventLog.PARTITIONS));
    Set<String> zones = Set.of("DE-EV-1", "DE-EV-2");
    market("DE-EV-1", SLOT, NEXT);
    market("DE-EV-2", SLOT);
    settle("DE-EV-1", SLOT);
    settle("DE-EV-2", SLOT);
    settle("DE-EV-1", NEXT);
    setAsideEventsOutside(zones);
    List<Long> ids = outboxIds(zones, false);
    assertThat(ids).hasSize(9); // per settled slot two statements and the close

    // the first relay dies after Kafka acknowledged its batch, before marking it sent
    CountDownLatch acknowledged = new CountDownLatch(1);
    SettlementEventRelay first =
        new SettlementEventRelay(
            node("relay-1"),
            db,
            Clock.systemUTC(),
            POLL,
            topic,
            batch -> {
              acknowledged.countDown();
              throw new IllegalStateException("relay killed after Kafka acknowledged " + batch);
            });
    assertThat(acknowledged.await(WITHIN.toSeconds(), TimeUnit.SECONDS)).isTrue();
    first.close();
    assertThat(outboxIds(zones, false)).isEqualTo(ids);
    assertThat(readAll(topic, ids.size()))
        .extracting(r -> SettlementEventCodec.decode(r.value()).id())
        .containsExactlyInAnyOrderElementsOf(ids);

    // its successor sends the unmarked rows again and marks them
    try (SettlementEventRelay second =
        new SettlementEventRelay(
            node("relay-2"), db, Clock.systemUTC(), POLL, topic, batch -> {})) {
      await("every row marked sent", () -> outboxIds(zones, true).equals(ids));
    }

    // on the topic: every row twice (once per relay), each zone's events in id order per relay
    List<ConsumerRecord<String, byte[]>> records = readAll(topic, 2 * ids.size());
    assertThat(records).hasSize(2 * ids.size());
    Map<Long, Long> copies =
        records.stream()
            .collect(
                Collectors.groupingBy(
                    r -> SettlementEventCodec.decode(r.value()).id(), Collectors.counting()));
    assertThat(copies.keySet()).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(copies.values()).containsOnly(2L);
    for (String zone : zones) {
      List<Long> zoneIds =
          records.stream()
              .filter(r -> r.key().equals(zone))
              .map(r -> SettlementEventCodec.decode(r.value()).id())
              .toList();
      List<Long> sorted = zoneIds.subList(0, zoneIds.size() / 2).stream().sorted().toList();
      assertThat(zoneIds.subList(0, zoneIds.size() / 2)).isEqualTo(sorted);
      assertThat(zoneIds.subList(zoneIds.size() / 2, zoneIds.size())).isEqualTo(sorted);
    }

    // a reader group gets each settled slot once, after its two statements
    String group = "test.settlement-readers";
    List<SettlementEvent> seen = Collections.synchronizedList(new ArrayList<>());
    try (Admin admin =
            Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
        SlotAnchoringWorker reader =
            new SlotAnchoringWorker(
                node("reader-1"),
                topic,
                group,
                (closed, statements) -> {
                  seen.addAll(statements);
                  seen.add(closed);
                })) {
      await("the group read every record", () -> committed(admin, group) == 2L * ids.size());
    }
    assertThat(seen).extracting(SettlementEvent::id).containsExactlyInAnyOrderElementsOf(ids);
    Map<String, List<SettlementEvent>> byZone = new HashMap<>();
    for (SettlementEvent e : seen) {
      byZone.computeIfAbsent(e.zoneCode(), z -> new ArrayList<>()).add(e);
    }
    assertThat(byZone.get("DE-EV-1"))
        .extracting(e -> e.getClass().getSimpleName() + " " + e.slot())
        .containsExactly(
            "StatementMade " + SLOT,
            "StatementMade " + SLOT,
            "SlotClosed " + SLOT,
            "StatementMade " + NEXT,
            "StatementMade " + NEXT,
            "SlotClosed " + NEXT);
    assertThat(byZone.get("DE-EV-1")).extracting(SettlementEvent::id).isSorted();
    assertThat(byZone.get("DE-EV-2"))
        .extracting(e -> e.getClass().getSimpleName())
        .containsExactly("StatementMade", "StatementMade", "SlotClosed");
    assertThat(byZone.get("DE-EV-2").get(2))
        .isInstanceOfSatisfying(
            SettlementEvent.SlotClosed.class,
            c -> {
              assertThat(c.statements()).isEqualTo(2);
              assertThat(c.resettled()).isFalse();
            });
  }

  @Test
  void theAnchoringWorkerAnchorsTheSlotAPassSettledFromItsEvent(@TempDir Path keys)
      throws Exception {
    String topic = "test.settlement-events.anchoring";
    kafka.createTopics(Map.of(topic, SettlementEventLog.PARTITIONS));
    String zone = "DE-EV-3";
    // days after the other test's slots: outside this pass's settlement and anchoring windows
    DeliverySlot slot = DeliverySlot.parse("2026-11-30T10:00Z/PT15M");
    market(zone, slot);
    MutableClock clock = new MutableClock(slot.end().plus(Duration.ofMinutes(30)));
    // settlement as a cluster node with the settlement role runs it: events into the outbox
    Settlement settlement =
        new Settlement(
            db,
            DevnetBackend.open(db, clock, DevnetBackend.DEFAULT_POLICY),
            KeyVault.open(
                keys.resolve("settlement-vault.bin"),
                keys.resolve("settlement-vault.secret"),
                new SecureRandom()),
            PrivateKey.fromBytes(Hashes.sha256("events platform".getBytes())),
            clock,
            2_500_000,
            1_000_000,
            true);
    SettlementPass pass = new SettlementPass(settlement, clock);
    pass.prepareDevnet();
    JdbcAnchorStore store = new JdbcAnchorStore(db);
    AnchorSource.Slot anchored =
        new AnchorSource.Slot(zone, JdbcAnchorSource.interval(slot.start()));
    String anchorKey = AnchoringService.slotKey(anchored);

    // the pass settles the slot and leaves its anchoring to the slot's event
    assertThat(pass.run().statements()).isEqualTo(2);
    assertThat(store.anchorsFor(anchorKey)).isEmpty();
    setAsideEventsOutside(Set.of(zone));
    List<String> handled = Collections.synchronizedList(new ArrayList<>());
    try (SettlementEventRelay relay =
            new SettlementEventRelay(node("relay-3"), db, clock, POLL, topic, b -> {});
        SlotAnchoringWorker worker =
            new SlotAnchoringWorker(
                node("anchoring-1"),
                topic,
                "test.anchoring",
                (closed, statements) -> {
                  handled.add(closed.zoneCode() + " " + closed.slot() + " " + statements.size());
                  settlement
                      .anchoring()
                      .anchorSlot(
                          new AnchorSource.Slot(
                              closed.zoneCode(), JdbcAnchorSource.interval(closed.slot().start())),
                          clock.instant());
                })) {
      await("the slot anchored from its event", () -> !store.anchorsFor(anchorKey).isEmpty());
    }
    assertThat(handled).containsExactly(zone + " " + slot + " 2");
    assertThat(store.anchorsFor(anchorKey)).hasSize(1);
    List<AnchorItem> items =
        new JdbcAnchorSource(db, Duration.ofDays(3650), Duration.ZERO).items(anchored);
    assertThat(items)
        .extracting(AnchorItem::kind)
        .contains(AnchorItemKind.STATEMENT, AnchorItemKind.TRADE);
    for (AnchorItemKind kind : AnchorItemKind.values()) {
      List<String> refs =
          items.stream().filter(i -> i.kind() == kind).map(AnchorItem::ref).toList();
      assertThat(store.anchored(kind, refs)).containsExactlyInAnyOrderElementsOf(refs);
    }
    // idempotent: the event again, and the next pass (the fallback), anchor nothing more
    assertThat(settlement.anchoring().anchorSlot(anchored, clock.instant())).isEmpty();
    clock.advance(Duration.ofMinutes(1));
    pass.run();
    assertThat(store.anchorsFor(anchorKey)).hasSize(1);
    settlement.close();
  }
}
