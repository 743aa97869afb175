package io.peerwatt.cluster.ingest;

import static io.peerwatt.db.schema.Tables.READING;
import static io.peerwatt.db.schema.Tables.READING_REFUSAL;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.cluster.ClusterSettings;
import io.peerwatt.cluster.KafkaTestCluster;
import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.db.testing.TestDatabase;
import io.peerwatt.protocol.reading.BatchAndEnrolmentSigning;
import io.peerwatt.protocol.reading.ReadingCodec;
import io.peerwatt.protocol.reading.SignedReading;
import io.peerwatt.protocol.testing.MutableClock;
import io.peerwatt.trading.ingest.ReadingIngest;
import io.peerwatt.trading.testing.ApiClient;
import io.peerwatt.trading.testing.TestGateway;
import io.peerwatt.trading.testing.TradingHarness;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.jooq.Record3;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17: readings through two ingest nodes on Kafka, stored by the writer group in PostgreSQL
 * exactly once, also when a writer stops mid-stream and another takes over its partitions; what
 * only the writer can refuse is kept in {@code reading_refusal}.
 */
@ExtendWith(PostgresExtension.class)
class ReadingsOnKafkaTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Duration SKEW = Duration.ofMinutes(5);
  private static final Duration STORED_WITHIN = Duration.ofSeconds(60);

  @TempDir static Path dataDir;
  static KafkaTestCluster kafka;
  static TradingHarness h;
  static String alice;
  static KafkaReadingIntake nodeA;
  static KafkaReadingIntake nodeB;

  @BeforeAll
  static void start(TestDatabase db) throws Exception {
    kafka = KafkaTestCluster.start();
    kafka.createTopics(Map.of(ReadingsLog.TOPIC, ReadingsLog.PARTITIONS));
    h = TradingHarness.start(db, dataDir, new MutableClock(Instant.parse("2026-11-25T10:00:00Z")));
    String operator = h.operator("root");
    h.zone(operator, "DE-TEST", ApiClient.zoneBody("Zone DE-TEST", "CALL_AUCTION", 5000, 1));
    h.prosumer(operator, "alice", "DE-TEST");
    alice = h.login("alice", "alice-password");
    nodeA = new KafkaReadingIntake(node("ingest-a"), h.clock, SKEW, 1);
    nodeB = new KafkaReadingIntake(node("ingest-b"), h.clock, SKEW, 1);
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      nodeA.close();
      nodeB.close();
      h.close();
    } finally {
      kafka.close();
    }
  }

  private static ClusterSettings node(String id) {
    return ClusterSettings.parse(kafka.bootstrapServers(), id, "ingest");
  }

  private static ReadingsWriter writer(String id) {
    return new ReadingsWriter(
        node(id), new ReadingIngest(h.db.dsl(), h.clock, SKEW, 1, 2), h.db.dsl(), h.clock);
  }

  private static TestGateway gateway() {
    TestGateway gw = new TestGateway(h.clock.instant().minusSeconds(3600));
    gw.enrol(h, alice, h.meteringPoint(alice, 30_000));
    return gw;
  }

  private static ReadingIngest.Batch batch(TestGateway gw, List<SignedReading> readings) {
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    Instant sentAt = h.clock.instant();
    byte[] digest =
        BatchAndEnrolmentSigning.batchDigest(
            nonce, sentAt, readings.stream().map(SignedReading::hash).toList());
    return new ReadingIngest.Batch(
        gw.key.publicKey(), nonce, sentAt, readings, gw.key.signDer(digest));
  }

  /**
   * Every device uploads its batches one after another, each to the other node than the one before
   * (a round-robin load balancer), and waits for each answer as a gateway does; devices at once.
   * Every reading is answered accepted.
   */
  private static void upload(List<List<ReadingIngest.Batch>> perDevice) {
    List<CompletableFuture<Void>> devices = new ArrayList<>();
    for (List<ReadingIngest.Batch> batches : perDevice) {
      CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
      for (int i = 0; i < batches.size(); i++) {
        ReadingIngest.Batch b = batches.get(i);
        KafkaReadingIntake node = i % 2 == 0 ? nodeA : nodeB;
        chain =
            chain.thenCompose(
                v ->
                    node.submit(() -> b)
                        .thenAccept(
                            results ->
                                assertThat(results)
                                    .extracting(ReadingIngest.Result::status)
                                    .containsOnly(ReadingIngest.Status.ACCEPTED)));
      }
      devices.add(chain);
    }
    devices.forEach(CompletableFuture::join);
  }

  private static List<List<ReadingIngest.Batch>> batches(
      List<TestGateway> gateways, int batchesEach, int perBatch) {
    List<List<ReadingIngest.Batch>> perDevice = new ArrayList<>();
    for (TestGateway gw : gateways) {
      List<ReadingIngest.Batch> batches = new ArrayList<>();
      for (int b = 0; b < batchesEach; b++) {
        batches.add(batch(gw, gw.next(perBatch)));
      }
      perDevice.add(batches);
    }
    return perDevice;
  }

  private static int stored(List<TestGateway> gateways) {
    return h.db
        .dsl()
        .fetchCount(READING, READING.DEVICE_ID.in(gateways.stream().map(g -> g.deviceId).toList()));
  }

  /** (device, channel, sequence) of the gateways' stored readings, with how often each is there. */
  private static List<Record3<Long, Integer, Long>> storedKeys(List<TestGateway> gateways) {
    return h.db
        .dsl()
        .select(READING.DEVICE_ID, READING.METER_CHANNEL, READING.SEQUENCE)
        .from(READING)
        .where(READING.DEVICE_ID.in(gateways.stream().map(g -> g.deviceId).toList()))
        .fetch();
  }

  private static int refusals(List<TestGateway> gateways) {
    return h.db
        .dsl()
        .fetchCount(
            READING_REFUSAL,
            READING_REFUSAL.DEVICE_KEY.in(
                gateways.stream().map(g -> g.key.publicKey().compressedBytes()).toList()));
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + STORED_WITHIN.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + STORED_WITHIN.toSeconds() + " s: " + what);
      }
      Thread.sleep(100);
    }
  }

  private static void assertEverySequenceOnce(List<TestGateway> gateways, int perDevice) {
    List<Record3<Long, Integer, Long>> keys = storedKeys(gateways);
    assertThat(keys).hasSize(gateways.size() * perDevice).doesNotHaveDuplicates();
    for (TestGateway gw : gateways) {
      assertThat(keys.stream().filter(k -> k.value1() == gw.deviceId).map(Record3::value3))
          .containsExactlyInAnyOrderElementsOf(
              java.util.stream.LongStream.rangeClosed(1, perDevice).boxed().toList());
    }
  }

  @Test
  void readingsOfSeveralDevicesThroughTwoIngestNodesAreStoredExactlyOnce() throws Exception {
    List<TestGateway> gateways = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      gateways.add(gateway());
    }
    List<List<ReadingIngest.Batch>> perDevice = batches(gateways, 6, 10);
    try (ReadingsWriter writer = writer("writer-1")) {
      upload(perDevice);
      // a gateway that got no answer sends the same readings again with a fresh nonce
      List<ReadingIngest.Batch> resent =
          List.of(batch(gateways.get(0), perDevice.get(0).get(5).readings()));
      upload(List.of(resent));
      await("360 readings stored", () -> stored(gateways) == 360);
    }
    assertEverySequenceOnce(gateways, 60);
    assertThat(refusals(gateways)).isZero();
  }

  @Test
  void aWriterStoppedMidStreamLeavesTheRestToAnotherAndNothingIsLostOrDoubled() throws Exception {
    List<TestGateway> gateways = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      gateways.add(gateway());
    }
    List<List<ReadingIngest.Batch>> perDevice = batches(gateways, 40, 5);
    int expected = 4 * 40 * 5;
    CompletableFuture<Void> uploads = CompletableFuture.runAsync(() -> upload(perDevice));
    ReadingsWriter first = writer("writer-1");
    try {
      await("a first part stored", () -> stored(gateways) > 0);
    } finally {
      first.close();
    }
    int storedByFirst = stored(gateways);
    try (ReadingsWriter second = writer("writer-2")) {
      uploads.join();
      await(expected + " readings stored", () -> stored(gateways) == expected);
    }
    assertThat(storedByFirst).isBetween(1, expected - 1);
    assertEverySequenceOnce(gateways, 200);
    assertThat(refusals(gateways)).isZero();
  }

  @Test
  void aBatchOfAnUnknownDeviceIsAcknowledgedAndKeptWithItsRefusal() throws Exception {
    TestGateway stranger = new TestGateway(h.clock.instant().minusSeconds(3600));
    ReadingIngest.Batch batch = batch(stranger, stranger.next(3));
    assertThat(nodeA.submit(() -> batch).join())
        .extracting(ReadingIngest.Result::status)
        .containsOnly(ReadingIngest.Status.ACCEPTED);
    try (ReadingsWriter writer = writer("writer-1")) {
      await(
          "the refusal recorded",
          () ->
              h.db
                      .dsl()
                      .fetchCount(
                          READING_REFUSAL,
                          READING_REFUSAL.DEVICE_KEY.eq(stranger.key.publicKey().compressedBytes()))
                  == 1);
    }
    var row =
        h.db
            .dsl()
            .selectFrom(READING_REFUSAL)
            .where(READING_REFUSAL.DEVICE_KEY.eq(stranger.key.publicKey().compressedBytes()))
            .fetchOne();
    assertThat(row.getReason()).isEqualTo("UNKNOWN_DEVICE");
    assertThat(row.getMeterChannel()).isEqualTo(-1);
    assertThat(hexes(BatchCodec.decode(row.getBatch()).readings()))
        .isEqualTo(hexes(batch.readings()));
  }

  private static List<String> hexes(List<SignedReading> readings) {
    return readings.stream().map(r -> HexFormat.of().formatHex(ReadingCodec.encode(r))).toList();
  }
}
