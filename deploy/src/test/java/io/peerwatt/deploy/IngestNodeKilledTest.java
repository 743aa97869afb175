package io.peerwatt.deploy;

import static io.peerwatt.db.schema.Tables.READING;
import static io.peerwatt.db.schema.Tables.READING_REFUSAL;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.cluster.KafkaTestCluster;
import io.peerwatt.cluster.ingest.ReadingsLog;
import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.db.testing.TestDatabase;
import io.peerwatt.gateway.journal.Journal;
import io.peerwatt.gateway.journal.JournalEntry;
import io.peerwatt.gateway.platform.PlatformHttp;
import io.peerwatt.gateway.platform.Uploader;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.reading.MeterReading;
import io.peerwatt.protocol.reading.ReadingFlag;
import io.peerwatt.protocol.reading.SignedReading;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, item 4, "gateways do not notice": the real gateway uploader sends through a load
 * balancer (a round-robin TCP proxy) to two ingest nodes on Kafka, one of them {@code peerwatt
 * platform --roles ingest} in its own JVM; that node is killed with SIGKILL mid-stream. The gateway
 * resends what was not answered to the other node, and every reading ends up stored exactly once.
 */
@ExtendWith(PostgresExtension.class)
class IngestNodeKilledTest {
  private static final int READINGS = 400;

  @Test
  void aGatewayKeepsEveryReadingWhenItsIngestNodeIsKilled(TestDatabase db, @TempDir Path dir)
      throws Exception {
    Path dataDir = Files.createDirectories(dir.resolve("platform"));
    try (KafkaTestCluster kafka = KafkaTestCluster.start()) {
      kafka.createTopics(Map.of(ReadingsLog.TOPIC, ReadingsLog.PARTITIONS));
      String[] cluster = {
        "db.url", db.jdbcUrl(),
        "db.user", db.user(),
        "db.password", db.password(),
        "kafka.bootstrap-servers", kafka.bootstrapServers()
      };
      try (PlatformHarness nodeA = PlatformHarness.start(dataDir, with(cluster, "node.id", "a"))) {
        nodeA.operator("ops", PlatformHarness.OPS_PASSWORD);
        PlatformHarness.Gateway gateway = nodeA.annasEnrolledGateway("NL-G");
        long deviceId = gateway.enrolment().getLong("deviceId");
        try (PlatformProcess nodeB =
            PlatformProcess.start(dataDir, db, kafka.bootstrapServers(), "b", "ingest", Map.of())) {
          int portB = nodeB.awaitPort();
          InetSocketAddress b = new InetSocketAddress("127.0.0.1", portB);
          // an ingest-only node answers its health and refuses what another role serves
          assertThat(get(portB, "/health").statusCode()).isEqualTo(200);
          java.net.http.HttpResponse<String> notServed = get(portB, "/api/v1/zones");
          assertThat(notServed.statusCode()).isEqualTo(503);
          assertThat(notServed.body()).contains("ROLE_NOT_SERVED");
          InetSocketAddress a = new InetSocketAddress("127.0.0.1", nodeA.platform.port());
          // the first connection goes to node b, the one that is killed
          try (RoundRobinProxy balancer = new RoundRobinProxy(List.of(b, a))) {
            Path gatewayDir = Files.createDirectories(dir.resolve("gateway"));
            Journal journal = Journal.open(gatewayDir.resolve("journal"), 1 << 22, 1 << 16);
            Uploader uploader =
                new Uploader(
                    URI.create("http://127.0.0.1:" + balancer.port()),
                    gateway.key(),
                    Map.of(0, journal),
                    gatewayDir,
                    java.time.Clock.systemUTC(),
                    new PlatformHttp(Duration.ofSeconds(2)),
                    20,
                    Duration.ofSeconds(5));
            AtomicBoolean metering = new AtomicBoolean(true);
            CompletableFuture<Void> uploads =
                CompletableFuture.runAsync(
                    () -> {
                      try {
                        while (metering.get() || uploader.depth() > 0) {
                          uploader.drain(() -> true, Duration.ofMillis(20), Duration.ofMillis(500));
                          Thread.sleep(20);
                        }
                      } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                    });
            Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(3600);
            for (int i = 1; i <= READINGS; i++) {
              append(journal, gateway.key(), start.plusSeconds(5L * i));
              if (i == READINGS / 2) {
                await("node b took readings", () -> stored(db, deviceId) > 0, 60);
                assertThat(balancer.connectionsTo(b)).isPositive();
                nodeB.kill();
              }
              Thread.sleep(10);
            }
            metering.set(false);
            uploads.get(120, TimeUnit.SECONDS);
            await(READINGS + " readings stored", () -> stored(db, deviceId) == READINGS, 60);

            assertThat(balancer.connectionsTo(a)).isPositive();
            assertThat(journal.depth()).isZero();
            assertThat(gatewayDir.resolve("dead-letter.jsonl")).doesNotExist();
            List<Long> sequences =
                db.dsl()
                    .select(READING.SEQUENCE)
                    .from(READING)
                    .where(READING.DEVICE_ID.eq(deviceId))
                    .orderBy(READING.SEQUENCE)
                    .fetch(READING.SEQUENCE);
            assertThat(sequences)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, READINGS).boxed().toList());
            assertThat(db.dsl().fetchCount(READING_REFUSAL)).isZero();
            journal.close();
          }
        }
      }
    }
  }

  private static String[] with(String[] base, String... more) {
    String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  private static java.net.http.HttpResponse<String> get(int port, String path) throws Exception {
    return java.net.http.HttpClient.newHttpClient()
        .send(
            java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
  }

  private static int stored(TestDatabase db, long deviceId) {
    return db.dsl().fetchCount(READING, READING.DEVICE_ID.eq(deviceId));
  }

  private static void await(String what, BooleanSupplier condition, int seconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + seconds + " s: " + what);
      }
      Thread.sleep(100);
    }
  }

  private static void append(Journal journal, PrivateKey key, Instant takenAt) throws IOException {
    long sequence = journal.nextSequence();
    MeterReading r =
        new MeterReading(
            MeterReading.VERSION_1,
            key.publicKey(),
            0,
            sequence,
            takenAt,
            1_000 + 10 * sequence,
            0,
            1500,
            230_000,
            EnumSet.noneOf(ReadingFlag.class),
            journal.lastHash());
    SignedReading s = SignedReading.sign(r, key);
    journal.append(new JournalEntry(sequence, takenAt, false, s.hash(), s.encode()));
  }
}
