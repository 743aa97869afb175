package io.peerwatt.benchmarks.trading;

import io.peerwatt.db.Database;
import io.peerwatt.db.DatabaseConfig;
import io.peerwatt.http.ApiRouter;
import io.peerwatt.http.Blocking;
import io.peerwatt.protocol.encoding.Json;
import io.peerwatt.protocol.keys.PrivateKey;
import io.peerwatt.protocol.keys.SignatureCheck;
import io.peerwatt.protocol.reading.BatchAndEnrolmentSigning;
import io.peerwatt.protocol.reading.MeterReading;
import io.peerwatt.protocol.reading.SignedReading;
import io.peerwatt.trading.PlatformKeys;
import io.peerwatt.trading.TradingApi;
import io.peerwatt.trading.TradingSettings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Load driver: signed readings over HTTP into durable PostgreSQL per second, next to the raw ECDSA
 * verify rate measured in the same run on the same machine. Starts the trading API on embedded
 * PostgreSQL (fsync and synchronous_commit on) in a temporary data directory, enrols {@code
 * devices} gateways through the API, pre-signs every reading and batch (so the timed phase spends
 * client CPU only on HTTP), then uploads each device's batches in chain order, one at a time per
 * device (as a gateway does), every device on its own keep-alive connection, all devices at once.
 * The first batch of every device is sent before the clock starts (JIT warm-up, and each chain's
 * first row).
 *
 * <p>With a rate, the devices are paced instead: together they send {@code rate} readings/s, each
 * device its batches at fixed times spread evenly over the devices; a batch's latency counts from
 * the time it was due (so a device held up by its previous batch shows the wait).
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * io.peerwatt.benchmarks.trading.IngestLoad [devices] [batches per device] [readings per batch]
 * [rate]} (defaults 4 50 100, rate 0: as fast as the platform answers).
 */
public final class IngestLoad {
  private static final SecureRandom RANDOM = new SecureRandom();

  private IngestLoad() {}

