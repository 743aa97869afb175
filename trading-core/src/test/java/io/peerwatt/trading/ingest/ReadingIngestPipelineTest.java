package io.peerwatt.trading.ingest;

import static io.peerwatt.db.schema.Tables.DEVICE_CHANNEL;
import static io.peerwatt.db.schema.Tables.READING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.db.testing.TestDatabase;
import io.peerwatt.protocol.reading.BatchAndEnrolmentSigning;
import io.peerwatt.protocol.reading.SignedReading;
import io.peerwatt.protocol.testing.MutableClock;
import io.peerwatt.trading.testing.ApiClient;
import io.peerwatt.trading.testing.TestGateway;
import io.peerwatt.trading.testing.TradingHarness;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jooq.Record2;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingestion pipeline under concurrency, over a real PostgreSQL: many devices at once stored in
 * order and once, a resend stored as duplicates, two platform processes on one database never
 * breaking a chain, a lost connection and a batch the database refuses failing nothing else.
 */
@ExtendWith(PostgresExtension.class)
class ReadingIngestPipelineTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Duration SKEW = Duration.ofMinutes(5);

  @TempDir static Path dataDir;
  static TradingHarness h;
  static String alice;
  static long meteringPoint;
  ReadingIngest pipeline;

  @BeforeAll
  static void start(TestDatabase db) {
    h = TradingHarness.start(db, dataDir, new MutableClock(Instant.parse("2026-11-25T10:00:00Z")));
    String operator = h.operator("root");
    h.zone(operator, "DE-TEST", ApiClient.zoneBody("Zone DE-TEST", "CALL_AUCTION", 5000, 1));
    h.prosumer(operator, "alice", "DE-TEST");
    alice = h.login("alice", "alice-password");
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  @BeforeEach
  void newPipeline() {
    pipeline = new ReadingIngest(h.db.dsl(), h.clock, SKEW, 2, 2);
  }

  @AfterEach
  void closePipeline() {
    pipeline.close();
  }

  /** A gateway enrolled on a metering point of its own. */
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

  private static List<ReadingIngest.Status> statuses(List<ReadingIngest.Result> results) {
    return results.stream().map(ReadingIngest.Result::status).toList();
  }

  /** Each device's batches one after another, as a gateway sends them; all devices at once. */
  private static List<List<ReadingIngest.Result>> sendAll(
      ReadingIngest ingest, List<List<ReadingIngest.Batch>> perDevice) {
    List<CompletableFuture<List<List<ReadingIngest.Result>>>> devices = new ArrayList<>();
    for (List<ReadingIngest.Batch> batches : perDevice) {
      CompletableFuture<List<List<ReadingIngest.Result>>> chain =
          CompletableFuture.completedFuture(new ArrayList<>());
      for (ReadingIngest.Batch b : batches) {
        chain =
            chain.thenCompose(
                done ->
                    ingest
                        .submit(() -> b)
                        .thenApply(
                            r -> {
                              done.add(r);
                              return done;
                            }));
      }
      devices.add(chain);
    }
    List<List<ReadingIngest.Result>> all = new ArrayList<>();
    devices.forEach(d -> all.addAll(d.join()));
    return all;
  }

  @Test
  void manyDevicesAtOnceAreStoredInOrderOnceAndResentAsDuplicates() {
    int devices = 12;
    int batches = 6;
    int perBatch = 8;
    List<TestGateway> gateways = new ArrayList<>();
    List<List<SignedReading>> signed = new ArrayList<>();
    List<List<ReadingIngest.Batch>> first = new ArrayList<>();
    for (int d = 0; d < devices; d++) {
      TestGateway gw = gateway();
      gateways.add(gw);
      List<SignedReading> readings = gw.next(batches * perBatch);
      signed.add(readings);
      List<ReadingIngest.Batch> deviceBatches = new ArrayList<>();
      for (int b = 0; b < batches; b++) {
        deviceBatches.add(batch(gw, readings.subList(b * perBatch, (b + 1) * perBatch)));
      }
      first.add(deviceBatches);
    }

    List<List<ReadingIngest.Result>> results = sendAll(pipeline, first);

    assertThat(results).hasSize(devices * batches);
    assertThat(results)
        .allSatisfy(
            r -> assertThat(statuses(r)).containsOnly(ReadingIngest.Status.ACCEPTED).hasSize(8));
    for (int d = 0; d < devices; d++) {
      TestGateway gw = gateways.get(d);
      List<Record2<Long, byte[]>> rows =
          h.db
              .dsl()
              .select(READING.SEQUENCE, READING.ENCODED)
              .from(READING)
              .where(READING.DEVICE_ID.eq(gw.deviceId))
              .orderBy(READING.SEQUENCE)
              .fetch();
      assertThat(rows).hasSize(batches * perBatch);
      for (int i = 0; i < rows.size(); i++) {
        assertThat(rows.get(i).value2()).isEqualTo(signed.get(d).get(i).reading().encode());
      }
      SignedReading last = signed.get(d).get(batches * perBatch - 1);
      var chain =
          h.db.dsl().selectFrom(DEVICE_CHANNEL).where(DEVICE_CHANNEL.DEVICE_ID.eq(gw.deviceId));
      assertThat(chain.fetchSingle().getLastSequence()).isEqualTo(last.reading().sequence());
      assertThat(chain.fetchSingle().getLastReadingHash()).isEqualTo(last.hash());
    }

    // the gateways send everything again (fresh nonces): nothing is stored twice
    List<List<ReadingIngest.Batch>> again = new ArrayList<>();
    for (int d = 0; d < devices; d++) {
      List<ReadingIngest.Batch> deviceBatches = new ArrayList<>();
      for (ReadingIngest.Batch b : first.get(d)) {
        deviceBatches.add(batch(gateways.get(d), b.readings()));
      }
      again.add(deviceBatches);
    }
    assertThat(sendAll(pipeline, again))
        .allSatisfy(r -> assertThat(statuses(r)).containsOnly(ReadingIngest.Status.DUPLICATE));
    for (TestGateway gw : gateways) {
      assertThat(h.db.dsl().fetchCount(READING, READING.DEVICE_ID.eq(gw.deviceId)))
          .isEqualTo(batches * perBatch);
    }
  }

  @Test
  void twoPlatformProcessesOnOneDatabaseStoreEachReadingOnce() {
    TestGateway gw = gateway();
    try (ReadingIngest other = new ReadingIngest(h.db.dsl(), h.clock, SKEW, 2, 2)) {
      for (int round = 0; round < 15; round++) {
        List<SignedReading> readings = gw.next(4);
        // both processes get the same readings at the same moment, in batches of their own
        CompletableFuture<List<ReadingIngest.Result>> here =
            pipeline.submit(() -> batch(gw, readings));
        CompletableFuture<List<ReadingIngest.Result>> there =
            other.submit(() -> batch(gw, readings));
        List<ReadingIngest.Status> a = statuses(here.join());
        List<ReadingIngest.Status> b = statuses(there.join());
        for (int i = 0; i < readings.size(); i++) {
          assertThat(List.of(a.get(i), b.get(i)))
              .containsExactlyInAnyOrder(
                  ReadingIngest.Status.ACCEPTED, ReadingIngest.Status.DUPLICATE);
        }
      }
    }
    assertThat(h.db.dsl().fetchCount(READING, READING.DEVICE_ID.eq(gw.deviceId))).isEqualTo(60);
    assertThat(
            h.db
                .dsl()
                .select(DEVICE_CHANNEL.LAST_SEQUENCE)
                .from(DEVICE_CHANNEL)
                .where(DEVICE_CHANNEL.DEVICE_ID.eq(gw.deviceId))
                .fetchSingle()
                .value1())
        .isEqualTo(60L);
  }

  @Test
  void aLostConnectionIsReplacedAndNothingIsLost() {
    TestGateway gw = gateway();
    assertThat(statuses(pipeline.ingest(batch(gw, gw.next(3)))))
        .containsOnly(ReadingIngest.Status.ACCEPTED);
    // every other session of this database ends, the writers' included (a database restart)
    h.db
        .dsl()
        .execute(
            "select pg_terminate_backend(pid) from pg_stat_activity"
                + " where datname = current_database() and pid <> pg_backend_pid()");
    assertThat(statuses(pipeline.ingest(batch(gw, gw.next(3)))))
        .containsOnly(ReadingIngest.Status.ACCEPTED);
    assertThat(h.db.dsl().fetchCount(READING, READING.DEVICE_ID.eq(gw.deviceId))).isEqualTo(6);
  }

  @Test
  void aBatchTheDatabaseRefusesFailsAloneAndStoresNothing() {
    byte[] poison = new byte[16];
    Arrays.fill(poison, (byte) 0xee);
    h.db
        .dsl()
        .execute(
            "create function refuse_poisoned_nonce() returns trigger language plpgsql as $$"
                + " begin if new.nonce = '\\xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee'::bytea then"
                + " raise exception 'poisoned nonce'; end if; return new; end $$");
    h.db
        .dsl()
        .execute(
            "create trigger refuse_poisoned_nonce before insert on ingest_batch_nonce"
                + " for each row execute function refuse_poisoned_nonce()");
    try {
      List<TestGateway> gateways = List.of(gateway(), gateway(), gateway(), gateway());
      for (int round = 0; round < 5; round++) {
        // one batch per gateway at once, so they share groups; the first gateway's third is
        // poisoned
        List<CompletableFuture<List<ReadingIngest.Result>>> sent = new ArrayList<>();
        List<SignedReading> poisonedReadings = null;
        for (int g = 0; g < gateways.size(); g++) {
          TestGateway gw = gateways.get(g);
          List<SignedReading> readings = gw.next(2);
          ReadingIngest.Batch b = batch(gw, readings);
          if (g == 0 && round == 2) {
            poisonedReadings = readings;
            byte[] digest =
                BatchAndEnrolmentSigning.batchDigest(
                    poison, b.sentAt(), readings.stream().map(SignedReading::hash).toList());
            b =
                new ReadingIngest.Batch(
                    gw.key.publicKey(), poison, b.sentAt(), readings, gw.key.signDer(digest));
          }
          ReadingIngest.Batch toSend = b;
          sent.add(pipeline.submit(() -> toSend));
        }
        for (int g = 0; g < sent.size(); g++) {
          if (g == 0 && round == 2) {
            assertThatThrownBy(sent.get(g)::join)
                .isInstanceOf(CompletionException.class)
                .hasStackTraceContaining("poisoned nonce");
          } else {
            assertThat(statuses(sent.get(g).join())).containsOnly(ReadingIngest.Status.ACCEPTED);
          }
        }
        if (poisonedReadings != null) {
          assertThat(h.db.dsl().fetchCount(READING, READING.DEVICE_ID.eq(gateways.get(0).deviceId)))
              .isEqualTo(4);
          // the gateway kept these readings and sends them again with a fresh nonce
          assertThat(statuses(pipeline.ingest(batch(gateways.get(0), poisonedReadings))))
              .containsOnly(ReadingIngest.Status.ACCEPTED);
        }
      }
      for (TestGateway gw : gateways) {
        assertThat(h.db.dsl().fetchCount(READING, READING.DEVICE_ID.eq(gw.deviceId))).isEqualTo(10);
      }
    } finally {
      h.db.dsl().execute("drop trigger refuse_poisoned_nonce on ingest_batch_nonce");
      h.db.dsl().execute("drop function refuse_poisoned_nonce()");
    }
  }
}
