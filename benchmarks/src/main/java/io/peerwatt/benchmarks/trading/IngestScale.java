package io.peerwatt.benchmarks.trading;

import static io.peerwatt.db.schema.Tables.READING;
import static io.peerwatt.db.schema.Tables.READING_REFUSAL;

import io.peerwatt.cluster.ClusterSettings;
import io.peerwatt.cluster.KafkaTestCluster;
import io.peerwatt.cluster.ingest.KafkaReadingIntake;
import io.peerwatt.cluster.ingest.ReadingsLog;
import io.peerwatt.cluster.ingest.ReadingsWriter;
import io.peerwatt.db.Database;
import io.peerwatt.db.DatabaseConfig;
import io.peerwatt.http.ApiRouter;
import io.peerwatt.http.Blocking;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.reading.BatchAndEnrolmentSigning;
import io.peerwatt.protocol.reading.MeterReading;
import io.peerwatt.protocol.reading.SignedReading;
import io.peerwatt.trading.PlatformKeys;
import io.peerwatt.trading.TradingApi;
import io.peerwatt.trading.TradingSettings;
import io.peerwatt.trading.ingest.ReadingIngest;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.Router;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Issue 17, item 3: reading ingestion on Kafka with 1 and then 2 ingest nodes, each a JVM of its
 * own pinned to its own core with {@code taskset} ({@code -XX:ActiveProcessorCount=1}), appending
 * to {@code peerwatt.readings} ({@link ReadingsLog#PARTITIONS} partitions, replication 3) of an
 * in-process KRaft cluster (one controller, three brokers) in this driver JVM.
 *
 * <p>The driver enrols {@code 2 x devices} gateways through the API on embedded PostgreSQL; each
 * run gets {@code devices} fresh ones, split evenly over its nodes. A node signs its devices'
 * readings and batches before the clock starts, says READY, and on GO hands every batch to {@link
 * KafkaReadingIntake} (the same check and append an ingest node's {@code POST /readings} does; one
 * device's batches one after another, devices at once) and says DONE with its count and time. A
 * run's throughput is all its readings over the wall time from GO to the last DONE. Once both runs
 * are over, a {@link ReadingsWriter} stores everything, and the driver checks that every reading is
 * stored exactly once and none refused. Beside each run it prints the CPU each node used and what
 * the whole machine was busy ({@code /proc/stat}), so a ratio below 2 shows where the cores went.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * io.peerwatt.benchmarks.trading.IngestScale [devices] [batches per device] [readings per batch]}
 * (defaults 40 50 16); needs {@code taskset} and two cores.
 */
public final class IngestScale {
  private static final SecureRandom RANDOM = new SecureRandom();

  private IngestScale() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("node")) {
      node(args);
      return;
    }
    int devices = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    int batches = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    int perBatch = args.length > 2 ? Integer.parseInt(args[2]) : 16;
    Path dataDir = Files.createTempDirectory("peerwatt-ingest-scale-");
    Vertx vertx = Vertx.vertx();
    try (Database db = Database.start(new DatabaseConfig(null, null, null, dataDir, 16));
        KafkaTestCluster kafka = KafkaTestCluster.start()) {
      kafka.createTopics(Map.of(ReadingsLog.TOPIC, ReadingsLog.PARTITIONS));
      List<PrivateKey> keys = enrol(vertx, db, dataDir, 2 * devices);
      Instant firstTaken =
          Instant.now()
              .truncatedTo(java.time.temporal.ChronoUnit.MILLIS)
              .minus(Duration.ofSeconds(5L * batches * perBatch + 60));
      Run one = run(kafka, dataDir, keys.subList(0, devices), 1, batches, perBatch, firstTaken);
      Run two =
          run(kafka, dataDir, keys.subList(devices, 2 * devices), 2, batches, perBatch, firstTaken);

      long expected = 2L * devices * batches * perBatch;
      long storeStart = System.nanoTime();
      ClusterSettings writerNode =
          ClusterSettings.parse(kafka.bootstrapServers(), "bench-writer", "ingest");
      try (ReadingsWriter writer =
          new ReadingsWriter(
              writerNode,
              new ReadingIngest(db.dsl(), Clock.systemUTC(), Duration.ofMinutes(5)),
              db.dsl(),
              Clock.systemUTC())) {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (db.dsl().fetchCount(READING) < expected && System.nanoTime() < deadline) {
          Thread.sleep(200);
        }
      }
      double storeSeconds = (System.nanoTime() - storeStart) / 1e9;
      int rows = db.dsl().fetchCount(READING);
      int distinct =
          db.dsl()
              .fetchCount(
                  db.dsl()
                      .selectDistinct(READING.DEVICE_ID, READING.METER_CHANNEL, READING.SEQUENCE)
                      .from(READING));
      int refused = db.dsl().fetchCount(READING_REFUSAL);

      System.out.printf(
          "IngestScale: %d devices x %d batches x %d readings per run, %d partitions, load before: %s%n",
          devices, batches, perBatch, ReadingsLog.PARTITIONS, one.loadBefore());
      one.print();
      two.print();
      System.out.printf("  throughput ratio 2 nodes / 1 node: %.2f%n", two.rate() / one.rate());
      System.out.printf(
          "  stored by the writer after both runs: %d rows, %d distinct (device, channel, sequence),"
              + " %d expected, %d refused; %.1f s (%.0f readings/s)%n",
          rows, distinct, expected, refused, storeSeconds, rows / storeSeconds);
      if (rows != expected || distinct != expected || refused != 0) {
        throw new IllegalStateException("not every reading stored exactly once");
      }
    } finally {
      vertx.close().await();
    }
  }

  /** One run's figures: per node its readings and seconds, and the run's wall time. */
  private record Run(
      int nodes,
      long[] readings,
      double[] nodeSeconds,
      double[] nodeCpuSeconds,
      double wallSeconds,
      double machineBusySeconds,
      String loadBefore) {
    double rate() {
      long total = 0;
      for (long r : readings) {
        total += r;
      }
      return total / wallSeconds;
    }

    void print() {
      long total = 0;
      for (long r : readings) {
        total += r;
      }
      StringBuilder split = new StringBuilder();
      for (int n = 0; n < nodes; n++) {
        split.append(
            String.format(
                " node %d: %d readings (%.1f%%) in %.2f s, %.2f cores;",
                n,
                readings[n],
                100.0 * readings[n] / total,
                nodeSeconds[n],
                nodeCpuSeconds[n] / wallSeconds));
      }
      double nodesCpu = 0;
      for (double c : nodeCpuSeconds) {
        nodesCpu += c;
      }
      System.out.printf(
          "  %d node(s): %d readings in %.2f s = %.0f readings/s;%s machine busy %.2f cores"
              + " (nodes %.2f, brokers + PostgreSQL + driver %.2f); load before %s%n",
          nodes,
          total,
          wallSeconds,
          rate(),
          split,
          machineBusySeconds / wallSeconds,
          nodesCpu / wallSeconds,
          (machineBusySeconds - nodesCpu) / wallSeconds,
          loadBefore);
    }
  }

  private static List<PrivateKey> enrol(Vertx vertx, Database db, Path dataDir, int devices)
      throws Exception {
    TradingSettings settings = TradingSettings.defaults(dataDir);
    Blocking blocking = Blocking.create(vertx, "peerwatt-api-db", settings.workerPoolSize());
    PlatformKeys platformKeys = PlatformKeys.loadOrCreate(settings, RANDOM);
    TradingApi trading = IngestLoad.startTrading(vertx, db, settings, platformKeys, blocking);
    Router root = Router.router(vertx);
    root.route(ApiRouter.BASE_PATH + "/*").subRouter(IngestLoad.await(trading.router(List.of())));
    HttpServer server =
        IngestLoad.await(vertx.createHttpServer().requestHandler(root).listen(0, "127.0.0.1"));
    HttpClient http =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setDefaultHost("127.0.0.1")
                .setDefaultPort(server.actualPort())
                .setKeepAlive(true),
            new PoolOptions().setHttp1MaxSize(16));
    try {
      return BenchDevices.enrol(http, db, devices);
    } finally {
      IngestLoad.await(server.close());
      trading.close();
    }
  }

  /** Starts {@code nodes} pinned node JVMs over {@code keys}, lets them go, collects figures. */
  private static Run run(
      KafkaTestCluster kafka,
      Path dataDir,
      List<PrivateKey> keys,
      int nodes,
      int batches,
      int perBatch,
      Instant firstTaken)
      throws Exception {
    List<Process> processes = new ArrayList<>();
    List<BufferedReader> outputs = new ArrayList<>();
    try {
      for (int n = 0; n < nodes; n++) {
        Path keyFile = dataDir.resolve("keys-" + nodes + "-" + n);
        List<String> lines = new ArrayList<>();
        for (int d = n; d < keys.size(); d += nodes) {
          lines.add(keys.get(d).hex());
        }
        Files.write(keyFile, lines);
        Process p =
            new ProcessBuilder(
                    "taskset",
                    "-c",
                    Integer.toString(n),
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m",
                    "-XX:ActiveProcessorCount=1",
                    "-cp",
                    System.getProperty("java.class.path"),
                    IngestScale.class.getName(),
                    "node",
                    kafka.bootstrapServers(),
                    "ingest-" + n,
                    keyFile.toString(),
                    Integer.toString(batches),
                    Integer.toString(perBatch),
                    firstTaken.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        processes.add(p);
        outputs.add(
            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)));
      }
      for (BufferedReader out : outputs) {
        expect(out, "READY");
      }
      String loadBefore = Files.readString(Path.of("/proc/loadavg")).strip();
      long busy0 = machineBusyTicks();
      long t0 = System.nanoTime();
      for (Process p : processes) {
        PrintWriter in = new PrintWriter(p.getOutputStream(), true, StandardCharsets.UTF_8);
        in.println("GO");
      }
      long[] readings = new long[nodes];
      double[] seconds = new double[nodes];
      double[] cpu = new double[nodes];
      for (int n = 0; n < nodes; n++) {
        String[] done = expect(outputs.get(n), "DONE").split(" ");
        readings[n] = Long.parseLong(done[1]);
        seconds[n] = Long.parseLong(done[2]) / 1e9;
        cpu[n] = Long.parseLong(done[3]) / 1e9;
      }
      double wall = (System.nanoTime() - t0) / 1e9;
      double busy = (machineBusyTicks() - busy0) / (double) CLOCK_TICKS_PER_SECOND;
      return new Run(nodes, readings, seconds, cpu, wall, busy, loadBefore);
    } finally {
      for (Process p : processes) {
        p.destroyForcibly().waitFor();
      }
    }
  }

  /** Linux's {@code USER_HZ}: the unit of {@code /proc/stat}. */
  private static final int CLOCK_TICKS_PER_SECOND = 100;

  /** Ticks all cores spent busy since boot (every {@code /proc/stat} field but idle and iowait). */
  private static long machineBusyTicks() throws IOException {
    String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
    long busy = 0;
    for (int i = 1; i < cpu.length && i <= 8; i++) {
      if (i != 4 && i != 5) {
        busy += Long.parseLong(cpu[i]);
      }
    }
    return busy;
  }

  private static String expect(BufferedReader out, String word) throws IOException {
    for (String line; (line = out.readLine()) != null; ) {
      if (line.startsWith(word)) {
        return line;
      }
    }
    throw new IllegalStateException("an ingest node ended before it said " + word);
  }

  /**
   * An ingest node: {@code node <bootstrap> <node id> <key file> <batches> <per batch> <first
   * takenAt>}.
   */
  private static void node(String[] args) throws Exception {
    ClusterSettings cluster = ClusterSettings.parse(args[1], args[2], "ingest");
    List<PrivateKey> keys =
        Files.readAllLines(Path.of(args[3])).stream().map(PrivateKey::fromHex).toList();
    int batches = Integer.parseInt(args[4]);
    int perBatch = Integer.parseInt(args[5]);
    Instant firstTaken = Instant.parse(args[6]);
    List<List<ReadingIngest.Batch>> perDevice = new ArrayList<>();
    for (PrivateKey key : keys) {
      perDevice.add(sign(key, batches, perBatch, firstTaken));
    }
    PrintStream out = System.out;
    try (KafkaReadingIntake intake =
        new KafkaReadingIntake(cluster, Clock.systemUTC(), Duration.ofMinutes(5), 1)) {
      // the producer's first metadata and idempotence handshake, before the clock starts
      intake.submit(() -> perDevice.get(0).get(0)).join();
      out.println("READY");
      out.flush();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      if (!"GO".equals(in.readLine())) {
        return;
      }
      var os =
          (com.sun.management.OperatingSystemMXBean)
              java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      long cpu0 = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      List<CompletableFuture<Long>> devices = new ArrayList<>();
      for (List<ReadingIngest.Batch> device : perDevice) {
        CompletableFuture<Long> chain = CompletableFuture.completedFuture(0L);
        for (ReadingIngest.Batch b : device.subList(device == perDevice.get(0) ? 1 : 0, batches)) {
          chain =
              chain.thenCompose(
                  n ->
                      intake
                          .submit(() -> b)
                          .thenApply(
                              results ->
                                  n
                                      + results.stream()
                                          .filter(r -> r.status() == ReadingIngest.Status.ACCEPTED)
                                          .count()));
        }
        devices.add(chain);
      }
      long accepted = 0;
      for (CompletableFuture<Long> f : devices) {
        accepted += f.join();
      }
      out.println(
          "DONE "
              + accepted
              + " "
              + (System.nanoTime() - t0)
              + " "
              + (os.getProcessCpuTime() - cpu0));
      out.flush();
    }
  }

  /** A device's chain of readings 5 s apart from {@code firstTaken}, in signed batches. */
  private static List<ReadingIngest.Batch> sign(
      PrivateKey key, int batches, int perBatch, Instant firstTaken) {
    List<ReadingIngest.Batch> out = new ArrayList<>(batches);
    MeterReading last = null;
    for (int b = 0; b < batches; b++) {
      List<SignedReading> readings = new ArrayList<>(perBatch);
      for (int i = 0; i < perBatch; i++) {
        MeterReading r = BenchDevices.nextReading(key, last, firstTaken);
        readings.add(SignedReading.sign(r, key));
        last = r;
      }
      byte[] nonce = new byte[16];
      RANDOM.nextBytes(nonce);
      Instant sentAt = Instant.now();
      byte[] digest =
          BatchAndEnrolmentSigning.batchDigest(
              nonce, sentAt, readings.stream().map(SignedReading::hash).toList());
      out.add(
          new ReadingIngest.Batch(key.publicKey(), nonce, sentAt, readings, key.signDer(digest)));
    }
    return out;
  }
}