  public static void main(String[] args) throws Exception {
    int devices = args.length > 0 ? Integer.parseInt(args[0]) : 4;
    int batchesPerDevice = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    int perBatch = args.length > 2 ? Integer.parseInt(args[2]) : 100;
    double rate = args.length > 3 ? Double.parseDouble(args[3]) : 0;
    if (batchesPerDevice < 2) {
      throw new IllegalArgumentException("at least 2 batches per device: the first one warms up");
    }
    Path dataDir = Files.createTempDirectory("peerwatt-ingest-load-");
    Vertx vertx = Vertx.vertx();
    // the gateways' side: its own event loop, so the platform's loops serve only the platform
    Vertx clients = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    try (Database db = Database.start(new DatabaseConfig(null, null, null, dataDir, 16))) {
      TradingSettings settings = TradingSettings.defaults(dataDir);
      Blocking blocking = Blocking.create(vertx, "peerwatt-api-db", settings.workerPoolSize());
      PlatformKeys platformKeys = PlatformKeys.loadOrCreate(settings, RANDOM);
      TradingApi trading = startTrading(vertx, db, settings, platformKeys, blocking);
      Router root = Router.router(vertx);
      root.route(ApiRouter.BASE_PATH + "/*").subRouter(await(trading.router(List.of())));
      HttpServer server =
          await(vertx.createHttpServer().requestHandler(root).listen(0, "127.0.0.1"));
      int port = server.actualPort();
      HttpClient http =
          clients.createHttpClient(
              new HttpClientOptions()
                  .setDefaultHost("127.0.0.1")
                  .setDefaultPort(port)
                  .setKeepAlive(true),
              new PoolOptions().setHttp1MaxSize(devices + 16));

      List<PrivateKey> keys = BenchDevices.enrol(http, db, devices);
      System.out.printf("enrolled %d devices%n", devices);

      // pre-sign everything: readings 5 s apart ending now, batches signed with fresh nonces
      Instant start =
          Instant.now()
              .truncatedTo(ChronoUnit.MILLIS)
              .minusSeconds(5L * batchesPerDevice * perBatch + 60);
      List<List<Buffer>> bodies = new ArrayList<>();
      List<SignedReading> sample = new ArrayList<>();
      long signStart = System.nanoTime();
      for (PrivateKey key : keys) {
        List<Buffer> deviceBodies = new ArrayList<>();
        MeterReading last = null;
        for (int b = 0; b < batchesPerDevice; b++) {
          List<SignedReading> batch = new ArrayList<>(perBatch);
          for (int i = 0; i < perBatch; i++) {
            MeterReading r = BenchDevices.nextReading(key, last, start);
            batch.add(SignedReading.sign(r, key));
            last = r;
          }
          if (sample.size() < 5_000) {
            sample.addAll(batch);
          }
          deviceBodies.add(Buffer.buffer(batchBody(key, batch)));
        }
        bodies.add(deviceBodies);
      }
      double signSeconds = (System.nanoTime() - signStart) / 1e9;

      // raw ECDSA verify rate, one thread and all cores, before the timed phase
      int cores = Runtime.getRuntime().availableProcessors();
      double verifyOneBefore = verifyRate(sample, 1);
      double verifyAllBefore = verifyRate(sample, cores);

      // warm-up: the first batch of every device, untimed
      Uploads warmUp = new Uploads(clients, http, devices);
      for (int d = 0; d < devices; d++) {
        warmUp.sendInOrder(d, bodies.get(d).subList(0, 1), 0, 0);
      }
      warmUp.await();

      // timed phase
      double deviceBatchesPerSecond = rate / perBatch / devices;
      Uploads timed = new Uploads(clients, http, devices * (batchesPerDevice - 1));
      String loadBefore = loadAverage();
      CpuTimes cpu0 = CpuTimes.now(dataDir);
      long t0 = System.nanoTime();
      for (int d = 0; d < devices; d++) {
        long firstDue = rate <= 0 ? 0 : t0 + (long) (1e9 / deviceBatchesPerSecond * d / devices);
        long periodNanos = rate <= 0 ? 0 : (long) (1e9 / deviceBatchesPerSecond);
        timed.sendInOrder(d, bodies.get(d).subList(1, batchesPerDevice), firstDue, periodNanos);
      }
      timed.await();
      double seconds = (System.nanoTime() - t0) / 1e9;
      CpuTimes cpu1 = CpuTimes.now(dataDir);
      String loadAfter = loadAverage();

      double verifyOneAfter = verifyRate(sample, 1);
      double verifyAllAfter = verifyRate(sample, cores);

      long total = (long) devices * batchesPerDevice * perBatch;
      long storedRows = db.dsl().fetchCount(io.peerwatt.db.schema.Tables.READING);
      long[] sorted = timed.latenciesMicros();
      double ingestRate = timed.accepted.get() / seconds;
      double verifyAll = Math.max(verifyAllBefore, verifyAllAfter);
      System.out.printf(
          "IngestLoad: %d devices x %d batches x %d readings = %d signed readings (signing took %.1f s)%n",
          devices, batchesPerDevice, perBatch, total, signSeconds);
      System.out.printf(
          "  %s: %d batches after one warm-up batch per device%n",
          rate <= 0 ? "as fast as answered" : String.format("paced at %.0f readings/s", rate),
          sorted.length);
      System.out.printf(
          "  accepted %d (+%d in warm-up), stored rows %d, in %.2f s: %.0f readings/s over HTTP into PostgreSQL%n",
          timed.accepted.get(), warmUp.accepted.get(), storedRows, seconds, ingestRate);
      System.out.printf(
          "  batch latency: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
          pct(sorted, 0.50) / 1000.0,
          pct(sorted, 0.99) / 1000.0,
          sorted[sorted.length - 1] / 1000.0);
      System.out.printf(
          "  raw ECDSA verify (SignedReading.verify): before %.0f/s on 1 thread, %.0f/s on %d threads; after %.0f/s and %.0f/s%n",
          verifyOneBefore, verifyAllBefore, cores, verifyOneAfter, verifyAllAfter);
      System.out.printf(
          "  ingest / raw verify on %d threads (the higher of before and after): %.2f (each reading also costs 1/%d of a batch verify)%n",
          cores, ingestRate / verifyAll, perBatch);
      System.out.printf(
          "  CPU in the timed phase: this JVM %.1f s (platform and gateways), PostgreSQL %.1f s, of %.1f s x %d cores%n",
          (cpu1.jvmNanos - cpu0.jvmNanos) / 1e9,
          (cpu1.postgresTicks - cpu0.postgresTicks) / (double) CpuTimes.TICKS_PER_SECOND,
          seconds,
          cores);
      System.out.printf("  load average before: %s; after: %s%n", loadBefore, loadAfter);
      if (timed.accepted.get() + warmUp.accepted.get() != total || storedRows != total) {
        throw new IllegalStateException("not every reading was accepted and stored");
      }
      await(http.close());
      trading.close();
      blocking.close();
    } finally {
      clients.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /** Each device uploads its batches one after another; all devices at once. */
  private static final class Uploads {
    private final Vertx vertx;
    private final HttpClient http;
    private final long[] latencies;
    private final AtomicLong count = new AtomicLong();
    private final List<Future<Void>> done = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    final AtomicLong accepted = new AtomicLong();

    Uploads(Vertx vertx, HttpClient http, int batches) {
      this.vertx = vertx;
      this.http = http;
      this.latencies = new long[batches];
    }

    /**
     * Sends {@code batches} in order, the first at {@code firstDue} (System.nanoTime), each next
     * {@code periodNanos} later or when the previous one is answered, whichever is later.
     */
    void sendInOrder(int device, List<Buffer> batches, long firstDue, long periodNanos) {
      Promise<Void> finished = Promise.promise();
      done.add(finished.future());
      next(batches, 0, firstDue, periodNanos, finished);
    }

    private void next(
        List<Buffer> batches, int i, long due, long periodNanos, Promise<Void> finished) {
      if (i == batches.size()) {
        finished.complete();
        return;
      }
      long wait = due - System.nanoTime();
      if (periodNanos > 0 && wait > 1_000_000) {
        vertx.setTimer(wait / 1_000_000, id -> send(batches, i, due, periodNanos, finished));
      } else {
        send(batches, i, due, periodNanos, finished);
      }
    }

    private void send(
        List<Buffer> batches, int i, long due, long periodNanos, Promise<Void> finished) {
      long sentAt = System.nanoTime();
      long from = periodNanos > 0 ? due : sentAt;
      http.request(
              new RequestOptions()
                  .setMethod(HttpMethod.POST)
                  .setURI(ApiRouter.BASE_PATH + "/readings")
                  .putHeader("content-type", "application/json"))
          .compose(req -> req.send(batches.get(i)))
          .compose(
              resp ->
                  resp.body()
                      .map(
                          body -> {
                            if (resp.statusCode() != 200) {
                              throw new IllegalStateException(
                                  "upload answered " + resp.statusCode() + ": " + body);
                            }
                            return new JsonObject(body).getLong("accepted");
                          }))
          .onSuccess(
              n -> {
                long slot = count.getAndIncrement();
                latencies[(int) slot] = (System.nanoTime() - from) / 1_000;
                accepted.addAndGet(n);
                next(batches, i + 1, due + periodNanos, periodNanos, finished);
              })
          .onFailure(
              e -> {
                failure.compareAndSet(null, e);
                finished.fail(e);
              });
    }

    void await() throws Exception {
      Future.join(done).toCompletionStage().toCompletableFuture().exceptionally(e -> null).get();
      if (failure.get() != null) {
        throw new IllegalStateException("an upload failed", failure.get());
      }
    }

    long[] latenciesMicros() {
      long[] out = java.util.Arrays.copyOf(latencies, (int) count.get());
      java.util.Arrays.sort(out);
      return out;
    }
  }

  /** CPU time of this JVM and of the embedded PostgreSQL's processes. */
  private record CpuTimes(long jvmNanos, long postgresTicks) {
    /** Linux's USER_HZ: clock ticks per second in /proc/PID/stat. */
    static final int TICKS_PER_SECOND = 100;

    static CpuTimes now(Path dataDir) throws Exception {
      long jvm =
          ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
              .getProcessCpuTime();
      List<String> pidFile = Files.readAllLines(dataDir.resolve("postgres/postmaster.pid"));
      long postmaster = Long.parseLong(pidFile.get(0).trim());
      long ticks = 0;
      try (var procs = Files.list(Path.of("/proc"))) {
        for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
          String stat;
          try {
            stat = Files.readString(p.resolve("stat"));
          } catch (java.io.IOException e) {
            continue; // the process ended meanwhile
          }
          // fields after the command name, which is in parentheses and may hold spaces
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          long pid = Long.parseLong(p.getFileName().toString());
          long parent = Long.parseLong(f[1]);
          if (pid == postmaster || parent == postmaster) {
            ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
          }
        }
      }
      return new CpuTimes(jvm, ticks);
    }
  }

  private static String loadAverage() throws Exception {
    String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
    return f[0] + " " + f[1] + " " + f[2];
  }

  private static double verifyRate(List<SignedReading> sample, int threads) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      // warm-up, then the timed pass
      for (SignedReading s : sample.subList(0, Math.min(500, sample.size()))) {
        s.verify();
      }
      long t0 = System.nanoTime();
      List<java.util.concurrent.Future<?>> parts = new ArrayList<>();
      int chunk = (sample.size() + threads - 1) / threads;
      for (int t = 0; t < threads; t++) {
        List<SignedReading> part =
            sample.subList(
                Math.min(sample.size(), t * chunk), Math.min(sample.size(), (t + 1) * chunk));
        parts.add(
            pool.submit(
                () ->
                    part.forEach(
                        s -> {
                          if (s.verify() != SignatureCheck.VALID) {
                            throw new IllegalStateException("bad signature in the sample");
                          }
                        })));
      }
      for (java.util.concurrent.Future<?> f : parts) {
        f.get();
      }
      return sample.size() / ((System.nanoTime() - t0) / 1e9);
    } finally {
      pool.shutdown();
    }
  }

  private static long pct(long[] sorted, double p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))];
  }

  private static String batchBody(PrivateKey key, List<SignedReading> readings) {
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    Instant sentAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    JsonArray items = new JsonArray();
    for (SignedReading s : readings) {
      items.add(new JsonObject(Json.write(s.toJson())));
    }
    byte[] digest =
        BatchAndEnrolmentSigning.batchDigest(
            nonce, sentAt, readings.stream().map(SignedReading::hash).toList());
    return new JsonObject()
        .put("deviceKey", key.publicKey().hex())
        .put("batchNonce", HexFormat.of().formatHex(nonce))
        .put("sentAt", sentAt.toString())
        .put("readings", items)
        .put("signature", HexFormat.of().formatHex(key.signDer(digest)))
        .encode();
  }

  /** The platform's trading API on {@code db}, on real time, as the load drivers serve it. */
  static TradingApi startTrading(
      Vertx vertx, Database db, TradingSettings settings, PlatformKeys keys, Blocking blocking)
      throws Exception {
    return await(
        TradingApi.start(
            vertx, db.dsl(), settings, keys, Clock.systemUTC(), Clock.systemUTC(), blocking));
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }
}
